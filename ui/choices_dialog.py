"""选项管理: officers add values to the choice lists (the built-in ones stay)."""

from __future__ import annotations

from forms import CASES, NEEDS
from ui import strings
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.undo import EditHistory

# 协调层级 is not extendable: the marking of flagged needs depends on its exact values.
EXTENDABLE = [(f.choices, strings.CHOICE_LIST.format(form=form.short_title, field=f.label)) for form in (NEEDS, CASES)
              for f in form.fields if f.choices and f.choices != "coord_levels"]


class ChoicesDialog(QDialog):
    """Changes go through the window's edit history, which tells every page (filters,
    the case editor's drop-downs, completeness) at once. They are not undoable steps."""

    def __init__(self, history: EditHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.store = history.store
        self.changed = False
        self.setWindowTitle(strings.CHOICES_TITLE)
        self.resize(520, 480)
        layout = QVBoxLayout(self)
        hint = QLabel(strings.CHOICES_HINT)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list_box = QComboBox()
        for name, label in EXTENDABLE:
            self.list_box.addItem(label, name)
        self.list_box.currentIndexChanged.connect(self.fill)
        layout.addWidget(self.list_box)
        self.values = QListWidget()
        layout.addWidget(self.values, 1)
        row = QHBoxLayout()
        self.new_value = QLineEdit()
        self.new_value.setPlaceholderText(strings.CHOICES_NEW)
        self.new_value.returnPressed.connect(self.add)
        add = QPushButton(strings.CHOICES_ADD)
        add.clicked.connect(self.add)
        remove = QPushButton(strings.CHOICES_REMOVE)
        remove.clicked.connect(self.remove)
        row.addWidget(self.new_value, 1)
        row.addWidget(add)
        row.addWidget(remove)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(strings.CLOSE)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self.fill()

    @property
    def list_name(self) -> str:
        return self.list_box.currentData()

    def fill(self) -> None:
        self.values.clear()
        builtin = {c.value for c in self.store.choices.lists.get(self.list_name, [])}
        for value in self.store.choices.values(self.list_name):
            item = QListWidgetItem(value + (strings.CHOICES_BUILTIN if value in builtin else ""))
            item.setData(Qt.ItemDataRole.UserRole, None if value in builtin else value)
            if value in builtin:
                item.setForeground(Qt.GlobalColor.gray)
            self.values.addItem(item)

    def add(self) -> None:
        value = self.new_value.text().strip()
        if value and self.history.run(lambda ops: ops.add_choice(self.list_name, value)) is not None:
            self.changed = True
            self.new_value.clear()
            self.fill()

    def remove(self) -> None:
        item = self.values.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        if value and self.history.run(lambda ops: ops.remove_choice(self.list_name, value)) is not None:
            self.changed = True
            self.fill()
