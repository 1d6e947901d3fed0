"""导入: choose files, see what each would change, decide conflicts, then import.

Reading and previewing run off the UI thread; nothing is written until the
supervisor presses 导入. Each file is imported in its own transaction.
"""

from __future__ import annotations

from pathlib import Path

from exports.import_report import duplicate_lines, overview
from exports.importing import FilePreview, apply_previews, collect_files, preview_files, replan_previews
from exports.reading import formats
from forms import FORMS
from forms.progress import Cancelled
from storage import DatabaseError, Store
from storage.backup import auto_backup
from storage.errors import explain
from storage.merge import CONFLICT, MergeError, history, undo_batch
from ui import strings as S
from ui.import_conflicts import Conflict, ConflictTable
from ui.import_files import FileDetails, FileList
from ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSettings,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.tasks import run_task


def _preview_job(db_path: str, files: list[Path], include_other_units: bool, progress) -> list[FilePreview]:
    store = Store.open(db_path)
    try:
        return preview_files(store, files, progress, include_other_units=include_other_units)
    finally:
        store.close()


def _apply_job(db_path: str, previews: list[FilePreview], decisions: dict, include_other_units: bool,
               progress) -> list[str]:
    auto_backup(db_path, "import")  # before anything is written; a failure stops the import here
    store = Store.open(db_path)
    try:
        return apply_previews(store, previews, decisions, progress=progress, include_other_units=include_other_units)
    finally:
        store.close()


def _replan_job(db_path: str, previews: list[FilePreview], decisions: dict, include_other_units: bool,
                progress) -> list[FilePreview] | None:
    """None when cancelled (the dialog then says its figures are out of date)."""
    store = Store.open(db_path)
    try:
        return replan_previews(store, previews, decisions, progress, include_other_units)
    except Cancelled:
        return None
    finally:
        store.close()


class PreviewDialog(QDialog):
    """Files ticked in or out, each file's rows, and every conflict with a decision.

    Unticking a file or changing a decision plans the ticked files again, in order, on a
    worker (``exports.importing.replan_previews``): a later file's plan depends on what the
    earlier ones leave, so the preview is recomputed, never just filtered.
    """

    # Returned by exec() when the caller should read and preview the files again.
    RERUN = 2
    REPLAN_DELAY_MS = 250  # ticking several boxes in a row plans once

    def __init__(self, previews: list[FilePreview], parent: QWidget | None = None,
                 include_other_units: bool = False, db_path: str | None = None) -> None:
        super().__init__(parent)
        self.previews = list(previews)
        self.include_other_units = include_other_units
        self.db_path = db_path
        self.decisions: dict[str, dict[str, str]] = {}
        self.replanning = False
        self._generation = 0
        self._sized = False
        self.setWindowTitle(S.PREVIEW_TITLE)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.REPLAN_DELAY_MS)
        self._timer.timeout.connect(self.replan)

        self.files = FileList(self.previews)
        self.files.ticked_changed.connect(self.schedule_replan)
        self.files.currentCellChanged.connect(lambda row, *_: self.show_file(row))
        self.details = FileDetails()
        self.details.conflict_wanted.connect(self._reveal_conflict)
        self.conflicts = ConflictTable(self.decisions)
        self.conflicts.decisions_changed.connect(self._decided)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.details, S.TAB_FILE_ROWS)
        self.tabs.addTab(self.conflicts, S.TAB_CONFLICTS)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.files, 1)
        ticks = QHBoxLayout()
        for text, ticked in ((S.FILES_ALL, True), (S.FILES_NONE, False)):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, t=ticked: self.files.set_all(t))
            ticks.addWidget(button)
        ticks.addStretch()
        left_layout.addLayout(ticks)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.files.setMinimumWidth(260)
        self.tabs.setMinimumWidth(560)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(S.PREVIEW_IMPORT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.replan_button = buttons.addButton(S.PREVIEW_REPLAN, QDialogButtonBox.ButtonRole.ActionRole)
        self.replan_button.clicked.connect(self.schedule_replan)
        self.replan_button.setVisible(False)
        buttons.addButton(S.PREVIEW_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        others = sum(p.plan.other_units for p in self.previews if p.plan)
        # A unit that does not consolidate takes only its own needs; offered only when it matters.
        self.other_units = QCheckBox(S.PREVIEW_OTHER_UNITS_N.format(n=others) if others else S.PREVIEW_OTHER_UNITS)
        self.other_units.setChecked(include_other_units)
        self.other_units.setVisible(bool(others) or include_other_units)
        self.other_units.toggled.connect(self._other_units_toggled)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.other_units)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(buttons)
        self._fit_screen()
        self._refresh()
        if self.previews:
            self.files.setCurrentCell(0, 1)

    def _fit_screen(self) -> None:
        """As large as a 1280×800 screen allows (less on a smaller one), the file list a third."""
        width, height = 1240, 740
        screen = self.screen()
        if screen is not None:
            area = screen.availableGeometry()
            if area.width() >= 800 and area.height() >= 600:
                width, height = min(width, area.width() - 40), min(height, area.height() - 40)
        self.resize(width, height)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._sized:  # sizes given before the first show are rescaled away
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([round(width * 0.36), width - round(width * 0.36)])

    # ---- what is ticked ----------------------------------------------------------------------

    def selected_previews(self) -> list[FilePreview]:
        """The readable files that are ticked, in order: what 导入 imports."""
        return [self.previews[row] for row in self.files.ticked_rows()]

    def _other_units_toggled(self, checked: bool) -> None:
        self.include_other_units = checked
        if self.db_path is None:
            self.done(self.RERUN)  # no database to plan against here: the caller reads again
        else:
            self.schedule_replan()

    def _decided(self, changed: list[Conflict]) -> None:
        """A decision only changes what a later ticked file meets if that file has a row of the
        same record (or of its natural key, which a kept-both copy would carry): plan again
        only then, so choosing in a file no later file touches is instant."""
        order = {str(p.path): n for n, p in enumerate(self.selected_previews())}
        for c in changed:
            later = [p for p in self.selected_previews()[order.get(c.path, -1) + 1:] if p.plan]
            if any(item.touches(c.item) for p in later for item in p.plan.items):
                self.schedule_replan()
                return

    def schedule_replan(self) -> None:
        self._generation += 1  # any plan still being computed is out of date
        self.import_button.setEnabled(False)
        self.summary.setText(S.PREVIEW_REPLANNING)
        self._timer.start()

    def replan(self) -> None:
        """Plan the ticked files again on a worker; the newest request wins."""
        if self.db_path is None:
            self._refresh()
            return
        generation = self._generation
        self.replanning = True
        decisions = {path: dict(chosen) for path, chosen in self.decisions.items()}
        run_task(self, S.PREVIEW_REPLANNING, _replan_job, self.db_path, self.selected_previews(), decisions,
                 self.include_other_units,
                 on_done=lambda previews: self._replanned(generation, previews),
                 on_error=lambda exc: self._replan_failed(generation, exc))

    def _replanned(self, generation: int, previews: list[FilePreview] | None) -> None:
        if generation != self._generation:
            return
        self.replanning = False
        if previews is None:  # cancelled: the figures shown are not those of the ticked files
            self.summary.setText(S.PREVIEW_REPLAN_CANCELLED)
            self.replan_button.setVisible(True)
            return
        self.replan_button.setVisible(False)
        fresh = {p.path: p for p in previews}
        self.previews = [fresh.get(p.path, p) for p in self.previews]
        self.files.show_previews(self.previews)
        self._refresh()

    def _replan_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self.replanning = False
        self.summary.setText(S.PREVIEW_REPLAN_FAILED.format(why=_failure_text(exc, self.db_path or "")))
        self.replan_button.setVisible(True)

    # ---- showing -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        chosen = self.selected_previews()
        totals = dict.fromkeys(("new", "changed", "conflict", "identical", "invalid"), 0)
        for preview in chosen:
            for key, n in preview.plan.counts.items():
                totals[key] += n
        refused = sum(1 for p in self.previews if p.plan is None)
        text = S.PREVIEW_SUMMARY.format(files=len(self.previews), ticked=len(chosen), new=totals["new"],
                                        changed=totals["changed"], conflicts=totals["conflict"],
                                        same=totals["identical"], invalid=totals["invalid"])
        self.summary.setText(text + (S.PREVIEW_REFUSED.format(n=refused) if refused else ""))
        self.import_button.setEnabled(bool(chosen) and not self.replanning)
        conflicts = [Conflict(str(p.path), p.path.name, FORMS[p.plan.form_id], item)
                     for p in chosen for item in p.plan.items_with(CONFLICT)]
        if ConflictTable.signature(conflicts) != ConflictTable.signature(self.conflicts.conflicts) or not conflicts:
            self.conflicts.set_conflicts(conflicts)
        else:
            self.conflicts.conflicts = conflicts  # same rows: keep the table, its selection and scroll
        self.tabs.setTabText(1, S.TAB_CONFLICTS_N.format(n=len(conflicts)) if conflicts else S.TAB_CONFLICTS)
        self.show_file(self.files.currentRow())

    def _reveal_conflict(self, key: str) -> None:
        row = self.files.currentRow()
        if 0 <= row < len(self.previews) and self.conflicts.reveal(str(self.previews[row].path), key):
            self.tabs.setCurrentWidget(self.conflicts)

    def show_file(self, row: int) -> None:
        if not 0 <= row < len(self.previews):
            self.details.show_preview(None, False, [])
            return
        item = self.previews[row]
        ticked = self.files.is_ticked(row)
        lines = overview(item.plan) + duplicate_lines(item.plan, limit=200) if item.plan else []
        self.details.show_preview(item, ticked, lines)


def start_import(parent: QWidget, store: Store, folder: bool, on_finished) -> None:
    settings = QSettings()
    start = settings.value("import/folder", str(Path.home()))
    if folder:
        chosen = QFileDialog.getExistingDirectory(parent, S.IMPORT_CHOOSE_FOLDER, start)
        paths = [Path(chosen)] if chosen else []
    else:
        names, _ = QFileDialog.getOpenFileNames(parent, S.IMPORT_CHOOSE_FILES, start, S.IMPORT_FILE_FILTER)
        paths = [Path(n) for n in names]
    if not paths:
        return
    settings.setValue("import/folder", str(paths[0] if folder else paths[0].parent))
    import_paths(parent, store, paths, on_finished)


def import_paths(parent: QWidget, store: Store, paths: list[Path], on_finished) -> None:
    files, missing = collect_files(paths)
    if not files:
        QMessageBox.warning(parent, S.IMPORT_TITLE, "\n".join(missing) or S.IMPORT_NO_FILES)
        return
    ask_passwords(parent, files)

    def previewed(previews: list[FilePreview], include_other_units: bool = False) -> None:
        dialog = PreviewDialog(previews, parent, include_other_units, db_path=str(store.path))
        result = dialog.exec()
        if result == PreviewDialog.RERUN:
            choice = dialog.include_other_units
            run_task(parent, S.IMPORT_REPREVIEWING, _preview_job, store.path, files, choice,
                     on_done=lambda again: previewed(again, choice),
                     on_error=lambda exc: QMessageBox.warning(parent, S.IMPORT_FAILED,
                                                              _failure_text(exc, store.path) + S.IMPORT_NOTHING_DONE))
            return
        if result != QDialog.DialogCode.Accepted:
            return

        def failed(exc: Exception) -> None:
            # Each file is its own transaction: the files before the failure are in, the rest are not.
            QMessageBox.warning(parent, S.IMPORT_FAILED, _failure_text(exc, store.path) + S.IMPORT_PARTLY_DONE)
            on_finished()

        run_task(parent, S.IMPORTING, _apply_job, store.path, dialog.selected_previews(), dialog.decisions,
                 dialog.include_other_units,
                 on_done=lambda lines: _done(parent, lines, on_finished), on_error=failed)

    run_task(parent, S.IMPORT_READING, _preview_job, store.path, files, False, on_done=previewed,
             on_error=lambda exc: QMessageBox.warning(parent, S.IMPORT_FAILED,
                                                      _failure_text(exc, store.path) + S.IMPORT_NOTHING_DONE))


def _failure_text(exc: Exception, db_path: str) -> str:
    """A Chinese sentence for what stopped an import; the traceback is already in the log."""
    if isinstance(exc, DatabaseError | MergeError):
        return str(exc)
    return explain(exc, db_path) or S.IMPORT_UNEXPECTED


def ask_passwords(parent: QWidget, files: list[Path]) -> None:
    """Ask for the password of each locked file (on the UI thread, before reading starts).

    A password is kept only if it decrypts the file; a file whose password is not
    given is left to the preview, which lists it as not importable and says why.
    """
    for path in files:
        if formats.remembered_password(path) is not None or not formats.needs_password(path):
            continue
        prompt = S.PASSWORD_PROMPT.format(name=path.name)
        while True:
            password = ask_password(parent, prompt)
            if password is None:
                break
            if formats.password_is_right(path, password):
                formats.remember_password(path, password)
                break
            prompt = S.PASSWORD_WRONG.format(name=path.name)


def ask_password(parent: QWidget, prompt: str) -> str | None:
    """One password prompt with Chinese buttons; None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(S.PASSWORD_TITLE)
    dialog.setLabelText(prompt)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setOkButtonText(S.PASSWORD_OPEN)
    dialog.setCancelButtonText(S.CANCEL)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def _done(parent: QWidget, lines: list[str], on_finished) -> None:
    on_finished()
    QMessageBox.information(parent, S.IMPORT_DONE, "\n".join(lines) or S.IMPORT_NOTHING_TO_WRITE)


# The counts an import batch stores (storage/merge_apply.py), as the officer reads them.
_RESULT_PARTS = (("inserted", S.RESULT_INSERTED), ("updated", S.RESULT_UPDATED), ("unchanged", S.RESULT_UNCHANGED),
                 ("kept", S.RESULT_KEPT), ("both", S.RESULT_BOTH), ("invalid", S.RESULT_INVALID))


def result_sentence(counts: dict) -> str:
    """“新增 3 条，更新 1 条，相同 38 条。” from a batch's stored counts (never the raw dict)."""
    parts = [text.format(n=counts[key]) for key, text in _RESULT_PARTS if isinstance(counts.get(key), int)
             and counts[key]]
    return ("，".join(parts) or S.RESULT_NOTHING) + "。"


class HistoryDialog(QDialog):
    """导入记录: every batch, undoable as a whole."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undone = False
        self.setWindowTitle(S.HISTORY_TITLE)
        self.resize(1100, 460)
        self.table = QTableWidget(0, 5)
        # Long file names lose their middle; the result sentence wraps in the stretched last column.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setHorizontalHeaderLabels(S.HISTORY_HEADERS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        undo = QPushButton(S.HISTORY_UNDO)
        undo.clicked.connect(self.undo_selected)
        close = QPushButton(S.CLOSE)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(undo)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.fill()

    def fill(self) -> None:
        self.batches = history(self.store)
        self.table.setRowCount(len(self.batches))
        for r, b in enumerate(self.batches):
            counts = result_sentence(b["counts"] or {})
            state = S.HISTORY_UNDONE if b["undone_at"] else ("" if b["can_undo"] else S.HISTORY_BLOCKED)
            values = [b["imported_at"][:16].replace("T", " "), b["file_name"], b["form_name"], b["unit"] or "",
                      counts + state]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column, widest in ((1, 320), (3, 240)):  # 文件, 填报单位: the rest goes to 结果
            if header.sectionSize(column) > widest:
                header.resizeSection(column, widest)
        self.table.resizeRowsToContents()

    def undo_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        batch = self.batches[row]
        if not batch["can_undo"]:
            QMessageBox.information(self, S.HISTORY_TITLE, S.HISTORY_CANNOT_UNDO)
            return
        if QMessageBox.question(self, S.UNDO_IMPORT_TITLE, S.UNDO_IMPORT_CONFIRM.format(file=batch["file_name"])) \
                != QMessageBox.StandardButton.Yes:
            return
        summary = undo_batch(self.store, batch["id"])
        self.undone = True
        QMessageBox.information(self, S.UNDO_IMPORT_TITLE, summary.text)
        self.fill()
