"""导入: choose files, see what each would change, decide conflicts, then import.

Reading and previewing run off the UI thread; nothing is written until the
supervisor presses 导入. Each file is imported in its own transaction.
"""

from __future__ import annotations

import html
from pathlib import Path

from exports.import_report import describe
from exports.importing import FilePreview, apply_previews, collect_files, preview_files
from exports.reading import formats
from storage import DatabaseError, Store
from storage.backup import auto_backup
from storage.errors import explain
from storage.merge import DECISION_LABELS, KEEP_MINE, MergeError, history, undo_batch
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSettings,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from ui.tasks import run_task

FILE_FILTER = "Excel、WPS 或文本表格 (*.xlsx *.xlsm *.xls *.et *.ett *.csv *.tsv *.txt)"


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


class PreviewDialog(QDialog):
    """Per file: counts, reasons, field differences; per conflict: a decision."""

    # Returned by exec() when the officer changed 同时导入其他单位的需求: preview again.
    RERUN = 2

    def __init__(self, previews: list[FilePreview], parent: QWidget | None = None,
                 include_other_units: bool = False) -> None:
        super().__init__(parent)
        self.previews = previews
        self.include_other_units = include_other_units
        self.decisions: dict[str, dict[str, str]] = {}
        self.setWindowTitle("导入预览（尚未写入）")
        self.resize(1100, 680)
        self.files = QListWidget()
        for item in previews:
            if item.plan is None:
                text, colour = f"✖ {item.path.name}\n无法导入", Qt.GlobalColor.red
            else:
                text, colour = f"{item.path.name}\n{item.plan.counts_text}", Qt.GlobalColor.black
            entry = QListWidgetItem(text)
            entry.setForeground(colour)
            self.files.addItem(entry)
        self.files.currentRowChanged.connect(self.show_file)
        self.details = QTextBrowser()
        # Conflicts are few per file; a QTableWidget with a combo per row is the simple tool here.
        self.conflicts = QTableWidget(0, 3)
        self.conflicts.setHorizontalHeaderLabels(["位置", "差异", "处理方式"])
        self.conflicts.horizontalHeader().setStretchLastSection(False)
        self.conflicts.setColumnWidth(0, 200)
        self.conflicts.setColumnWidth(1, 480)
        self.conflicts.setColumnWidth(2, 130)
        self.conflicts.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.details, 3)
        self.conflict_label = QLabel("冲突（本地修改过、导入文件也改了的记录）：请逐条选择")
        right_layout.addWidget(self.conflict_label)
        right_layout.addWidget(self.conflicts, 2)
        splitter = QSplitter()
        splitter.addWidget(self.files)
        splitter.addWidget(right)
        splitter.setSizes([320, 780])
        total = sum(1 for p in previews if p.plan and p.plan.has_changes)
        self.summary = QLabel(f"共 {len(previews)} 个文件，其中 {total} 个有需要写入的内容。"
                              "点击“导入”后每个文件作为一个批次写入，可在“导入记录”中整批撤销。")
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(any(p.plan for p in previews))
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        others = sum(p.plan.other_units for p in previews if p.plan)
        # A unit that does not consolidate takes only its own needs; offered only when it matters.
        self.other_units = QCheckBox(f"同时导入其他单位的需求（本单位负责汇总时勾选；本次涉及 {others:,} 条）"
                                     if others else "同时导入其他单位的需求（本单位负责汇总时勾选）")
        self.other_units.setChecked(include_other_units)
        self.other_units.setVisible(bool(others) or include_other_units)
        self.other_units.toggled.connect(self._rerun)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.other_units)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        if previews:
            self.files.setCurrentRow(0)

    def _rerun(self, checked: bool) -> None:
        self.include_other_units = checked
        self.done(self.RERUN)

    def show_file(self, row: int) -> None:
        if row < 0:
            return
        item = self.previews[row]
        lines = describe(item.plan, limit=200) if item.plan else [item.error]
        self.details.setHtml(f"<h3>{html.escape(item.path.name)}</h3>"
                             + "".join(f"<p>{html.escape(line)}</p>" for line in lines))
        conflicts = item.plan.items_with("conflict") if item.plan else []
        self.conflicts.setRowCount(len(conflicts))
        self.conflict_label.setVisible(bool(conflicts))
        self.conflicts.setVisible(bool(conflicts))
        chosen = self.decisions.setdefault(str(item.path), {})
        for r, conflict in enumerate(conflicts):
            self.conflicts.setItem(r, 0, QTableWidgetItem(conflict.row.where()))
            diff = "\n".join(f"{d.label}：本地“{d.local or ''}” / 导入“{d.incoming or ''}”" for d in conflict.diffs)
            self.conflicts.setItem(r, 1, QTableWidgetItem(diff or conflict.reason))
            combo = QComboBox()
            for key, label in DECISION_LABELS.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(combo.findData(chosen.get(conflict.key, KEEP_MINE)))
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, k=conflict.key, d=chosen: d.__setitem__(k, c.currentData()))
            self.conflicts.setCellWidget(r, 2, combo)
        self.conflicts.resizeRowsToContents()


def start_import(parent: QWidget, store: Store, folder: bool, on_finished) -> None:
    settings = QSettings()
    start = settings.value("import/folder", str(Path.home()))
    if folder:
        chosen = QFileDialog.getExistingDirectory(parent, "选择包含报送文件的文件夹", start)
        paths = [Path(chosen)] if chosen else []
    else:
        names, _ = QFileDialog.getOpenFileNames(parent, "选择要导入的文件", start, FILE_FILTER)
        paths = [Path(n) for n in names]
    if not paths:
        return
    settings.setValue("import/folder", str(paths[0] if folder else paths[0].parent))
    import_paths(parent, store, paths, on_finished)


def import_paths(parent: QWidget, store: Store, paths: list[Path], on_finished) -> None:
    files, missing = collect_files(paths)
    if not files:
        QMessageBox.warning(parent, "导入", "\n".join(missing) or "没有可导入的文件。")
        return
    ask_passwords(parent, files)

    def previewed(previews: list[FilePreview], include_other_units: bool = False) -> None:
        dialog = PreviewDialog(previews, parent, include_other_units)
        result = dialog.exec()
        if result == PreviewDialog.RERUN:
            choice = dialog.include_other_units
            run_task(parent, "正在重新预览……", _preview_job, store.path, files, choice,
                     on_done=lambda again: previewed(again, choice),
                     on_error=lambda exc: QMessageBox.warning(parent, "导入失败",
                                                              _failure_text(exc, store.path) + "没有导入任何文件。"))
            return
        if result != QDialog.DialogCode.Accepted:
            return

        def failed(exc: Exception) -> None:
            # Each file is its own transaction: the files before the failure are in, the rest are not.
            QMessageBox.warning(parent, "导入失败", _failure_text(exc, store.path) +
                                "出错前已导入的文件保留在数据库中（可在“导入记录”中查看或撤销），其余文件没有导入。")
            on_finished()

        run_task(parent, "正在导入……", _apply_job, store.path, previews, dialog.decisions,
                 dialog.include_other_units,
                 on_done=lambda lines: _done(parent, lines, on_finished), on_error=failed)

    run_task(parent, "正在读取文件……", _preview_job, store.path, files, False, on_done=previewed,
             on_error=lambda exc: QMessageBox.warning(parent, "导入失败",
                                                      _failure_text(exc, store.path) + "没有导入任何文件。"))


def _failure_text(exc: Exception, db_path: str) -> str:
    """A Chinese sentence for what stopped an import; the traceback is already in the log."""
    if isinstance(exc, DatabaseError | MergeError):
        return str(exc)
    return explain(exc, db_path) or "导入时出现意外错误，详情已写入日志文件。"


def ask_passwords(parent: QWidget, files: list[Path]) -> None:
    """Ask for the password of each locked file (on the UI thread, before reading starts).

    A password is kept only if it decrypts the file; a file whose password is not
    given is left to the preview, which lists it as not importable and says why.
    """
    for path in files:
        if formats.remembered_password(path) is not None or not formats.needs_password(path):
            continue
        prompt = f"“{path.name}”设置了打开密码。请输入密码（取消则不导入这个文件）："
        while True:
            password = ask_password(parent, prompt)
            if password is None:
                break
            if formats.password_is_right(path, password):
                formats.remember_password(path, password)
                break
            prompt = f"密码不正确，“{path.name}”无法打开。请重新输入密码（取消则不导入这个文件）："


def ask_password(parent: QWidget, prompt: str) -> str | None:
    """One password prompt with Chinese buttons; None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("输入打开密码")
    dialog.setLabelText(prompt)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setOkButtonText("打开")
    dialog.setCancelButtonText("取消")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def _done(parent: QWidget, lines: list[str], on_finished) -> None:
    on_finished()
    QMessageBox.information(parent, "导入完成", "\n".join(lines) or "没有需要写入的内容。")


# The counts an import batch stores (storage/merge_apply.py), as the officer reads them.
_RESULT_PARTS = (("inserted", "新增 {n} 条"), ("updated", "更新 {n} 条"), ("unchanged", "相同 {n} 条"),
                 ("kept", "冲突保留本地 {n} 条"), ("both", "冲突两条都保留 {n} 条"), ("invalid", "无效未导入 {n} 条"))


def result_sentence(counts: dict) -> str:
    """“新增 3 条，更新 1 条，相同 38 条。” from a batch's stored counts (never the raw dict)."""
    parts = [text.format(n=counts[key]) for key, text in _RESULT_PARTS if isinstance(counts.get(key), int)
             and counts[key]]
    return ("，".join(parts) or "没有写入任何记录") + "。"


class HistoryDialog(QDialog):
    """导入记录: every batch, undoable as a whole."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undone = False
        self.setWindowTitle("导入记录")
        self.resize(900, 420)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["导入时间", "文件", "表", "填报单位", "结果"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        undo = QPushButton("撤销所选批次")
        undo.clicked.connect(self.undo_selected)
        close = QPushButton("关闭")
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
            state = "（已撤销）" if b["undone_at"] else ("" if b["can_undo"] else "（之后的导入改过这些记录，需先撤销后面的批次）")
            values = [b["imported_at"][:16].replace("T", " "), b["file_name"], b["form_name"], b["unit"] or "",
                      counts + state]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def undo_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        batch = self.batches[row]
        if not batch["can_undo"]:
            QMessageBox.information(self, "导入记录", "这一批次不能撤销：它已撤销过，或之后的导入又修改了其中的记录。")
            return
        if QMessageBox.question(self, "撤销导入", f"撤销“{batch['file_name']}”的这次导入吗？"
                                "它新增的记录将被删除，它更新的记录恢复为导入前的内容。") \
                != QMessageBox.StandardButton.Yes:
            return
        summary = undo_batch(self.store, batch["id"])
        self.undone = True
        QMessageBox.information(self, "撤销导入", summary.text)
        self.fill()
