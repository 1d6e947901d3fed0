"""Table model over a storage RecordTable.

The model holds only the ordered list of ids that match the current search and
filters; rows are fetched from SQLite in blocks as the view asks for them. This
keeps a 150,000-row consolidated list responsive, and is why searching, filtering
and sorting happen in SQL rather than in a QSortFilterProxyModel, which would
have to load every row into Python first.

The model only shows. An edit typed into a cell is handed to the window's
:class:`~ui.undo.EditHistory` (which writes through ``storage/ops.py``); the model
repaints when the history announces what changed (:meth:`apply_changes`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from forms.fields import Field, Kind
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL, STATUS_MATCHED, STATUS_SOLVED, STATUS_UNSOLVABLE
from forms.validation import problems
from storage.ops import OpChanges
from storage.records import RecordTable, ids_elsewhere
from ui import strings
from ui.qt import QAbstractTableModel, QBrush, QColor, QFont, QModelIndex, Qt, Signal
from ui.tasks import TaskProgress, run_quiet
from ui.undo import EditHistory

log = logging.getLogger(__name__)

BLOCK = 100  # rows fetched per query: a few screens; each reset refetches one block
CACHE_LIMIT = 5000
# A sort, search or filter of a table this large is queried on a worker thread (a sort of
# 150,000 needs takes a few hundred ms), so the window never stops answering meanwhile.
WORKER_ROWS = 20_000
# The worker first asks for only the first rows in display order, which come back long before
# the complete list when a word matches most rows (专利: 110,000 of 150,000 needs, ~20 ms
# against ~120 ms): they are shown at once, and the rest is appended when it arrives.
PAGE_ROWS = 200
FLAG_COLOURS = {FLAG_NATIONAL: QColor("#fbd5d2"), FLAG_PROVINCIAL: QColor("#fde9c4")}
FLAG_TEXT = {FLAG_NATIONAL: QColor("#a61b1b"), FLAG_PROVINCIAL: QColor("#8a5300")}
# 办理状态 as the officer scans it: matched (blue), solved (green), cannot be solved (grey).
STATUS_TEXT = {STATUS_MATCHED: QColor("#1f5fa8"), STATUS_SOLVED: QColor("#1e7b34"), STATUS_UNSOLVABLE: QColor("#7f7f7f")}
ERROR_TEXT = QColor("#c0392b")
HINT_TEXT = QColor("#b07a7a")
READY_TEXT = QColor("#1e7b34")

STATUS_COL = 0
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole})


class RecordModel(QAbstractTableModel):
    """Column 0 is 完整性 (ready / draft); the rest are the form's table fields."""

    edited = Signal()  # shown after a change to this table (counts may have changed)
    busy = Signal(bool)  # a query runs on a worker thread (True) / its rows are shown (False)

    def __init__(self, table: RecordTable, fields: Sequence[Field], history: EditHistory,
                 editable: bool = True, readonly_keys: Sequence[str] = (),
                 display_maps: Mapping[str, Mapping[object, str]] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.table = table
        self.fields = list(fields)
        self.readonly_keys = set(readonly_keys)
        self.display_maps = dict(display_maps or {})  # stored value -> shown text, for non-text columns
        self.history = history
        history.changed.connect(self.apply_changes)
        self.editable = editable
        self.ids: list[str] = []
        self._cache: dict[str, dict] = {}
        self._query: dict = {"search": "", "filters": {}, "order_by": None, "descending": False}
        self._pending: TaskProgress | None = None  # the worker query whose rows are awaited
        self.partial = False  # the rows shown are the first page only; the complete list follows
        self._generation = 0  # bumped by every query: a late answer to an older one is dropped
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- loading ---------------------------------------------------------
    def set_query(self, search: str | None = None, filters: Mapping[str, object] | None = None,
                  order_by: str | None = None, descending: bool | None = None) -> None:
        if search is not None:
            self._query["search"] = search
        if filters is not None:
            self._query["filters"] = dict(filters)
        if order_by is not None:
            self._query["order_by"] = order_by or None
        if descending is not None:
            self._query["descending"] = descending
        path = self.table.path
        if path and self.table.size_hint() >= WORKER_ROWS:
            self._query_elsewhere(path)
        else:
            self.reload()

    def reload(self) -> None:
        """Query on this thread and show the rows (after an edit: the rows must be right now)."""
        self._drop_pending()
        self._show(self.table.ids(**self._query))

    def settle(self) -> None:
        """Make the shown rows all those of the current query, waiting for it if it is still
        running elsewhere (an export of “what is shown” must not take the previous rows, nor
        only the first page)."""
        if self._pending is not None or self.partial:
            self.reload()

    def _show(self, ids: list[str], partial: bool = False) -> None:
        self.beginResetModel()
        self.ids = ids
        self.partial = partial
        self._cache.clear()
        self.endResetModel()

    def _show_complete(self, ids: list[str]) -> None:
        """Show the complete list. When the rows shown are its beginning (the first page), the
        rest is appended, so the view keeps its scroll position, selection and current cell."""
        shown = len(self.ids)
        if self.partial and shown < len(ids) and ids[:shown] == self.ids:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self.ids = ids
            self.partial = False
            self.endInsertRows()
        else:
            self._show(ids)

    def cancel_query(self) -> None:
        """Forget a query still running elsewhere (the window is closing)."""
        self._drop_pending()

    def _drop_pending(self) -> None:
        self._generation += 1
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
            self.busy.emit(False)

    def _query_elsewhere(self, path: str) -> None:
        """Ask a worker for the query's first PAGE_ROWS ids. Fewer are all of them; else they
        are shown at once, and another worker is asked for the complete list."""
        self._drop_pending()
        generation = self._generation
        table, form, query = self.table.table, self.table.form, dict(self._query)

        def complete(ids: list[str]) -> None:
            if generation == self._generation:
                self._pending = None
                self._show_complete(ids)
                self.busy.emit(False)

        def first_page(ids: list[str]) -> None:
            if generation != self._generation:
                return
            if len(ids) < PAGE_ROWS:
                complete(ids)
                return
            self._show(ids, partial=True)
            self._pending = run_quiet(strings.QUERY_TASK, ids_elsewhere, path, table, form, query,
                                      on_done=complete, on_error=failed)

        def failed(exc: Exception) -> None:
            if generation == self._generation:
                log.warning("query on a worker failed; running it here", exc_info=exc)
                self.reload()

        self._pending = run_quiet(strings.QUERY_TASK, ids_elsewhere, path, table, form,
                                  {**query, "limit": PAGE_ROWS}, on_done=first_page, on_error=failed)
        self.busy.emit(True)

    def row_of(self, record_id: str) -> int:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return -1

    def record(self, row: int) -> dict:
        record_id = self.ids[row]
        cached = self._cache.get(record_id)
        if cached is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            start = max(0, row - BLOCK // 2)
            block = self.ids[start : start + BLOCK]
            self._cache.update(self.table.get_many(block))
            cached = self._cache.get(record_id) or {"id": record_id, "_problems": {}}
        if "_problems" not in cached:  # validate the rows the view shows, not the whole block
            cached["_problems"] = problems(self.table.form, cached, self.table.choices)
        return cached

    def refresh_ids(self, ids: Sequence[str]) -> None:
        for record_id in ids:
            self._cache.pop(record_id, None)
            row = self.row_of(record_id)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # ---- Qt model API -----------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields) + 1

    def field_at(self, column: int) -> Field | None:
        return self.fields[column - 1] if column >= 1 else None

    def column_of(self, key: str) -> int:
        for i, f in enumerate(self.fields):
            if f.key == key:
                return i + 1
        return -1

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        f = self.field_at(section)
        return strings.STATUS_COLUMN if f is None else f.label

    def flags(self, index: QModelIndex):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index.column()):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def is_editable(self, column: int) -> bool:
        f = self.field_at(column)
        return self.editable and f is not None and f.key not in self.readonly_keys

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        # A painted cell is asked about ~11 roles; half are none of ours (alignment, check
        # state, decoration, size hint…): answer those before looking the row up.
        if role not in _ROLES or not index.isValid():
            return None
        rec = self.record(index.row())
        f = self.field_at(index.column())
        found: dict = rec.get("_problems", {})
        level = rec.get("coord_level")
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = FLAG_COLOURS.get(level) if isinstance(level, str) else None
            return QBrush(colour) if colour else None
        if f is None:  # the 完整性 column
            if role == Qt.ItemDataRole.DisplayRole:
                return strings.READY if not found else strings.DRAFT_MISSING.format(n=len(found))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(READY_TEXT if not found else ERROR_TEXT)
            if role == Qt.ItemDataRole.ToolTipRole and found:
                return "\n".join(found.values())
            return None
        value = rec.get(f.key)
        empty = value is None or value == ""
        if role == Qt.ItemDataRole.DisplayRole:
            if f.key in self.display_maps:
                return self.display_maps[f.key].get(value, "")
            if empty:
                return strings.REQUIRED_HINT if f.required else ""
            text = str(value)
            if f.kind == Kind.LONGTEXT and len(text) > 120:
                text = text[:120] + "…"
            if f.key == "coord_level" and value in FLAG_COLOURS:
                text = strings.FLAG_MARK + text
            return text.replace("\n", " ")
        if role == Qt.ItemDataRole.EditRole:
            return "" if empty else value
        if role == Qt.ItemDataRole.ToolTipRole:
            if f.key in found:
                return found[f.key]
            return str(value) if f.kind == Kind.LONGTEXT and not empty else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if f.key in found:
                return QBrush(HINT_TEXT if empty else ERROR_TEXT)
            if f.key == "coord_level" and value in FLAG_TEXT:
                return QBrush(FLAG_TEXT[value])
            if f.key == "status" and value in STATUS_TEXT:
                return QBrush(STATUS_TEXT[value])
            return None
        if role == Qt.ItemDataRole.FontRole and ((f.key == "coord_level" and value in FLAG_TEXT)
                                                 or (f.key == "status" and value in STATUS_TEXT)):
            return self._bold
        return None

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        """An edit in a cell goes to the edit history; this model shows the result when told."""
        f = self.field_at(index.column())
        if role != Qt.ItemDataRole.EditRole or f is None or not self.is_editable(index.column()):
            return False
        record_id = self.ids[index.row()]
        return self.history.run(lambda ops: ops.set_values(self.table.table, {record_id: {f.key: value}},
                                                           strings.EDIT)) is not None

    def apply_changes(self, changes: OpChanges) -> None:
        """Show what an operation changed: re-query when rows came or went, else repaint the rows."""
        if not changes.touches(self.table.table) and not changes.choices:
            return
        if changes.rows or changes.choices or changes.profile:
            self.reload()  # also re-reads problems: they depend on the choice lists
        else:
            self.refresh_ids(list(changes.ids))
        self.edited.emit()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        f = self.field_at(column)
        key = "complete" if f is None else f.key
        self.set_query(order_by=key, descending=order == Qt.SortOrder.DescendingOrder)
