"""The import preview's conflicts: both versions side by side, a choice per record, bulk choices.

One record takes as many table rows as it has fields that differ (字段 | 本地 | 文件);
its name and its 处理方式 span them, so the table reads as one row per record. The
choices are kept in the dialog's ``decisions`` ({file path: {row key: decision}}),
which the import applies (``exports.importing.apply_previews``).
"""

from __future__ import annotations

from dataclasses import dataclass

from exports.import_report import record_name
from forms.fields import Form
from storage.merge import KEEP_BOTH, KEEP_MINE, TAKE_THEIRS, FieldDiff, ItemView
from ui import strings as S
from ui.qt import (
    QAbstractItemView,
    QColor,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

CHOICES = ((KEEP_MINE, S.KEEP_LOCAL), (TAKE_THEIRS, S.TAKE_FILE), (KEEP_BOTH, S.KEEP_BOTH_LABEL))
CHOSEN = QColor("#dff0df")  # the side that will be in the database
NAME, FIELD, LOCAL, INCOMING, CHOICE = range(5)
_VALUE_CHARS = 400  # a cell shows this much of a long text; the tooltip has all of it


@dataclass
class Conflict:
    path: str  # the file's key in ``decisions``
    file_name: str
    form: Form
    item: ItemView

    @property
    def key(self) -> str:
        return self.item.key


def _text(value: object) -> str:
    text = str(value if value is not None else "").strip()
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


class OneLineEach(QStyledItemDelegate):
    """The name column: each line cut in the middle rather than wrapped, so the spanned name
    cell never makes a record's first field row taller than its own text needs."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt's name)
        super().initStyleOption(option, index)
        option.features &= ~option.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class ConflictTable(QWidget):
    """Every conflict of the ticked files, with the decision for each."""

    decisions_changed = Signal(list)  # the Conflicts whose decision changed

    def __init__(self, decisions: dict[str, dict[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.decisions = decisions
        self.conflicts: list[Conflict] = []
        self._first_row: list[int] = []  # table row where each conflict starts
        self._owner: list[int] = []  # conflict index of each table row
        self.hint = QLabel(S.CONFLICT_HINT)
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, len(S.CONFLICT_HEADERS))
        self.table.setHorizontalHeaderLabels(list(S.CONFLICT_HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(NAME, OneLineEach(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LOCAL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(INCOMING, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CHOICE, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(NAME, 210)
        self.table.setColumnWidth(CHOICE, 124)
        self.status = QLabel()
        buttons = QHBoxLayout()
        for text, decision, selected in ((S.ALL_KEEP_LOCAL, KEEP_MINE, False), (S.ALL_TAKE_FILE, TAKE_THEIRS, False),
                                         (S.SELECTED_KEEP_LOCAL, KEEP_MINE, True),
                                         (S.SELECTED_TAKE_FILE, TAKE_THEIRS, True)):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, d=decision, s=selected:
                                   self.set_selected(d) if s else self.set_all(d))
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # Row heights follow the wrapped text, which follows the stretched columns' widths.
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    # ---- filling ---------------------------------------------------------------------------

    @staticmethod
    def signature(conflicts: list[Conflict]) -> list[tuple]:
        """What the table shows of ``conflicts``: equal signatures need no new table."""
        return [(c.path, c.key, [(d.key, str(d.local), str(d.incoming)) for d in c.item.diffs]) for c in conflicts]

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        self.table.clearSpans()
        self._first_row, self._owner = [], []
        for n, c in enumerate(conflicts):
            self._first_row.append(len(self._owner))
            self._owner += [n] * max(1, len(c.item.diffs))
        self.table.setRowCount(len(self._owner))
        for n, c in enumerate(conflicts):
            self._fill(n, c)
        self.table.resizeRowsToContents()
        self._show_status()

    def _fill(self, n: int, c: Conflict) -> None:
        first = self._first_row[n]
        diffs = c.item.diffs or [FieldDiff("", S.CONFLICT_WHOLE_RECORD,
                                           S.CONFLICT_DELETED_HERE if c.item.reason.startswith(S.CONFLICT_DELETED_REASON) else "",
                                           c.item.reason)]
        span = len(diffs)
        name = record_name(c.form, c.item)
        place = S.ROW_PLACE.format(sheet=c.item.sheet, row=c.item.row_number)
        head = QTableWidgetItem(f"{name}\n{S.CONFLICT_SOURCE.format(file=c.file_name, place=place)}")
        head.setToolTip(f"{name}\n{c.file_name}\n{c.item.where()}\n{c.item.reason}")
        head.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.table.setItem(first, NAME, head)
        for i, diff in enumerate(diffs):
            label = QTableWidgetItem(diff.label)
            label.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            self.table.setItem(first + i, FIELD, label)
            for column, value in ((LOCAL, diff.local), (INCOMING, diff.incoming)):
                cell = QTableWidgetItem(_text(value))
                cell.setToolTip(str(value if value is not None else ""))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                self.table.setItem(first + i, column, cell)
        combo = QComboBox()
        for key, text in CHOICES:
            combo.addItem(text, key)
        combo.setCurrentIndex(combo.findData(self.decision(n)))
        combo.currentIndexChanged.connect(lambda _i, n=n, box=combo: self._chosen(n, box.currentData()))
        holder = QWidget()  # keeps the combo at the top of a tall spanned cell
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(4, 2, 4, 2)
        holder_layout.addWidget(combo)
        holder_layout.addStretch()
        self.table.setCellWidget(first, CHOICE, holder)
        if span > 1:
            self.table.setSpan(first, NAME, span, 1)
            self.table.setSpan(first, CHOICE, span, 1)
        self._paint(n)

    # ---- decisions -------------------------------------------------------------------------

    def decision(self, n: int) -> str:
        c = self.conflicts[n]
        return self.decisions.get(c.path, {}).get(c.key, KEEP_MINE)

    def combo(self, n: int) -> QComboBox:
        return self.table.cellWidget(self._first_row[n], CHOICE).findChild(QComboBox)

    def _chosen(self, n: int, decision: str) -> None:
        c = self.conflicts[n]
        if self.decision(n) == decision:
            return
        self.decisions.setdefault(c.path, {})[c.key] = decision
        self._paint(n)
        self._show_status()
        self.decisions_changed.emit([c])

    def _set(self, indexes: list[int], decision: str) -> None:
        changed: list[Conflict] = []
        for n in indexes:
            c = self.conflicts[n]
            if self.decision(n) != decision:
                self.decisions.setdefault(c.path, {})[c.key] = decision
                changed.append(c)
            box = self.combo(n)
            box.blockSignals(True)
            box.setCurrentIndex(box.findData(decision))
            box.blockSignals(False)
            self._paint(n)
        self._show_status()
        if changed:
            self.decisions_changed.emit(changed)

    def set_all(self, decision: str) -> None:
        self._set(list(range(len(self.conflicts))), decision)

    def selected(self) -> list[int]:
        rows = {index.row() for index in self.table.selectionModel().selectedIndexes()}
        return sorted({self._owner[r] for r in rows if r < len(self._owner)})

    def reveal(self, path: str, key: str) -> bool:
        """Select and show one record's conflict; False when it is not in the table."""
        for n, c in enumerate(self.conflicts):
            if (c.path, c.key) == (path, key):
                first = self._first_row[n]
                self.table.clearSelection()
                self.table.selectRow(first)
                self.table.scrollToItem(self.table.item(first, FIELD), QAbstractItemView.ScrollHint.PositionAtTop)
                return True
        return False

    def set_selected(self, decision: str) -> None:
        self._set(self.selected(), decision)

    def _paint(self, n: int) -> None:
        """The side that will end in the database is tinted; the other is left plain."""
        decision = self.decision(n)
        first = self._first_row[n]
        for row in range(first, first + max(1, len(self.conflicts[n].item.diffs))):
            for column, chosen in ((LOCAL, decision in (KEEP_MINE, KEEP_BOTH)),
                                   (INCOMING, decision in (TAKE_THEIRS, KEEP_BOTH))):
                cell = self.table.item(row, column)
                if cell is not None:
                    cell.setData(Qt.ItemDataRole.BackgroundRole, CHOSEN if chosen else None)

    def _show_status(self) -> None:
        counts = {key: 0 for key, _ in CHOICES}
        for n in range(len(self.conflicts)):
            counts[self.decision(n)] += 1
        self.status.setText(S.CONFLICT_CHOSEN.format(mine=counts[KEEP_MINE], theirs=counts[TAKE_THEIRS],
                                                     both=counts[KEEP_BOTH]) if self.conflicts else S.NO_CONFLICTS)
