"""汇总: what supervisors work in — who has reported, statistics, and the merged list."""

from __future__ import annotations

import html

from storage import Store
from storage.provenance import Provenance, provenance
from storage.stats import BY_CITY, TOTAL, Summary, likely_duplicates, submissions, summary
from ui import record_model
from ui import strings as S
from ui.charts import StackedBarChart
from ui.feedback_dialog import start_feedback_export
from ui.needs_page import NeedsPage
from ui.qt import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QUndoStack,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.rows_model import RowsModel
from ui.tasks import TaskProgress, run_quiet


def _total_colour(row: tuple) -> str | None:
    return "#f2f2f2" if row[0] == TOTAL else None


def _figures_job(db_path: str, duplicates: bool, progress: TaskProgress):
    """Worker thread: the board, the figures and (when shown) the likely duplicates, read on a
    connection of its own — a full pass over the needs takes seconds at 150,000."""
    store = Store.open(db_path)
    try:
        return submissions(store), summary(store), likely_duplicates(store) if duplicates else None
    finally:
        store.close()


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    return view


def _when(text: str) -> str:
    return text[:16].replace("T", " ") if text else ""


def origin_html(origin: Provenance | None) -> str:
    """The 来源 of one record in two lines: file, unit and import time; then every import
    that touched it, newest first."""
    e = html.escape
    head = f"<b>{e(S.ORIGIN_TITLE)}</b>　"
    if origin is None:
        return head + e(S.ORIGIN_NONE)
    if origin.origin != "import" or not origin.source_file:
        return head + e(S.ORIGIN_LOCAL.format(created=_when(origin.created_at)))
    parts = [(S.ORIGIN_FILE, origin.source_file), (S.ORIGIN_UNIT, origin.unit or "—"),
             (S.ORIGIN_TIME, _when(origin.imported_at))]
    if origin.file_unit and origin.file_unit != origin.unit:
        parts.append((S.ORIGIN_FILE_UNIT, origin.file_unit))
    out = head + "　".join(f"{e(label)}：<b>{e(value)}</b>" for label, value in parts)
    if origin.edited_here:
        out += f"　<span style='color:#8a5300'>{e(S.ORIGIN_EDITED)}</span>"
    if origin.steps:
        steps = [S.ORIGIN_STEP.format(time=_when(st.imported_at), action=st.action_label, file=st.file_name,
                                      unit=st.unit or "—") + (S.ORIGIN_STEP_UNDONE if st.undone else "")
                 for st in reversed(origin.steps)]
        out += f"<br>{e(S.ORIGIN_STEPS)}：" + "；".join(e(step) for step in steps)
    return out


class OriginPanel(QTextBrowser):
    """来源: where the record selected in 汇总清单 came from (storage.provenance), in a strip
    under the list (beside it, the needs table's filter bar would not fit 1280 pixels)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.record_id: str | None = None
        self.origin: Provenance | None = None
        self.setOpenLinks(False)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.show_record(None)

    def show_record(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.origin = provenance(self.store, "needs", record_id) if record_id else None
        self.setHtml(origin_html(self.origin))


class ConsolidationPage(QWidget):
    message = Signal(str)
    import_files = Signal()
    import_folder = Signal()
    show_history = Signal()
    export_requested = Signal(str, object)  # "xlsx" / "pdf", the ids 汇总清单's filters show (None: all)

    def __init__(self, store: Store, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._figures_generation = 0  # bumped by every recount: a late answer to an older one is dropped
        bar = QHBoxLayout()
        for text, signal in ((S.IMPORT_FILES, self.import_files), (S.IMPORT_FOLDER, self.import_folder),
                             (S.IMPORT_HISTORY, self.show_history)):
            button = QPushButton(text)
            button.clicked.connect(signal.emit)
            bar.addWidget(button)
        bar.addStretch()
        for text, ext in ((S.EXPORT_SUMMARY_XLSX, "xlsx"), (S.EXPORT_SUMMARY_PDF, "pdf")):
            button = QPushButton(text)
            button.setToolTip(S.EXPORT_SUMMARY_TIP)
            button.clicked.connect(lambda _checked=False, e=ext: self.export_requested.emit(e, self.needs.filtered_ids()))
            bar.addWidget(button)
        self.feedback_button = QPushButton(S.EXPORT_FEEDBACK)
        self.feedback_button.setToolTip(S.EXPORT_FEEDBACK_TIP)
        self.feedback_button.clicked.connect(lambda: start_feedback_export(self, self.store))
        bar.addWidget(self.feedback_button)

        self.tabs = QTabWidget()
        self.board_model = RowsModel(S.BOARD_HEADERS, colour=lambda row: None if row[-1] == S.REPORTED else "#fdecea")
        self.board_view = _table(self.board_model)
        self.board_summary = QLabel()
        board = QWidget()
        board_layout = QVBoxLayout(board)
        board_layout.addWidget(self.board_summary)
        board_layout.addWidget(self.board_view)
        self.tabs.addTab(board, S.TAB_BOARD)

        # Both tables show storage.stats.summary's rows as the xlsx and the PDF print them.
        self.level_chart = StackedBarChart("")
        self.category_chart = StackedBarChart(S.CHART_BY_CATEGORY)
        self.level_model = RowsModel((BY_CITY, TOTAL), colour=_total_colour)
        self.category_model = RowsModel((S.CATEGORY_HEAD, TOTAL), colour=_total_colour)
        stats = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.level_chart)
        top.addWidget(_table(self.level_model))
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.category_chart)
        bottom.addWidget(_table(self.category_model))
        stats.addWidget(top)
        stats.addWidget(bottom)
        self.tabs.addTab(stats, S.TAB_FIGURES)

        self.duplicates_model = RowsModel(S.DUPLICATES_HEADERS,
                                          colour=lambda row: "#eef3fb" if row[0] % 2 else None)
        duplicates = QWidget()
        dup_layout = QVBoxLayout(duplicates)
        self.duplicates_hint = QLabel()
        self.duplicates_hint.setWordWrap(True)
        dup_layout.addWidget(self.duplicates_hint)
        dup_layout.addWidget(_table(self.duplicates_model))
        self.duplicates_tab = duplicates
        self.tabs.addTab(duplicates, S.TAB_DUPLICATES)
        # Duplicate detection reads every need (about 2 s at 150,000): only when looked at.
        self.tabs.currentChanged.connect(lambda _i: self._refresh_duplicates())

        self.needs = NeedsPage(store, undo, consolidated=True)
        self.needs.message.connect(self.message)
        self.origin = OriginPanel(store)
        self.needs.view.selectionModel().currentChanged.connect(lambda current, _previous: self._show_origin())
        self.needs.model.modelReset.connect(self._show_origin)
        self.tabs.addTab(self.needs, S.TAB_MERGED_LIST)

        # 来源 sits under the tabs, shown while 汇总清单 is the current tab (the tab itself stays
        # the needs page, which the window switches to by name).
        self.tabs.currentChanged.connect(lambda _i: self.origin.setVisible(self.tabs.currentWidget() is self.needs))
        self.origin.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.origin)
        # Figures are computed when the tab is opened (MainWindow._tab_changed) or after an import,
        # not at start-up: at 150,000 needs they take seconds the officer would wait for the window.

    def _show_origin(self) -> None:
        index = self.needs.view.currentIndex()
        ids = self.needs.model.ids
        self.origin.show_record(ids[index.row()] if index.isValid() and index.row() < len(ids) else None)

    def refresh(self) -> None:
        """Recompute the board, the figures and the list. A large database (as many needs as
        record_model.WORKER_ROWS) is read on a worker thread; the page keeps its last figures
        meanwhile and says it is counting."""
        self.needs.refill_filters()
        showing_duplicates = self.tabs.currentWidget() is self.duplicates_tab
        path = self._worth_a_worker()
        if not path:
            self._figures_generation += 1  # a count still running elsewhere is not shown
            self.needs.model.reload()
            dup = likely_duplicates(self.store) if showing_duplicates else None
            self._show_all(submissions(self.store), summary(self.store), dup)
            return
        self.needs.apply_query()  # the list, also elsewhere
        self.board_summary.setText(S.COUNTING)
        self._count_elsewhere(path, S.COUNT_TASK, showing_duplicates,
                              lambda: self.board_summary.setText(S.COUNTING_FAILED))

    def _worth_a_worker(self) -> str:
        """The database file when there are enough needs to count them on a worker, else ""."""
        path = self.store.needs.path
        return path if path and self.store.needs.count() >= record_model.WORKER_ROWS else ""

    def _count_elsewhere(self, path: str, label: str, duplicates: bool, on_failed) -> None:
        """Board, figures (and duplicates) on a worker; only the latest count is shown."""
        self._figures_generation += 1
        generation = self._figures_generation

        def done(result) -> None:
            if generation == self._figures_generation:
                self._show_all(*result)

        def failed(exc: Exception) -> None:
            if generation == self._figures_generation:
                on_failed()

        run_quiet(label, _figures_job, path, duplicates, on_done=done, on_error=failed)

    def hideEvent(self, event) -> None:
        # Left (another tab, or the window closing): a count still running is not shown; the
        # tab recounts when it is opened again.
        self._figures_generation += 1
        super().hideEvent(event)

    def _show_all(self, board, figures: Summary, duplicates: list[list[dict]] | None) -> None:
        self.board_model.set_rows([
            (s.region, s.unit or "—", s.needs, s.national, s.provincial, s.cases,
             s.last_import[:16].replace("T", " ") if s.last_import else "", S.REPORTED if s.reported else S.NOT_REPORTED)
            for s in board])
        missing = [s.region for s in board if not s.reported]
        reported = len(board) - len(missing)
        text = S.BOARD_REPORTED.format(n=reported)
        if missing:
            text += S.BOARD_MISSING.format(n=len(missing), regions=S.LIST_SEPARATOR.join(missing))
        self.board_summary.setText(text)
        self.board_summary.setWordWrap(True)
        self._show_figures(figures)
        if duplicates is not None:
            self._show_duplicates(duplicates)

    def _show_figures(self, figures: Summary) -> None:
        levels = figures.levels
        self.level_chart.title = S.CHART_BY_GROUPING.format(grouping=figures.grouping)
        for model, head, rows, chart in ((self.level_model, figures.grouping, figures.regions, self.level_chart),
                                         (self.category_model, S.CATEGORY_HEAD, figures.categories,
                                          self.category_chart)):
            model.set_rows([(r.label, *r.counts, r.total) for r in [*rows, figures.total]] if rows else [],
                           headers=(head, *levels, TOTAL))
            chart.set_data([r.label for r in rows], [(lv, [r.counts[i] for r in rows]) for i, lv in enumerate(levels)])

    def _refresh_duplicates(self) -> None:
        if self.tabs.currentWidget() is not self.duplicates_tab:
            return
        path = self._worth_a_worker()
        if not path:
            self._show_duplicates(likely_duplicates(self.store))
            return
        self.duplicates_hint.setText(S.DUPLICATES_SEARCHING)
        self._count_elsewhere(path, S.DUPLICATES_TASK, True, lambda: self.duplicates_hint.setText(S.DUPLICATES_FAILED))

    def _show_duplicates(self, groups: list[list[dict]]) -> None:
        self.duplicates_model.set_rows([
            (n, f"{r['city'] or ''}{r['district'] or ''}", r["unit"] or "", r["subject_name"] or "",
             r["credit_code"] or "", r["category"] or "", (r["content"] or "").replace("\n", " ")[:80])
            for n, group in enumerate(groups, 1) for r in group])
        self.duplicates_hint.setText(
            S.DUPLICATES_FOUND.format(n=len(groups)) if groups else S.NO_DUPLICATES)
        self.tabs.setTabText(self.tabs.indexOf(self.duplicates_tab),
                             S.TAB_DUPLICATES_N.format(n=len(groups)) if groups else S.TAB_DUPLICATES)
