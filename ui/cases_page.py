"""附件2 优秀案例: the list of cases beside the form of the selected one."""

from __future__ import annotations

from forms import CASES, Field
from storage import Store
from ui import strings
from ui.case_editor import CaseEditor
from ui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.record_model import RecordModel
from ui.search_box import SearchBox
from ui.undo import EditHistory

RECOMMEND = {1: strings.RECOMMENDED, 0: strings.NOT_RECOMMENDED, None: ""}
RECOMMENDED = Field("recommended", strings.COLUMN_RECOMMENDATION, width=8)
UNIT = Field("unit", strings.COLUMN_REPORTING_UNIT, width=20)
# 推荐意见 right after the name: what a supervisor picks by, visible without scrolling.
LIST_COLUMNS = (CASES.field("name"), RECOMMENDED, CASES.field("recommender"), CASES.field("category"), UNIT)


class CasesPage(QWidget):
    message = Signal(str)

    def __init__(self, store: Store, undo: EditHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo = undo
        self.model = RecordModel(store.cases, list(LIST_COLUMNS), undo,
                                 editable=False, display_maps={"recommended": RECOMMEND}, parent=self)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        buttons = QHBoxLayout()
        add = QPushButton(strings.ADD_CASE)
        add.clicked.connect(self.add_case)
        delete = QPushButton(strings.DELETE)
        delete.clicked.connect(self.delete_case)
        buttons.addWidget(add)
        buttons.addWidget(delete)
        buttons.addStretch()
        for value in (1, 0):
            button = QPushButton(strings.MARK.format(mark=RECOMMEND[value]))
            button.clicked.connect(lambda _checked=False, v=value: self.mark(v))
            buttons.addWidget(button)
        self.export_recommended = QPushButton(strings.EXPORT_RECOMMENDED_CASES)
        buttons.addWidget(self.export_recommended)
        left_layout.addLayout(buttons)
        # National and provincial lists hold thousands of cases: the same search as the needs lists
        # (the trigram index of every case field, m004).
        self.search = SearchBox(strings.SEARCH_CASES_PLACEHOLDER)
        self.search.search_requested.connect(lambda: self.model.set_query(search=self.search.text()))
        self.search.focus_from(self)
        left_layout.addWidget(self.search)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(0, 96)
        self.view.setColumnWidth(1, 220)
        self.view.setColumnWidth(2, 72)
        # A long case name shows its beginning ("…" at the end), as the form does.
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setWordWrap(False)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        left_layout.addWidget(self.view, 1)
        self.empty_hint = QLabel(strings.NO_CASE)
        self.empty_hint.setWordWrap(True)
        left_layout.addWidget(self.empty_hint)

        self.editor = CaseEditor(undo)
        scroll = QScrollArea()
        scroll.setWidget(self.editor)
        scroll.setWidgetResizable(True)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([480, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.model.modelReset.connect(self._after_reset)
        self.model.reload()

    def _after_reset(self) -> None:
        self.empty_hint.setText(strings.NO_CASE_MATCH.format(text=self.search.text().strip())
                                if self.search.text().strip() else strings.NO_CASE)
        self.empty_hint.setVisible(not self.model.ids)
        if self.model.ids and not self.view.currentIndex().isValid():
            self.select(self.model.ids[0])
        elif not self.model.ids:
            self.editor.load(None)

    def _on_current(self, current, _previous) -> None:
        self.editor.load(self.model.ids[current.row()] if current.isValid() else None)

    def select(self, case_id: str) -> None:
        row = self.model.row_of(case_id)
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def add_case(self) -> str | None:
        self.editor.flush()
        if self.search.text():  # the new, empty case would match no search: show it
            self.search.clear_quietly()
            self.model.set_query(search="")
        result = self.undo.run(lambda ops: ops.add_records("cases", [self.store.local_defaults("cases")],
                                                           strings.ADD_CASE))
        if result is None:
            return None
        (case_id,) = result.changes.ids
        self.select(case_id)
        self.editor.form.editors["name"].setFocus()
        return case_id

    def mark(self, value: int | None) -> None:
        """推荐 / 不推荐: the supervisor's selection among received cases."""
        case_id = self.editor.case_id
        if case_id:
            self.editor.flush()
            # A supervisor's mark is not a change of the case itself: updated_at stays.
            self.undo.run(lambda ops: ops.set_values("cases", {case_id: {"recommended": value}},
                                                     strings.MARK.format(mark=RECOMMEND[value]), touch=False))
            if (self.store.cases.get(case_id) or {}).get("recommended") == value:
                self.message.emit(strings.MARKED.format(mark=RECOMMEND[value]))

    def recommended_ids(self) -> list[str]:
        return self.store.cases.ids(filters={"recommended": 1})

    def delete_case(self) -> None:
        case_id = self.editor.case_id
        if not case_id:
            return
        self.editor.flush()
        name = (self.store.cases.get(case_id) or {}).get("name") or strings.UNNAMED
        if QMessageBox.question(self, strings.DELETE, strings.CONFIRM_DELETE_CASE.format(name=name)) \
                != QMessageBox.StandardButton.Yes:
            return
        self.undo.run(lambda ops: ops.delete_records("cases", [case_id], strings.DELETE_CASE))
