"""The import preview's files: a list to tick files in and out, and one file's rows.

Both only show what they are given (``exports.importing.FilePreview``); the
preview dialog (ui/import_dialog.py) re-plans the ticked files and hands the new
previews back.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from exports.import_report import record_name
from exports.importing import FilePreview
from forms import FORMS
from storage.merge import CHANGED, CONFLICT, IDENTICAL, INVALID, NEW, ItemView
from ui import strings as S
from ui.qt import (
    QAbstractItemView,
    QColor,
    QHeaderView,
    QStyledItemDelegate,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)

REFUSED_COLOUR = QColor("#b00020")
UNTICKED_COLOUR = QColor("#888888")
CONFLICT_COLOUR = QColor("#fdecea")
CHANGED_COLOUR = QColor("#fff6dd")
NEW_COLOUR = QColor("#eaf5ea")
INVALID_COLOUR = QColor("#f2f2f2")
_ROW_ORDER = {CONFLICT: 0, CHANGED: 1, NEW: 2, INVALID: 3, IDENTICAL: 4}
_ROW_COLOURS = {CONFLICT: CONFLICT_COLOUR, CHANGED: CHANGED_COLOUR, NEW: NEW_COLOUR, INVALID: INVALID_COLOUR}


class ElideRight(QStyledItemDelegate):
    """A column whose text is cut at its end (the view cuts file names in the middle)."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt's name)
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


def short_counts(preview: FilePreview) -> str:
    """“新增 66，冲突 2” (only what will be written or refused), “无需写入”, or “无法导入：…”
    (the reason without the file name it starts with: the row already shows it)."""
    if preview.plan is None:
        why = preview.error
        named = f"“{preview.path.name}”"
        if why.startswith(named) and len(why) > len(named):
            why = why[len(named):].lstrip("：:，,")
        return S.FILE_REFUSED.format(why=why)
    counts = preview.plan.counts
    parts = [text.format(n=counts[key]) for key, text in S.FILE_COUNTS_SHORT.items() if counts.get(key)]
    return "，".join(parts) or S.FILE_NOTHING_NEW


class FileList(QTableWidget):
    """One row per file: a tick box (none for a file that cannot be imported), the name cut in
    the middle (the full path in its tooltip), and what importing it would do."""

    ticked_changed = Signal()

    def __init__(self, previews: list[FilePreview], parent: QWidget | None = None) -> None:
        super().__init__(len(previews), len(S.FILES_HEADERS), parent)
        self._filling = False
        self.setHorizontalHeaderLabels(list(S.FILES_HEADERS))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setItemDelegateForColumn(2, ElideRight(self))
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(2, 140)
        self.setToolTip(S.FILES_HINT)
        self.previews = previews
        self._filling = True
        for row, preview in enumerate(previews):
            tick = QTableWidgetItem()
            if preview.plan is None:
                tick.setText("✖")
                tick.setForeground(REFUSED_COLOUR)
                tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            else:
                tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                tick.setCheckState(Qt.CheckState.Checked)
            tick.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setItem(row, 0, tick)
            self.setItem(row, 1, QTableWidgetItem(preview.path.name))
            self.setItem(row, 2, QTableWidgetItem())
        self._filling = False
        self.itemChanged.connect(self._item_changed)
        self.show_previews(previews)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() == 0:
            self._paint_row(item.row())
            self.ticked_changed.emit()

    def is_ticked(self, row: int) -> bool:
        item = self.item(row, 0)
        return bool(item.flags() & Qt.ItemFlag.ItemIsUserCheckable) and item.checkState() == Qt.CheckState.Checked

    def set_ticked(self, row: int, ticked: bool) -> None:
        """What clicking the box does (refused files cannot be ticked)."""
        item = self.item(row, 0)
        if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def set_all(self, ticked: bool) -> None:
        """全部勾选 / 全部不选: one re-plan for the lot."""
        self._filling = True
        for row in range(self.rowCount()):
            self.set_ticked(row, ticked)
            self._paint_row(row)
        self._filling = False
        self.ticked_changed.emit()

    def ticked_rows(self) -> list[int]:
        return [row for row in range(self.rowCount()) if self.is_ticked(row)]

    def show_previews(self, previews: Iterable[FilePreview]) -> None:
        """Show the (re-planned) previews, one per row in the same order."""
        self.previews = list(previews)
        self._filling = True
        for row in range(len(self.previews)):
            self._paint_row(row)
        self._filling = False

    def _paint_row(self, row: int) -> None:
        preview = self.previews[row]
        name, result = self.item(row, 1), self.item(row, 2)
        refused = preview.plan is None
        ticked = self.is_ticked(row)
        result.setText(short_counts(preview) if refused or ticked else S.FILE_UNTICKED)
        unit = (preview.plan.unit or S.FILE_NO_UNIT) if preview.plan else ""
        detail = preview.error if refused else (preview.plan.counts_text if ticked else S.FILE_UNTICKED)
        tip = S.FILE_TOOLTIP.format(path=preview.path, unit=unit, counts=detail) if not refused \
            else f"{preview.path}\n{S.FILE_REFUSED.format(why=preview.error)}"
        colour = REFUSED_COLOUR if refused else (None if ticked else UNTICKED_COLOUR)
        for item in (name, result):
            item.setToolTip(tip)
            if colour is None:
                item.setData(Qt.ItemDataRole.ForegroundRole, None)
            else:
                item.setForeground(colour)
        if preview.plan is not None and ticked and preview.plan.counts.get(CONFLICT):
            result.setForeground(REFUSED_COLOUR)


def _place(item: ItemView) -> str:
    return S.ROW_PLACE.format(sheet=item.sheet, row=item.row_number)


def _explain(item: ItemView, labels: dict[str, str]) -> str:
    """What happens to one row, in a sentence for the 说明 column."""
    if item.status == CONFLICT:
        return S.ROW_CONFLICT_SEE.format(reason=item.reason)
    if item.status == CHANGED:
        return "；".join(S.ROW_CHANGE.format(label=d.label, old=_flat(d.local), new=_flat(d.incoming))
                        for d in item.diffs) or item.reason
    if item.status == NEW:
        if item.problems:
            return S.ROW_NEW_DRAFT.format(what="、".join(labels.get(k, k) for k in item.problems))
        return S.ROW_NEW
    return item.reason


def _flat(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


class FileDetails(QWidget):
    """One file: its unit, counts, warnings and likely duplicates on top; below, every row
    named by its enterprise (or case name), what importing does to it, and where it is.
    Double-clicking a conflict asks for it in the conflicts table (``conflict_wanted``)."""

    conflict_wanted = Signal(str)  # the row key of the conflict

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QTextBrowser()
        self.header.setMaximumHeight(96)
        self.rows = QTableWidget(0, len(S.ROWS_HEADERS))
        self.rows.setHorizontalHeaderLabels(list(S.ROWS_HEADERS))
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows.setWordWrap(False)
        self.rows.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.rows.verticalHeader().hide()
        header = self.rows.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.rows.setColumnWidth(0, 260)
        self.items: list[ItemView] = []
        self.rows.cellDoubleClicked.connect(self._double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.rows, 1)

    def show_preview(self, preview: FilePreview | None, ticked: bool, lines: list[str]) -> None:
        """``lines``: what the file is and brings, above its rows (exports.import_report.overview and
        duplicate_lines; the rows themselves are the table)."""
        if preview is None:
            self.header.clear()
            self.rows.setRowCount(0)
            return
        head = f"<b>{html.escape(preview.path.name)}</b>"
        if preview.plan is None:
            body = [S.FILE_REFUSED.format(why=preview.error)]
        elif not ticked:
            body = [S.FILE_UNTICKED_DETAIL]
        else:
            body = lines
        self.header.setHtml(head + "".join(f"<p style='margin:2px 0'>{html.escape(b)}</p>" for b in body))
        items = sorted(preview.plan.items, key=lambda i: _ROW_ORDER[i.status]) if preview.plan and ticked else []
        form = FORMS[preview.plan.form_id] if preview.plan else None
        labels = {f.key: f.label for f in form.fields} if form else {}
        self.items = items
        self.rows.setRowCount(len(items))
        for r, item in enumerate(items):
            assert form is not None
            name = record_name(form, item)
            values = (name, item.status_label, _explain(item, labels), _place(item))
            colour = _ROW_COLOURS.get(item.status)
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                tip = f"{name}\n{item.where()}" + (f"\n{value}" if c == 2 else "")
                cell.setToolTip(tip + (f"\n{S.ROW_OPEN_CONFLICT}" if item.status == CONFLICT else ""))
                if colour is not None:
                    cell.setBackground(colour)
                self.rows.setItem(r, c, cell)

    def _double_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.items) and self.items[row].status == CONFLICT:
            self.conflict_wanted.emit(self.items[row].key)
