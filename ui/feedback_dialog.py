"""导出对接反馈: choose the reporting units, a folder, and write one feedback file per unit.

The files are written by exports.feedback on a worker thread (each holds the unit's own
needs with the matching fields); this module is only the choice and the progress.
"""

from __future__ import annotations

from pathlib import Path

from exports.feedback import ReportingUnit, export_feedback, reporting_units
from storage import Store
from ui.qt import (
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSettings,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from ui.tasks import run_task


def _job(db_path: str, folder: str, names: list[str], progress) -> list[tuple[ReportingUnit, Path]]:
    store = Store.open(db_path)
    try:
        return export_feedback(store, folder, names, progress=progress)
    finally:
        store.close()


class FeedbackDialog(QDialog):
    """Which units get a feedback file, and where the files go."""

    def __init__(self, units: list[ReportingUnit], folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units = units
        self.setWindowTitle("导出对接反馈")
        self.resize(620, 460)
        hint = QLabel("为每个填报单位生成一个反馈文件，只包含该单位自己的需求及办理状态、匹配资源、对接反馈等字段。"
                      "各单位导入后只更新对接反馈，不会收到其他单位的需求。")
        hint.setWordWrap(True)
        self.list = QListWidget()
        for u in units:
            item = QListWidgetItem(f"{u.label}    需求 {u.needs} 条，有反馈 {u.with_feedback} 条")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        every = QPushButton("全选")
        every.clicked.connect(lambda: self._check_all(Qt.CheckState.Checked))
        none = QPushButton("全不选")
        none.clicked.connect(lambda: self._check_all(Qt.CheckState.Unchecked))
        self.folder = QLineEdit(folder)
        browse = QPushButton("选择文件夹…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(every)
        row.addWidget(none)
        row.addStretch()
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel("保存到："))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("导出", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addLayout(folder_row)
        layout.addWidget(buttons)

    def _check_all(self, state: Qt.CheckState) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(state)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择保存反馈文件的文件夹", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def chosen_units(self) -> list[str]:
        return [u.unit for i, u in enumerate(self.units)
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _accept(self) -> None:
        if not self.chosen_units():
            QMessageBox.information(self, "导出对接反馈", "请至少勾选一个填报单位。")
            return
        if not self.folder.text().strip():
            QMessageBox.information(self, "导出对接反馈", "请选择保存反馈文件的文件夹。")
            return
        self.accept()


def start_feedback_export(parent: QWidget, store: Store) -> None:
    units = [u for u in reporting_units(store) if u.unit]
    if not units:
        QMessageBox.information(parent, "导出对接反馈", "还没有注明填报单位的需求。请先导入各单位报送的需求清单。")
        return
    settings = QSettings()
    dialog = FeedbackDialog(units, str(settings.value("feedback/folder", str(Path.home()))), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    folder = dialog.folder.text().strip()
    settings.setValue("feedback/folder", folder)

    def done(written: list[tuple[ReportingUnit, Path]]) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "导出对接反馈",
                          f"已为 {len(written)} 个单位导出反馈文件到“{folder}”。", parent=parent)
        box.setDetailedText("\n".join(p.name for _, p in written))
        opened = box.addButton("打开文件夹", QMessageBox.ButtonRole.ActionRole)
        box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is opened:
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    run_task(parent, "正在导出对接反馈……", _job, store.path, folder, dialog.chosen_units(), on_done=done,
             on_error=lambda exc: QMessageBox.warning(parent, "导出失败", f"反馈文件没有导出完成：{exc}"))
