"""Sorting and searching a large list run on a worker thread: the window keeps answering,
the rows shown are always those of the latest query, and an edit is never undone by a late
answer. WORKER_ROWS is lowered so that a small database takes the worker path."""

from __future__ import annotations

import threading
import time

import pytest

from storage.records import ids_elsewhere
from storage.sample import fill


@pytest.fixture
def page(app_window, monkeypatch):
    from ui import record_model

    monkeypatch.setattr(record_model, "WORKER_ROWS", 1)
    window = app_window()
    fill(window.store, needs=300, cases=0)
    window.needs_page.model.reload()
    return window.needs_page


def slow_worker(monkeypatch, seconds: float, started: threading.Event | None = None):
    """Make the worker's query take ``seconds`` longer, as a sort of 150,000 needs does."""
    from ui import record_model

    def slow(*args, **kwargs):
        if started is not None:
            started.set()
        time.sleep(seconds)
        return ids_elsewhere(*args, **kwargs)

    monkeypatch.setattr(record_model, "ids_elsewhere", slow)


def test_a_sort_runs_elsewhere_and_the_window_keeps_answering(qtbot, page, monkeypatch):
    from ui.qt import Qt, QTimer

    model = page.model
    before = list(model.ids)
    slow_worker(monkeypatch, 0.5)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    with qtbot.waitSignal(model.busy, timeout=5000) as started:
        page.view.horizontalHeader().setSortIndicator(model.column_of("subject_name"), Qt.SortOrder.DescendingOrder)
    assert started.args == [True]
    assert model.ids == before  # the old rows stay until the new ones arrive
    assert page.view.viewport().cursor().shape() == Qt.CursorShape.BusyCursor
    with qtbot.waitSignal(model.busy, timeout=5000) as ended:
        pass
    timer.stop()
    assert ended.args == [False]
    assert model.ids == page.store.needs.ids(order_by="subject_name", descending=True)
    assert model.ids != before
    assert len(ticks) >= 10, "the event loop ran while the query was elsewhere"
    assert page.view.viewport().cursor().shape() != Qt.CursorShape.BusyCursor
    assert "当前显示" not in page.summary.text() and "共 300 项" in page.summary.text()


def test_only_the_latest_query_is_shown(qtbot, page, monkeypatch):
    slow_worker(monkeypatch, 0.3)
    model = page.model
    resets = []
    model.modelReset.connect(lambda: resets.append(list(model.ids)))
    word = page.store.needs.rows()[7]["subject_name"]
    model.set_query(search="不会出现的词")
    model.set_query(search=word)
    qtbot.waitUntil(lambda: model._pending is None, timeout=5000)
    qtbot.wait(400)  # the first query's late answer, had it not been dropped
    assert resets == [page.store.needs.ids(search=word)]
    assert model.ids and all(word in page.store.needs.get(i)["subject_name"] for i in model.ids)


def test_an_edit_while_a_sort_runs_is_not_undone_by_its_answer(qtbot, page, monkeypatch):
    """Typing into a cell while the sort runs: the edit is saved and shown, and stays shown
    when the sorted rows arrive; a delete (rows gone) re-queries here and drops the answer."""
    from ui.qt import Qt

    started = threading.Event()
    slow_worker(monkeypatch, 0.4, started)
    model = page.model
    first_id = model.ids[0]
    model.set_query(order_by="remark")
    assert started.wait(5)
    column = model.column_of("remark")
    assert model.setData(model.index(0, column), "已电话回访", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: model._pending is None, timeout=5000)
    assert page.store.needs.get(first_id)["remark"] == "已电话回访"
    shown = model.row_of(first_id)
    assert model.data(model.index(shown, column), Qt.ItemDataRole.DisplayRole) == "已电话回访"

    started.clear()
    model.set_query(order_by="phone")
    assert started.wait(5)
    page.store.needs.set_deleted([first_id], True)
    model.reload()  # what an operation that removes rows does
    after = list(model.ids)
    qtbot.wait(700)
    assert model.ids == after == page.store.needs.ids(order_by="phone") and first_id not in after
    assert model._pending is None


def test_an_export_of_what_is_shown_waits_for_the_query(qtbot, page, monkeypatch):
    slow_worker(monkeypatch, 0.3)
    word = page.store.needs.rows()[3]["subject_name"]
    page.search.setText(word)
    page.apply_query()
    ids = page.filtered_ids()  # asked at once, before the worker answered
    assert ids == page.store.needs.ids(search=word)
    assert ids and len(ids) < 300


def test_the_summary_tab_counts_elsewhere(qtbot, page, monkeypatch):
    """汇总 at national size: opening it shows 正在统计…… at once, then the board, the figures
    and the list, equal to what the same counts give on this thread."""
    from storage.stats import submissions, summary

    window = page.window()
    c = window.consolidation_page
    window.tabs.setCurrentWidget(c)
    assert c.board_summary.text() == "正在统计……"
    qtbot.waitUntil(lambda: c.board_summary.text().startswith("已报送"), timeout=10000)
    board = submissions(page.store)
    assert c.board_model.rowCount() == len(board)
    figures = summary(page.store)
    total_row = c.level_model.rowCount() - 1
    assert c.level_model.data(c.level_model.index(total_row, c.level_model.columnCount() - 1)) == str(
        figures.total.total)
    qtbot.waitUntil(lambda: c.needs.model._pending is None, timeout=10000)
    assert len(c.needs.model.ids) == 300

    c.tabs.setCurrentWidget(c.duplicates_tab)
    assert c.duplicates_hint.text() == "正在查找疑似重复的需求……"
    qtbot.waitUntil(lambda: c.duplicates_hint.text() != "正在查找疑似重复的需求……", timeout=10000)
    assert "疑似重复" in c.tabs.tabText(c.tabs.indexOf(c.duplicates_tab))

    # Leaving while a count runs: its late answer is not shown.
    window.tabs.setCurrentWidget(page)
    window.tabs.setCurrentWidget(c)
    window.tabs.setCurrentWidget(page)
    qtbot.wait(300)
    assert c.board_summary.text() == "正在统计……"


def gated_worker(monkeypatch, hold):
    """Record each worker query; a query for which ``hold(query)`` returns an Event waits for it."""
    from ui import record_model

    calls: list[dict] = []

    def gated(path, table, form, query, progress=None):
        calls.append(dict(query))
        gate = hold(query)
        if gate is not None:
            assert gate.wait(5)
        return ids_elsewhere(path, table, form, query, progress=progress)

    monkeypatch.setattr(record_model, "ids_elsewhere", gated)
    return calls


def type_search(page, text: str) -> None:
    """The search box says ``text`` and its query starts now (not after the typing pause)."""
    page.search.setText(text)
    page.search.cancel_pending()
    page.apply_query()


def test_the_first_page_is_shown_first_and_the_rest_appended(qtbot, page, monkeypatch):
    """A word in most of a large list: its first rows are shown as soon as they are found, the
    summary says the rest is being looked for, and the complete list is appended to them —
    same order, nothing reset, the current row kept — and then counted."""
    from ui import record_model

    monkeypatch.setattr(record_model, "PAGE_ROWS", 50)
    rest = threading.Event()
    calls = gated_worker(monkeypatch, lambda query: None if "limit" in query else rest)
    model = page.model
    whole = page.store.needs.ids(search="专利", order_by="subject_name")
    assert len(whole) > 100
    resets, inserted = [], []
    model.modelReset.connect(lambda: resets.append(list(model.ids)))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    type_search(page, "专利")
    model.sort(model.column_of("subject_name"))
    qtbot.waitUntil(lambda: model.partial, timeout=5000)
    assert model.ids == whole[:50] and resets == [whole[:50]]
    assert "正在查找其余匹配的需求" in page.summary.text() and "当前显示" not in page.summary.text()
    page.view.setCurrentIndex(model.index(10, model.column_of("content")))
    page.view.grab()  # laid out and painted, as on screen
    numbers = page.view.verticalHeader().width()

    rest.set()
    qtbot.waitUntil(lambda: model._pending is None, timeout=5000)
    assert model.ids == whole and not model.partial
    assert resets == [whole[:50]] and inserted == [(50, len(whole) - 1)]
    assert page.view.currentIndex().row() == 10
    page.view.grab()
    assert page.view.verticalHeader().width() == numbers  # the row numbers did not widen the column
    assert f"当前显示 {len(whole)} 项" in page.summary.text() and "正在查找" not in page.summary.text()
    assert [("limit" in q) for q in calls if q.get("order_by")] == [True, False]


def test_fewer_matches_than_a_page_take_one_query(qtbot, page, monkeypatch):
    from ui import record_model

    calls = gated_worker(monkeypatch, lambda query: None)
    model = page.model
    word = page.store.needs.rows()[5]["subject_name"]
    expected = page.store.needs.ids(search=word)
    assert 0 < len(expected) < record_model.PAGE_ROWS
    model.set_query(search=word)
    qtbot.waitUntil(lambda: model._pending is None, timeout=5000)
    assert model.ids == expected and not model.partial
    assert calls == [{**model._query, "limit": record_model.PAGE_ROWS}]


def test_a_late_first_page_never_replaces_a_newer_query(qtbot, page, monkeypatch):
    from ui import record_model

    monkeypatch.setattr(record_model, "PAGE_ROWS", 20)
    late = threading.Event()
    gated_worker(monkeypatch, lambda query: late if query["search"] == "专利" else None)
    model = page.model
    model.set_query(search="专利")
    model.set_query(search="商标")
    qtbot.waitUntil(lambda: model._pending is None, timeout=5000)
    expected = page.store.needs.ids(search="商标")
    assert model.ids == expected and len(expected) > 20
    late.set()
    qtbot.wait(300)
    assert model.ids == expected and not model.partial and model._pending is None


def test_an_export_while_only_the_first_page_is_shown_takes_every_match(qtbot, page, monkeypatch):
    from ui import record_model

    monkeypatch.setattr(record_model, "PAGE_ROWS", 20)
    rest = threading.Event()
    gated_worker(monkeypatch, lambda query: None if "limit" in query else rest)
    type_search(page, "专利")
    qtbot.waitUntil(lambda: page.model.partial, timeout=5000)
    assert page.filtered_ids() == page.store.needs.ids(search="专利")
    assert not page.model.partial
    rest.set()
    qtbot.wait(200)
    assert page.model.ids == page.store.needs.ids(search="专利")
