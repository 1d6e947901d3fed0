"""Starting the window: fonts, error handling, the database, the first-run profile."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from exports.fonts import qt_font_files
from forms import APP_NAME
from storage import DatabaseError, Store, default_db_path
from ui import strings
from ui.qt import QApplication, QFont, QFontDatabase, QMessageBox

log = logging.getLogger(__name__)

# Office PCs have Microsoft YaHei; elsewhere the shipped WenQuanYi Micro Hei renders Chinese.
UI_FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei"]


def register_fonts() -> list[str]:
    """Use a CJK UI font: the system's YaHei when present, else the shipped WenQuanYi.

    Only the shipped sans face is registered, and only when the system has none
    of ``UI_FAMILIES``: the shipped Ming face is for PDFs (see exports/fonts.py).
    """
    families: list[str] = []
    if not any(QFontDatabase.hasFamily(name) for name in UI_FAMILIES):
        for path in qt_font_files():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families += QFontDatabase.applicationFontFamilies(font_id)
    font = QFont()
    font.setFamilies(UI_FAMILIES)
    font.setPointSize(10)
    QApplication.setFont(font)
    return families


def ensure_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("wanlixing")
    register_fonts()
    return app  # type: ignore[return-value]


def install_excepthook(log_path: str) -> None:
    """An unexpected error becomes a Chinese sentence; the traceback goes to the log."""

    def hook(exc_type, exc, tb) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if QApplication.instance() is not None:
            QMessageBox.critical(None, APP_NAME, strings.UNEXPECTED_ERROR.format(what=exc, log=log_path))

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
    store = open_store_or_explain(db_path or default_db_path())
    if store is None:
        return 2
    if not store.has_profile():
        dialog = ProfileDialog(store, first_run=True)
        dialog.exec()
    window = MainWindow(store)
    window.show()
    code = app.exec()
    store.close()
    return code
