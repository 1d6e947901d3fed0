"""回收站: deleted needs and cases, restorable after a restart too."""

from __future__ import annotations

from storage import Store
from ui import strings
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)


class RecycleDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.restored = 0
        self.setWindowTitle(strings.RECYCLE)
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        layout.addWidget(self.hint)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(strings.CLOSE)
        restore = QPushButton(strings.RECYCLE_RESTORE)
        restore.clicked.connect(self.restore_selected)
        purge = QPushButton(strings.RECYCLE_PURGE)
        purge.clicked.connect(self.purge)
        buttons.addButton(restore, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(purge, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self.fill()

    def fill(self) -> None:
        self.list.clear()
        for row in self.store.needs.rows(deleted=True):
            text = strings.RECYCLE_NEED.format(subject=row.get("subject_name") or strings.RECYCLE_NO_SUBJECT,
                                               content=(row.get("content") or "")[:40])
            self._add("needs", row["id"], text, row["deleted_at"])
        for row in self.store.cases.rows(deleted=True):
            text = strings.RECYCLE_CASE.format(name=row.get("name") or strings.UNNAMED)
            self._add("cases", row["id"], text, row["deleted_at"])
        count = self.list.count()
        self.hint.setText(strings.RECYCLE_COUNT.format(n=count) if count else strings.RECYCLE_EMPTY)

    def _add(self, table: str, record_id: str, text: str, deleted_at: str) -> None:
        item = QListWidgetItem(strings.RECYCLE_ITEM.format(text=text, when=deleted_at[:16].replace("T", " ")))
        item.setData(Qt.ItemDataRole.UserRole, (table, record_id))
        self.list.addItem(item)

    def restore_selected(self) -> None:
        chosen = [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]
        for table, records in self.store.tables.items():
            ids = [rid for t, rid in chosen if t == table]
            if ids:
                records.set_deleted(ids, False)
        self.restored += len(chosen)
        self.fill()

    def purge(self) -> None:
        n = self.list.count()
        if not n:
            return
        if QMessageBox.question(self, strings.RECYCLE, strings.CONFIRM_PURGE.format(n=n)) \
                == QMessageBox.StandardButton.Yes:
            self.store.needs.purge_deleted()
            self.store.cases.purge_deleted()
            self.fill()
