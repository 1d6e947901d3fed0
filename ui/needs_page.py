"""附件1 需求清单: the table of needs with search, filters, flagged counts and paste."""

from __future__ import annotations

from forms import NEEDS, Field, Kind
from forms.needs import feedback_line, summary_line
from forms.reference import regions
from forms.validation import normalise
from storage import Store
from storage.ops import OpChanges
from storage.records import FEEDBACK_FILTER, HAS_FEEDBACK, NEW_FEEDBACK, now_iso
from storage.stats import NeedCounts, need_counts, region_order_key
from ui import strings
from ui.delegates import FieldDelegate
from ui.filter_box import FilterBox
from ui.paste import header_mapping, parse_clipboard
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QEvent,
    QGuiApplication,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QMessageBox,
    QPushButton,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.record_model import RecordModel
from ui.search_box import SearchBox
from ui.sheet_view import SheetView
from ui.undo import EditHistory

COPY_WITH_HEADER = "Ctrl+Shift+C"  # Ctrl+C copies the block; with Shift, the header row too
DELETE_ROWS = "Ctrl+Delete"  # Delete clears the cells; with Ctrl, the rows go (undoable)

# Shown first in the consolidated list: whose need it is. Read-only there.
REGION_FIELDS = (Field("city", strings.COLUMN_CITY, Kind.CITY, width=9),
                 Field("district", strings.COLUMN_DISTRICT, width=10),
                 Field("unit", strings.COLUMN_UNIT, width=20))

FILTERS = (("category", strings.FILTER_CATEGORY, "need_categories"),
           ("coord_level", strings.FILTER_LEVEL, "coord_levels"),
           ("status", strings.FILTER_STATUS, "statuses"))


FEEDBACK_SEEN_SETTING = "feedback_seen_at"  # when the officer last left the 新反馈 filter


class NeedsPage(QWidget):
    message = Signal(str)  # status-bar text
    import_requested = Signal()  # 导入模板 from the empty table's hint

    def __init__(self, store: Store, undo: EditHistory, consolidated: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo = undo
        self.consolidated = consolidated
        undo.changed.connect(self._on_changes)
        self._counts: tuple[tuple[int, int], NeedCounts, int] | None = None  # (data version, figures, new feedback)
        extra = REGION_FIELDS if consolidated else ()
        self.model = RecordModel(store.needs, [*extra, *NEEDS.table_fields], undo,
                                 readonly_keys=[f.key for f in extra], parent=self)
        self.model.edited.connect(self.update_summary)
        self.model.modelReset.connect(self.update_summary)
        self.model.modelReset.connect(self._reserve_row_numbers)
        self.model.busy.connect(self._show_busy)
        self.model.rowsInserted.connect(self.update_summary)

        bar = QHBoxLayout()
        self.add_button = QPushButton(strings.ADD_NEED)
        self.add_button.clicked.connect(self.add_need)
        self.delete_button = QPushButton(strings.DELETE)
        self.delete_button.clicked.connect(self.delete_selected)
        self.search = SearchBox()
        self.search.search_requested.connect(self.apply_query)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        bar.addSpacing(16)
        bar.addWidget(self.search, 2)
        # 汇总清单 has two filters more (设区市, 县区): there they take a row of their own, so each
        # shows its current choice whole at 1280 pixels (FilterBox) and the search keeps its width.
        filter_bar = QHBoxLayout() if consolidated else bar
        self.filter_boxes: dict[str, QComboBox] = {}
        if consolidated:
            self.city_box = FilterBox("filter_city")
            self.district_box = FilterBox("filter_district")
            self.city_box.currentIndexChanged.connect(self._refill_district_filter)
            self.district_box.currentIndexChanged.connect(self.apply_query)
            self.filter_boxes["city"] = self.city_box
            self.filter_boxes["district"] = self.district_box
            filter_bar.addWidget(self.city_box, 1)
            filter_bar.addWidget(self.district_box, 1)
        for key, _label, _list_name in FILTERS:
            box = FilterBox(f"filter_{key}")
            box.currentIndexChanged.connect(self.apply_query)
            self.filter_boxes[key] = box
            filter_bar.addWidget(box, 1)
        self.refill_filters()
        self.drafts_only = FilterBox("filter_complete")
        self.drafts_only.addItem(strings.FILTER_ALL.format(label=strings.STATUS_COLUMN), None)
        self.drafts_only.addItem(strings.ONLY_DRAFTS, 0)
        self.drafts_only.addItem(strings.ONLY_READY, 1)
        self.drafts_only.currentIndexChanged.connect(self.apply_query)
        filter_bar.addWidget(self.drafts_only)
        # 有反馈 / 新反馈: feedback a file brought since the officer last looked at 新反馈.
        self.feedback_box = FilterBox("filter_feedback")
        self.feedback_box.addItem(strings.FEEDBACK_ALL, None)
        self.feedback_box.addItem(strings.FEEDBACK_ANY, HAS_FEEDBACK)
        self.feedback_box.addItem(strings.FEEDBACK_NEW, NEW_FEEDBACK)
        self._looking_at_new = False
        self.feedback_box.currentIndexChanged.connect(self._feedback_filter_changed)
        filter_bar.addWidget(self.feedback_box)
        # The filters share the row's width instead of each asking for its longest choice: the
        # window fits a 1280-pixel screen. Their lists still open wide enough to read.
        for box in self.filter_boxes.values():  # 完整性 and 反馈 have short fixed choices: whole
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(6)

        self.view = SheetView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(FieldDelegate(self.model, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSortingEnabled(False)  # sorting is SQL-side, via header clicks
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # entry order until a header is clicked
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.verticalHeader().setDefaultSectionSize(28)
        self.view.setWordWrap(False)
        widths = [110] + [int(f.width * 9) for f in self.model.fields]
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)
        QShortcut(QKeySequence.StandardKey.Paste, self.view, activated=self.paste)
        QShortcut(QKeySequence.StandardKey.Copy, self.view, activated=self.copy)
        QShortcut(QKeySequence(COPY_WITH_HEADER), self.view, activated=lambda: self.copy(with_header=True))
        QShortcut(QKeySequence.StandardKey.Delete, self.view, activated=self.clear_or_delete)
        QShortcut(QKeySequence(DELETE_ROWS), self.view, activated=lambda: self.delete_selected(confirm=False))
        self.search.focus_from(self)
        self.view.selectionModel().currentChanged.connect(self._show_cell_problem)
        self.model.dataChanged.connect(lambda *_: self._show_cell_problem(self.view.currentIndex()))
        self._showing_problem = False

        self._build_empty_hint()

        self.summary = QLabel()
        self.summary.setObjectName("needs_summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        if filter_bar is not bar:
            layout.addLayout(filter_bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        self.apply_query()

    def _build_empty_hint(self) -> None:
        """Shown over the empty table: 新增需求 / 从 Excel 粘贴 / 导入模板."""
        self.empty_hint = QWidget(self.view.viewport())
        self.empty_hint.setObjectName("empty_hint")
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setStyleSheet("color: #555; font-size: 11pt;")
        row = QHBoxLayout()
        row.addStretch()
        self.empty_buttons = []
        for text, slot in ((strings.ADD_NEED, self.add_need), (strings.PASTE_FROM_EXCEL, self.paste),
                           (strings.IMPORT_TEMPLATE, self.import_requested.emit)):
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, s=slot: s())
            row.addWidget(button)
            self.empty_buttons.append(button)
        row.addStretch()
        layout = QVBoxLayout(self.empty_hint)
        layout.addWidget(self.empty_text)
        layout.addLayout(row)
        self.empty_hint.hide()
        self.view.viewport().installEventFilter(self)

    def _on_changes(self, changes: OpChanges) -> None:
        # The model repaints itself; the filter lists follow the choice lists and regions.
        if changes.choices or (self.consolidated and changes.rows and changes.touches("needs")):
            self.refill_filters()

    # ---- query -----------------------------------------------------------
    def refill_filters(self) -> None:
        """(Re)build the filter drop-downs from the choice lists, keeping the current choice."""
        if self.consolidated:
            self._refill_region_filters()
        for key, label, list_name in FILTERS:
            box = self.filter_boxes[key]
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(strings.FILTER_ALL.format(label=label), "")
            for value in self.store.choices.values(list_name):
                box.addItem(value, value)
            box.setCurrentIndex(max(box.findData(current), 0) if current else 0)
            box.blockSignals(False)

    def _refill_region_filters(self) -> None:
        present = self.store.needs.count_by("city")
        current = self.city_box.currentData()
        self.city_box.blockSignals(True)
        self.city_box.clear()
        self.city_box.addItem(strings.FILTER_ALL.format(label=strings.COLUMN_CITY), "")
        for city in sorted(present, key=lambda c: region_order_key(c, None)):
            if city:
                self.city_box.addItem(strings.CITY_COUNT.format(city=city, n=present[city]), city)
        self.city_box.setCurrentIndex(max(self.city_box.findData(current), 0) if current else 0)
        self.city_box.blockSignals(False)
        self._refill_district_filter(apply=False)

    def _refill_district_filter(self, *_args, apply: bool = True) -> None:
        city = self.city_box.currentData()
        self.district_box.blockSignals(True)
        self.district_box.clear()
        self.district_box.addItem(strings.FILTER_ALL.format(label=strings.COLUMN_DISTRICT), "")
        for district in regions().districts.get(city or "", ()):
            self.district_box.addItem(district, district)
        self.district_box.setEnabled(bool(city))
        self.district_box.blockSignals(False)
        if apply:
            self.apply_query()

    def cancel_pending_search(self) -> None:
        self.search.cancel_pending()
        self.model.cancel_query()

    def _feedback_filter_changed(self) -> None:
        if self._looking_at_new and self.feedback_box.currentData() != NEW_FEEDBACK:
            # The officer has seen the new feedback: it is no longer new.
            self.store.set_setting(FEEDBACK_SEEN_SETTING, now_iso())
        self._looking_at_new = self.feedback_box.currentData() == NEW_FEEDBACK
        self.apply_query()

    def apply_query(self) -> None:
        filters = {key: box.currentData() for key, box in self.filter_boxes.items()}
        filters["complete"] = self.drafts_only.currentData()
        state = self.feedback_box.currentData()
        if state == NEW_FEEDBACK:
            filters[FEEDBACK_FILTER] = (NEW_FEEDBACK, self.store.setting(FEEDBACK_SEEN_SETTING, "") or "")
        elif state:
            filters[FEEDBACK_FILTER] = state
        self.model.set_query(search=self.search.text(), filters=filters)

    def filtered_ids(self) -> list[str] | None:
        """The needs the filters and search show, in display order; None when they show every need
        (an export then writes the whole list)."""
        self.model.settle()
        ids = list(self.model.ids)
        return None if len(ids) == self.store.needs.count() else ids

    def _reserve_row_numbers(self) -> None:
        """The row-number column is as wide as the table's largest number from the start, so it
        does not widen (and shift every column) when a search's complete list follows its first
        page, or a filter is cleared."""
        header = self.view.verticalHeader()
        if not self.model.rowCount() or header.sizeHint().width() <= 0:  # no numbers to measure by
            return
        metrics = header.fontMetrics()
        shown = str(self.model.rowCount())
        widest = "0" * len(str(max(self.model.table.size_hint(), self.model.rowCount(), 1)))
        padding = header.sizeHint().width() - metrics.horizontalAdvance(shown)
        header.setMinimumWidth(padding + metrics.horizontalAdvance(widest))

    def update_summary(self) -> None:
        # A search or filter resets the model without changing any figure: recount only after a
        # write on this connection (total_changes) or a commit on another one (data_version).
        version = (self.store.db.conn.total_changes, self.store.db.execute("pragma data_version").fetchone()[0])
        if self._counts is None or self._counts[0] != version:
            self._counts = (version, need_counts(self.store), self._new_feedback())
        counts, new_feedback = self._counts[1], self._counts[2]
        self.feedback_box.setItemText(self.feedback_box.findData(NEW_FEEDBACK), strings.feedback_new(new_feedback))
        shown = len(self.model.ids)
        line = summary_line(counts.total, counts.national, counts.provincial)
        extra = (strings.SUMMARY_SEARCHING if self.model.partial  # the first page; the count follows
                 else strings.SUMMARY_SHOWN.format(n=shown) if shown != counts.total else "")
        draft_text = (strings.SUMMARY_DRAFTS.format(n=counts.drafts) if counts.drafts
                      else strings.SUMMARY_ALL_READY if counts.total else "")
        progress = (strings.SUMMARY_PART.format(text=feedback_line(counts.matched, counts.solved))
                    if counts.matched or counts.solved else "")
        if new_feedback and not self._looking_at_new:
            progress += strings.SUMMARY_NEW_FEEDBACK.format(text=strings.feedback_arrived(new_feedback))
        self.summary.setText(f"<b>{line}</b>{progress}{draft_text}{extra}")
        self._update_empty_hint(counts.total)

    def _show_busy(self, busy: bool) -> None:
        """A sort or search of a large list runs elsewhere: the list says so and stays usable."""
        if busy:
            self.view.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.view.viewport().unsetCursor()

    def _new_feedback(self) -> int:
        """Needs whose feedback a file brought since the officer last looked at 新反馈."""
        since = self.store.setting(FEEDBACK_SEEN_SETTING, "") or ""
        return self.store.needs.count(filters={FEEDBACK_FILTER: (NEW_FEEDBACK, since)})

    def _update_empty_hint(self, total: int) -> None:
        """An empty table says what to do next; a filter that hides everything says so."""
        empty = not self.model.ids
        self.empty_hint.setVisible(empty)
        if empty:
            nothing = total == 0
            self.empty_text.setText(strings.EMPTY_CONSOLIDATED if nothing and self.consolidated
                                    else strings.EMPTY_NEEDS if nothing else strings.EMPTY_FILTERED)
            for button in self.empty_buttons:
                button.setVisible(nothing and not self.consolidated)
            self._place_empty_hint()

    def _place_empty_hint(self) -> None:
        viewport = self.view.viewport()
        self.empty_hint.adjustSize()
        width = min(viewport.width() - 40, 640)
        self.empty_hint.resize(width, self.empty_hint.heightForWidth(width) if
                               self.empty_hint.hasHeightForWidth() else self.empty_hint.sizeHint().height())
        self.empty_hint.move((viewport.width() - width) // 2, max(20, viewport.height() // 4))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize \
                and not self.empty_hint.isHidden():
            self._place_empty_hint()
        return super().eventFilter(watched, event)

    # ---- editing -----------------------------------------------------------
    def add_need(self) -> None:
        result = self.undo.run(lambda ops: ops.add_records("needs", [self.store.local_defaults("needs")],
                                                           strings.ADD_NEED))
        if result is None:
            return
        ids = sorted(result.changes.ids)
        row = self.model.row_of(ids[0])
        if row < 0:  # hidden by the current filter: show everything so the new row is visible
            self.clear_filters()
            row = self.model.row_of(ids[0])
        index = self.model.index(row, 1)
        self.view.scrollTo(index)
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def clear_filters(self) -> None:
        for box in (*self.filter_boxes.values(), self.drafts_only):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.clear_quietly()
        self.apply_query()

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        return [self.model.ids[r] for r in rows]

    def delete_selected(self, confirm: bool = True) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if confirm and QMessageBox.question(self, strings.DELETE, strings.CONFIRM_DELETE.format(n=len(ids))) \
                != QMessageBox.StandardButton.Yes:
            return
        if self.undo.run(lambda ops: ops.delete_records("needs", ids, strings.DELETE)) is not None:
            self.message.emit(strings.DELETED.format(n=len(ids)))

    def clear_or_delete(self) -> None:
        """Delete key: clear the selected cells (like a spreadsheet); whole rows selected -> delete rows."""
        indexes = self.view.selectionModel().selectedIndexes()
        full_rows = self.view.selectionModel().selectedRows()
        if full_rows:
            self.delete_selected()
            return
        changes: dict[str, dict] = {}
        for index in indexes:
            f = self.model.field_at(index.column())
            if f is not None and self.model.is_editable(index.column()):
                changes.setdefault(self.model.ids[index.row()], {})[f.key] = ""
        if changes and self.undo.run(lambda ops: ops.set_values("needs", changes, strings.CLEAR_CONTENT)) is not None:
            self.message.emit(strings.CLEARED.format(n=sum(len(v) for v in changes.values())))

    def copy(self, with_header: bool = False) -> None:
        """Ctrl+C: the selected block as tab-separated text (Ctrl+Shift+C: with the header row)."""
        text = self.view.block_text(with_header=with_header)
        if text:
            QGuiApplication.clipboard().setText(text)
            self.message.emit(strings.COPIED_WITH_HEADER if with_header else strings.COPIED)

    def show_drafts(self) -> None:
        """Only the needs that are not ready, the first one selected: where 去修改 leads."""
        self.drafts_only.setCurrentIndex(self.drafts_only.findData(0))
        if self.model.ids:
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.view.setFocus()

    def _show_cell_problem(self, index) -> None:
        """The current cell's validation problem goes to the status bar (the whole row's on 完整性)."""
        text = ""
        if index.isValid() and index.row() < len(self.model.ids):
            found = self.model.record(index.row()).get("_problems", {})
            f = self.model.field_at(index.column())
            text = strings.SEPARATOR.join(found.values()) if f is None else found.get(f.key, "")
        if text:
            self.message.emit(strings.CELL_PROBLEM.format(text=text))
        elif self._showing_problem:
            self.message.emit("")
        self._showing_problem = bool(text)

    def paste(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> int:
        """Paste a block copied from Excel/WPS.

        One column: fills the selected cell and the cells below it (new rows are
        added past the end), like a spreadsheet. Several columns: every line
        becomes a NEW need, so existing needs are never overwritten by accident;
        columns map by header when the block starts with the header row,
        otherwise from the current column onwards. Returns rows/cells written.
        """
        rows = parse_clipboard(text)
        if not rows:
            self.message.emit(strings.PASTE_EMPTY)
            return 0
        fields = NEEDS.table_fields
        current = self.view.currentIndex()
        first_editable = next(c for c in range(1, self.model.columnCount()) if self.model.is_editable(c))
        start_col = max(current.column(), first_editable) if current.isValid() else first_editable
        width = max(len(r) for r in rows)
        if width == 1:
            return self._paste_column([r[0] if r else "" for r in rows], current, start_col)
        mapping = header_mapping(rows[0], fields)
        if mapping is not None:
            rows = rows[1:]
        else:
            columns = [self.model.field_at(c).key for c in range(start_col, self.model.columnCount())
                       if self.model.is_editable(c)]
            mapping = dict(enumerate(columns[:width]))
        items = []
        defaults = self.store.local_defaults("needs")
        for r in rows:
            if not any(cell.strip() for cell in r):
                continue
            values = {key: normalise(NEEDS.field(key), r[i] if i < len(r) else "", self.store.choices)
                      for i, key in mapping.items()}
            if "status" not in values or not values["status"]:
                values["status"] = NEEDS.field("status").default
            items.append({**defaults, **values})
        if not items:
            self.message.emit(strings.PASTE_EMPTY)
            return 0
        if self.undo.run(lambda ops: ops.add_records("needs", items, strings.PASTE)) is None:
            return 0
        self.view.scrollToBottom()
        self.message.emit(strings.PASTE_ADDED.format(n=len(items)))
        return len(items)

    def _paste_column(self, values: list[str], current, start_col: int) -> int:
        f = self.model.field_at(start_col)
        if f is None or not self.model.is_editable(start_col):
            return 0
        start_row = current.row() if current.isValid() else len(self.model.ids)
        existing = self.model.ids[start_row : start_row + len(values)]
        changes = {record_id: {f.key: value} for record_id, value in zip(existing, values, strict=False)}
        defaults = self.store.local_defaults("needs")
        # Past the last row: new needs, added in the same undo step.
        new = [{**defaults, f.key: value} for value in values[len(existing):]]
        if self.undo.run(lambda ops: ops.edit("needs", strings.PASTE, values=changes, new=new)) is None:
            return 0
        self.message.emit(strings.PASTE_SET.format(n=len(values)))
        return len(values)
