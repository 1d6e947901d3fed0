"""Typing in the needs list's search box: the trigram search, and what a keystroke costs."""

from __future__ import annotations

from storage import Store
from tests.ui.keyboard_typing import type_text

NEEDS = [
    {"subject_name": "福州专利代理有限公司（示例）", "content": "商标质押融资", "coord_level": "需国家知识产权局协调"},
    {"subject_name": "闽江机械（示例）", "content": "需要专利导航", "coord_level": "本级解决"},
    {"subject_name": "海峡科技（示例）", "content": "检索培训", "coord_level": "本级解决"},
]


def traced(store: Store, fn) -> list[str]:
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        fn()
    finally:
        store.db.conn.set_trace_callback(None)
    return [sql for sql in seen if not sql.startswith("--")]


def test_typing_a_two_character_word_filters_the_list(qtbot, app_window):
    window = app_window()
    page = window.needs_page
    page.store.needs.insert_many(NEEDS)
    page.model.reload()
    type_text(qtbot, page.search, "专利")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=3000)
    names = {page.model.index(r, page.model.column_of("subject_name")).data() for r in range(2)}
    assert names == {"福州专利代理有限公司（示例）", "闽江机械（示例）"}
    assert "当前显示 2 项" in page.summary.text()
    type_text(qtbot, page.search, " 导航")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    window.grab().save("/tmp/wlx-search.png")


def test_a_keystroke_does_not_recount_the_whole_table(qtbot, app_window):
    """Searching changes no figure: the summary's full-table aggregate runs again only after a write."""
    window = app_window()
    page = window.needs_page
    store = page.store
    ids = store.needs.insert_many(NEEDS)
    page.model.reload()
    page.search.setText("专利")
    sql = traced(store, page.apply_query)
    assert not any("sum(coord_level" in s for s in sql), sql
    assert sum(" match " in s for s in sql) == 1  # the search itself, through the index
    assert "需国家局协调 1 项" in page.summary.text()
    store.needs.update(ids[2], {"coord_level": "需国家知识产权局协调"})
    sql = traced(store, page.apply_query)
    assert any("sum(coord_level" in s for s in sql)
    assert "需国家局协调 2 项" in page.summary.text()


def test_a_word_from_the_input_method_searches_at_once_and_quick_keys_wait_for_a_pause(qtbot, app_window,
                                                                                       monkeypatch):
    """The first change after a pause is searched without waiting (a Chinese word arrives whole);
    keys typed quickly after it are searched once, together, when the typing pauses."""
    window = app_window()
    page = window.needs_page
    page.store.needs.insert_many(NEEDS)
    page.model.reload()
    searched: list[str] = []
    set_query = page.model.set_query
    monkeypatch.setattr(page.model, "set_query", lambda **q: (searched.append(q["search"]), set_query(**q)))
    page.search.pause.setInterval(1000)  # the pause, longer than a busy test machine's hiccups
    type_text(qtbot, page.search, "专利")
    assert searched == ["专利"] and page.model.rowCount() == 2  # no 250 ms wait
    qtbot.keyClicks(page.search, " ab")  # within the pause: not searched key by key
    assert searched == ["专利"]
    qtbot.waitUntil(lambda: len(searched) == 2, timeout=5000)
    assert searched == ["专利", "专利 ab"] and page.model.rowCount() == 0
    qtbot.wait(1200)
    assert len(searched) == 2  # nothing typed since: no further search
