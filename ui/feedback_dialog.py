"""导出对接反馈: choose the reporting units, a folder, and write one feedback file per unit.

The files are written by exports.feedback on a worker thread (each holds the unit's own
needs with the matching fields); this module is only the choice and the progress.
"""

from __future__ import annotations

from pathlib import Path

from exports.feedback import ReportingUnit, export_feedback, reporting_units
from storage import Store
from ui import strings
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
        self.setWindowTitle(strings.FEEDBACK_TITLE)
        self.resize(620, 460)
        hint = QLabel(strings.FEEDBACK_HINT)
        hint.setWordWrap(True)
        self.list = QListWidget()
        for u in units:
            item = QListWidgetItem(strings.FEEDBACK_UNIT.format(unit=u.label, needs=u.needs, answered=u.with_feedback))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        every = QPushButton(strings.SELECT_ALL)
        every.clicked.connect(lambda: self._check_all(Qt.CheckState.Checked))
        none = QPushButton(strings.SELECT_NONE)
        none.clicked.connect(lambda: self._check_all(Qt.CheckState.Unchecked))
        self.folder = QLineEdit(folder)
        browse = QPushButton(strings.CHOOSE_FOLDER)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(every)
        row.addWidget(none)
        row.addStretch()
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(strings.SAVE_TO))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(strings.EXPORT, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(strings.CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
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
        chosen = QFileDialog.getExistingDirectory(self, strings.FEEDBACK_CHOOSE_FOLDER, self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def chosen_units(self) -> list[str]:
        return [u.unit for i, u in enumerate(self.units)
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _accept(self) -> None:
        if not self.chosen_units():
            QMessageBox.information(self, strings.FEEDBACK_TITLE, strings.FEEDBACK_NO_UNIT)
            return
        if not self.folder.text().strip():
            QMessageBox.information(self, strings.FEEDBACK_TITLE, strings.FEEDBACK_NO_FOLDER)
            return
        self.accept()


def start_feedback_export(parent: QWidget, store: Store) -> None:
    units = [u for u in reporting_units(store) if u.unit]
    if not units:
        QMessageBox.information(parent, strings.FEEDBACK_TITLE, strings.FEEDBACK_NO_UNITS)
        return
    settings = QSettings()
    dialog = FeedbackDialog(units, str(settings.value("feedback/folder", str(Path.home()))), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    folder = dialog.folder.text().strip()
    settings.setValue("feedback/folder", folder)

    def done(written: list[tuple[ReportingUnit, Path]]) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, strings.FEEDBACK_TITLE,
                          strings.FEEDBACK_DONE.format(n=len(written), folder=folder), parent=parent)
        box.setDetailedText("\n".join(p.name for _, p in written))
        opened = box.addButton(strings.OPEN_FOLDER_SHORT, QMessageBox.ButtonRole.ActionRole)
        box.addButton(strings.CLOSE, QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is opened:
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    run_task(parent, strings.FEEDBACK_EXPORTING, _job, store.path, folder, dialog.chosen_units(), on_done=done,
             on_error=lambda exc: QMessageBox.warning(parent, strings.EXPORT_FAILED,
                                                                strings.FEEDBACK_FAILED.format(reason=exc)))
