"""Starting the window: fonts, error handling, the database, the first-run profile."""

from __future__ import annotations

import gc
import logging
import os
import sys
import traceback
from pathlib import Path

from exports.fonts import qt_font_files
from forms import APP_NAME
from storage import DatabaseError, Store, default_db_path
from storage.errors import explain
from ui import instance_lock, strings
from ui.qt import QApplication, QFont, QFontDatabase, QLibraryInfo, QMessageBox, QTimer, QTranslator, QWidget

log = logging.getLogger(__name__)

# Office PCs have Microsoft YaHei; elsewhere the shipped WenQuanYi Micro Hei renders Chinese.
UI_FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei"]
_translator: QTranslator | None = None


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
            # A failed write explains itself (and says it was NOT saved); a file or database
            # failure has its own sentence; nothing else shows English text.
            text = str(exc) if isinstance(exc, DatabaseError) else \
                explain(exc) or strings.UNEXPECTED_ERROR.format(log=log_path)
            QMessageBox.critical(None, APP_NAME, text)

    def unraisable(info) -> None:  # e.g. a ZipFile.__del__ on a full disk: the log, never stderr
        log.warning("ignored error in %r: %r", info.object, info.exc_value)

    sys.excepthook = hook
    sys.unraisablehook = unraisable


def open_store_or_explain(path: Path, parent: QWidget | None = None) -> Store | None:
    try:
        return Store.open(path)
    except DatabaseError as exc:
        QMessageBox.critical(parent, strings.DB_ERROR_TITLE, str(exc))
        return None


def start_up(path: Path) -> None:
    """Before the window opens: remove temporary files a killed run left."""
    from storage.backup import clean_stale_temp_files

    try:
        clean_stale_temp_files(path)
    except OSError:
        log.warning("could not clean temporary files", exc_info=True)


def daily_backup(path: Path) -> str:
    """The first start of the day copies the database (with records) into its backups folder."""
    from storage.backup import auto_backup

    try:
        auto_backup(path, "daily")
    except DatabaseError as exc:
        return strings.DAILY_BACKUP_FAILED.format(why=exc)
    return ""


def run(db_path: Path | None) -> int:
    from ui import tasks

    try:
        return _run(db_path)
    finally:
        tasks.resume_gc_after_start_up()  # for the ways out before the window is shown


def _run(db_path: Path | None) -> int:
    from ui import tasks
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
    start_up(path)
    is_new = not path.is_file()
    store = open_store_or_explain(path)
    if store is None:
        return 2
    note = strings.DB_CREATED.format(path=path) if is_new else daily_backup(path)
    if not store.has_profile():
        dialog = ProfileDialog(store, first_run=True)
        dialog.exec()
    window = MainWindow(store)
    window.instance_lock = lock  # 文件 → 打开其他数据库 hands it on or releases it
    window.show()
    if note:
        window.statusBar().showMessage(note, 30000)
    QTimer.singleShot(0, tasks.resume_gc_after_start_up)  # main.main paused collection for the start-up
    if os.environ.get("WANLIXING_QUIT_WHEN_SHOWN") == "1":
        # For timing the built program's start (bench/frozen_startup.sh) and its smoke test: the
        # window is shown, the event loop turns once, and the program ends as after 文件 → 退出.
        QTimer.singleShot(0, window.close)
    code = app.exec()
    # 文件 → 打开其他数据库 may have replaced the first window; close every database still open.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.store.close()
            if getattr(widget, "instance_lock", None) is not None:
                widget.instance_lock.unlock()
    store.close()
    lock.unlock()
    # The process ends now: Python's last garbage collections would walk every object the session
    # made (Qt wrappers, models, caches) only to free memory the system takes back anyway. Nothing
    # is left to close (the databases and the lock are above; logging flushes at exit).
    gc.freeze()
    return code
