"""Starting the window: fonts, error handling, the database, the first-run profile."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from exports.fonts import qt_font_files
from forms import APP_NAME
from storage import DatabaseError, Store, default_db_path
from ui import instance_lock, strings
from ui.qt import QApplication, QFont, QFontDatabase, QLibraryInfo, QMessageBox, QTranslator

log = logging.getLogger(__name__)

# Office PCs have Microsoft YaHei; elsewhere the shipped WenQuanYi Micro Hei renders Chinese.
UI_FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei"]
_translator: QTranslator | None = None


def register_fonts() -> list[str]:
    """Make the shipped CJK fonts available to Qt and use them as the UI font."""
    families: list[str] = []
    for path in qt_font_files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    font = QFont()
    font.setFamilies(UI_FAMILIES)
    font.setPointSize(10)
    QApplication.setFont(font)
    return families


def install_translations(app: QApplication) -> bool:
    """Qt's own words (是/否, 撤销/剪切/复制/粘贴 in context menus, 确定) in Chinese.

    The ``qtbase_zh_CN`` catalogue ships inside PySide6; nothing is downloaded. Installed once per
    application; the translator is kept here so Python does not collect it while Qt uses it.
    """
    global _translator
    if _translator is not None:
        return True
    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", folder):
        log.warning("Qt's Chinese translations not found in %s", folder)
        return False
    app.installTranslator(translator)
    _translator = translator
    return True


def ensure_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("wanlixing")
    register_fonts()
    install_translations(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def install_excepthook(log_path: str) -> None:
    """An unexpected error becomes a Chinese sentence; the traceback goes to the log."""

    def hook(exc_type, exc, tb) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if QApplication.instance() is not None:
            # A failed write explains itself (and says it was NOT saved); anything else is unexpected.
            text = str(exc) if isinstance(exc, DatabaseError) else \
                strings.UNEXPECTED_ERROR.format(what=exc, log=log_path)
            QMessageBox.critical(None, APP_NAME, text)

    sys.excepthook = hook


def open_store_or_explain(path: Path) -> Store | None:
    try:
        return Store.open(path)
    except DatabaseError as exc:
        QMessageBox.critical(None, strings.DB_ERROR_TITLE, str(exc))
        return None


def run(db_path: Path | None) -> int:
    from ui.main_window import MainWindow
    from ui.profile_dialog import ProfileDialog

    app = ensure_app()
    handler_file = next((h.baseFilename for h in logging.getLogger().handlers if hasattr(h, "baseFilename")), "")
    install_excepthook(handler_file)
    path = db_path or default_db_path()
    lock = instance_lock.acquire(path)
    if lock is None:
        QMessageBox.critical(None, APP_NAME, instance_lock.refusal(path))
        return 3
    store = open_store_or_explain(path)
    if store is None:
        return 2
    if not store.has_profile():
        dialog = ProfileDialog(store, first_run=True)
        dialog.exec()
    window = MainWindow(store)
    window.show()
    code = app.exec()
    store.close()
    lock.unlock()
    return code
