"""文件 → 备份数据库… / 恢复备份… / 打开其他数据库…: the database as a file the officer can keep safe.

The copies go through SQLite's backup API (storage/backup.py). Restoring and
opening another database replace the main window by a new one on the new
database, so no page keeps rows, undo steps or caches from the old one.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from forms import APP_NAME
from storage import DatabaseError, Store
from storage.backup import KEEP, KEEP_DAILY, BackupInfo, backup_dir, copy_database, describe, list_backups
from storage.backup import restore as restore_database
from storage.errors import explain
from ui import instance_lock, strings
from ui.qt import (
    QAbstractItemView,
    QApplication,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSettings,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QUrl,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

# Windows opened in place of another (restore, open other database): kept referenced here.
_windows: list[QMainWindow] = []


def _fail(parent: QWidget, title: str, exc: Exception, path: str | Path | None = None) -> None:
    """A failure as a Chinese sentence; the traceback goes to the log."""
    log.warning("%s failed", title, exc_info=exc)
    text = str(exc) if isinstance(exc, DatabaseError) else explain(exc, path)
    QMessageBox.warning(parent, title, text or strings.UNEXPECTED_ERROR.format(log="wanlixing.log"))


def _when(info: BackupInfo) -> str:
    return info.taken_at.strftime("%Y-%m-%d %H:%M") if info.taken_at else ""


def _holds(info: BackupInfo) -> str:
    if info.error:
        return info.error
    return strings.BACKUP_HOLDS.format(needs=info.needs, cases=info.cases, unit=info.unit or strings.NOT_SET)


class RestoreDialog(QDialog):
    """The backups of one database, newest first, with what each holds; restores the chosen one."""

    COLUMNS = strings.BACKUP_COLUMNS

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.db_path = Path(store.path)
        self.restored: BackupInfo | None = None
        self.saved_before: Path | None = None
        self.setWindowTitle(strings.RESTORE_BACKUP.rstrip("…"))
        self.resize(820, 480)
        layout = QVBoxLayout(self)
        hint = QLabel(strings.BACKUP_FOLDER_HINT.format(folder=backup_dir(self.db_path), keep=KEEP,
                                                        daily=KEEP_DAILY))
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(hint)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(strings.CLOSE)
        self.restore_button = QPushButton(strings.RESTORE_SELECTED)
        self.restore_button.clicked.connect(self.restore_selected)
        from_file = QPushButton(strings.RESTORE_FROM_FILE)
        from_file.clicked.connect(self.restore_from_file)
        folder = QPushButton(strings.OPEN_BACKUP_FOLDER)
        folder.clicked.connect(self.open_folder)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(from_file, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(folder, QDialogButtonBox.ButtonRole.HelpRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.backups: list[BackupInfo] = []
        self.fill()

    def fill(self) -> None:
        self.backups = [describe(b.path) for b in list_backups(self.db_path)]
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            cells = [_when(info), info.reason_label,
                     "" if info.needs is None else str(info.needs),
                     "" if info.cases is None else str(info.cases),
                     info.unit if not info.error else strings.UNREADABLE]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if self.backups:
            self.table.selectRow(0)
        else:
            self.preview.setText(strings.NO_BACKUPS)
        self.restore_button.setEnabled(bool(self.backups))

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        self.preview.setText(strings.BACKUP_PREVIEW.format(when=_when(info), kind=info.reason_label, holds=_holds(info),
                                                           path=info.path, current=self._current_counts()))
        self.restore_button.setEnabled(not info.error)

    def _current_counts(self) -> str:
        return strings.DB_COUNTS.format(needs=self.store.needs.count(), cases=self.store.cases.count())

    def restore_selected(self) -> None:
        info = self.selected()
        if info is not None:
            self.restore(info)

    def restore_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, strings.RESTORE_FROM_FILE.rstrip("…"),
                                              str(backup_dir(self.db_path)), strings.DB_FILTER)
        if path:
            self.restore(describe(Path(path)))

    def restore(self, info: BackupInfo) -> None:
        if info.error:
            QMessageBox.warning(self, strings.RESTORE_BACKUP.rstrip("…"), info.error)
            return
        what = strings.BACKUP_WHAT.format(when=_when(info) or info.path.name, kind=info.reason_label, holds=_holds(info))
        answer = QMessageBox.question(
            self, strings.RESTORE_BACKUP.rstrip("…"),
            strings.RESTORE_CONFIRM.format(what=what, needs=self.store.needs.count(), cases=self.store.cases.count()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.saved_before = restore_database(info.path, self.db_path)
        except (DatabaseError, OSError) as exc:
            QApplication.restoreOverrideCursor()
            _fail(self, strings.RESTORE_BACKUP.rstrip("…"), exc, self.db_path)
            return
        QApplication.restoreOverrideCursor()
        self.restored = info
        self.accept()

    def open_folder(self) -> None:
        folder = backup_dir(self.db_path)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def _is_file_db(window) -> bool:
    if window.store.path == ":memory:":
        QMessageBox.information(window, strings.BACKUP_DB.rstrip("…"), strings.MEMORY_DB)
        return False
    return True


def backup_database(window) -> Path | None:
    """文件 → 备份数据库…: a copy through the backup API to a file the officer picks."""
    if not _is_file_db(window):
        return None
    window.cases_page.editor.flush()
    settings = QSettings()
    folder = settings.value("backup/folder", str(Path.home()))
    name = strings.BACKUP_FILE_NAME.format(date=f"{dt.date.today():%Y%m%d}")
    chosen, _ = QFileDialog.getSaveFileName(window, strings.BACKUP_DB.rstrip("…"), str(Path(folder) / name),
                                            strings.DB_FILTER)
    if not chosen:
        return None
    out = Path(chosen)
    if out.suffix.lower() != ".db":
        out = out.with_name(out.name + ".db")
    if out.exists() and out.resolve() == Path(window.store.path).resolve():
        QMessageBox.warning(window, strings.BACKUP_DB.rstrip("…"), strings.BACKUP_SAME_FILE)
        return None
    settings.setValue("backup/folder", str(out.parent))
    try:
        copy_database(window.store.path, out)
    except (DatabaseError, OSError) as exc:
        _fail(window, strings.BACKUP_DB.rstrip("…"), exc, out)
        return None
    info = describe(out)
    QMessageBox.information(window, strings.BACKUP_DB.rstrip("…"),
                            strings.BACKUP_SAVED.format(path=out, needs=info.needs, cases=info.cases))
    return out


def restore_backup(window) -> QMainWindow | None:
    """文件 → 恢复备份…: choose a backup, restore it, and show the restored database in a fresh window."""
    if not _is_file_db(window):
        return None
    window.cases_page.editor.flush()
    dialog = RestoreDialog(window.store, window)
    if not dialog.exec() or dialog.restored is None:
        return None
    new = reopen(window, Path(window.store.path))
    if new is not None:
        info = describe(Path(new.store.path))
        text = strings.RESTORE_DONE.format(needs=info.needs, cases=info.cases)
        if dialog.saved_before:
            text += " " + strings.RESTORE_DONE_BEFORE.format(path=dialog.saved_before)
        new.statusBar().showMessage(text, 30000)
    return new


def open_other_database(window) -> QMainWindow | None:
    """文件 → 打开其他数据库…"""
    window.cases_page.editor.flush()
    start = str(Path(window.store.path).parent) if window.store.path != ":memory:" else str(Path.home())
    chosen, _ = QFileDialog.getOpenFileName(window, strings.OPEN_OTHER_DB.rstrip("…"), start, strings.DB_FILTER)
    if not chosen:
        return None
    return reopen(window, Path(chosen))


def reopen(window, path: Path) -> QMainWindow | None:
    """Replace ``window`` by a new main window on the database at ``path``. UI thread."""
    from ui.app import open_store_or_explain
    from ui.main_window import MainWindow
    from ui.profile_dialog import ProfileDialog

    same = Path(window.store.path).resolve() == path.resolve() if window.store.path != ":memory:" else False
    lock = None if same else instance_lock.acquire(path)
    if not same and lock is None:  # another window has that database open
        QMessageBox.critical(window, APP_NAME, instance_lock.refusal(path))
        return None
    store = open_store_or_explain(path, window)
    if store is None:
        if lock is not None:
            lock.unlock()
        return None
    if not store.has_profile():
        ProfileDialog(store, first_run=True, parent=window).exec()
    new = MainWindow(store)
    if same:
        new.instance_lock = getattr(window, "instance_lock", None)
    else:
        old_lock = getattr(window, "instance_lock", None)
        if old_lock is not None:
            old_lock.unlock()
        new.instance_lock = lock
    new.setGeometry(window.geometry())
    new.show()
    _windows.append(new)
    old_store = window.store
    window.close()  # flushes the case form; the window is freed when its last reference goes
    if window in _windows:
        _windows.remove(window)
    if old_store is not store:
        old_store.close()
    return new
