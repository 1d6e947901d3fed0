"""The search box: trigram index (m004) against the LIKE scan it replaces."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storage.records
from storage import Store
from storage.migrations import trigram_supported
from storage.records import SHORT_WORD_TERMS, RecordTable

DATA = Path(__file__).resolve().parent.parent / "data"

# Few distinct characters, so that random words often occur in random records:
# two-character Chinese words, ASCII of both cases, a non-ASCII letter with a
# case (the index folds it, LIKE does not), and the characters LIKE and FTS5
# treat specially.
ALPHABET = "专利商标质押权aAbBzZ19éÉ %_\"'\\-*()，。（）\n"
TEXT_KEYS = ["subject_name", "content", "remark", "contact", "credit_code"]


def like_ids(table: RecordTable, search: str, **kwargs) -> list[str]:
    """The search as it was before m004: LIKE over every text column."""
    fts, table._fts = table._search_index(), ""
    try:
        return table.ids(search=search, **kwargs)
    finally:
        table._fts = fts


def statements(store: Store, fn) -> list[str]:
    """The statements ``fn`` sends to SQLite (not those FTS5 runs inside, traced as "-- ...")."""
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        fn()
    finally:
        store.db.conn.set_trace_callback(None)
    return [sql for sql in seen if not sql.startswith("--")]


records = st.lists(
    st.fixed_dictionaries({k: st.one_of(st.none(), st.text(ALPHABET, max_size=12)) for k in TEXT_KEYS}),
    min_size=1, max_size=25,
)
words = st.text(ALPHABET.replace(" ", "").replace("\n", ""), min_size=1, max_size=4)
queries = st.lists(words, min_size=1, max_size=3).map(" ".join)


def test_this_sqlite_has_trigram():
    assert tuple(int(x) for x in sqlite3.sqlite_version.split(".")) >= (3, 34)
    s = Store.open(":memory:")
    assert trigram_supported(s.db)
    assert s.needs._search_index() == "needs_fts"
    assert s.cases._search_index() == "cases_fts"
    s.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records, searches=st.lists(queries, min_size=1, max_size=8), data=st.data())
def test_index_finds_exactly_what_like_finds(rows, searches, data):
    s = Store.open(":memory:")
    ids = s.needs.insert_many(rows)
    # Edits, soft deletes and hard deletes go through the triggers too.
    for record_id in data.draw(st.lists(st.sampled_from(ids), max_size=4), label="edited"):
        s.needs.update(record_id, {"remark": data.draw(st.text(ALPHABET, max_size=8), label="remark")})
    gone = data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True), label="deleted")
    s.needs.set_deleted(gone[:1], True)
    s.needs.set_deleted(gone[1:], True)
    s.needs.purge_deleted()
    s.needs.set_deleted(data.draw(st.lists(st.sampled_from(ids), max_size=2), label="trashed"), True)
    for search in searches:
        assert s.needs.ids(search=search) == like_ids(s.needs, search), search
        assert s.needs.ids(search=search, order_by="subject_name", descending=True) == like_ids(
            s.needs, search, order_by="subject_name", descending=True)
        assert s.needs.ids(search=search, deleted=True) == like_ids(s.needs, search, deleted=True)
        for n in (1, 3):  # a first page, through the index or from the first records
            assert s.needs.ids(search=search, limit=n) == like_ids(s.needs, search)[:n], (search, n)
    s.close()


def test_short_and_long_words_on_known_rows(store):
    a = store.needs.insert({"subject_name": "福州专利代理有限公司", "content": "商标质押",
                              "unit": "鼓楼区市场监督管理局"})
    b = store.needs.insert({"subject_name": "闽江机械", "content": "需要专利导航", "remark": "50%_完成"})
    c = store.needs.insert({"subject_name": "ABC 科技", "contact": "王专"})
    assert store.needs.ids(search="专利") == [a, b]
    assert store.needs.ids(search="专") == [a, b, c]
    assert store.needs.ids(search="专利 导航") == [b]
    assert store.needs.ids(search="商标 专利") == [a]
    assert store.needs.ids(search="利代") == [a]
    assert store.needs.ids(search="abc") == [c]  # ASCII case-insensitive, like LIKE
    assert store.needs.ids(search="Bc") == [c]
    assert store.needs.ids(search="%") == [b]
    assert store.needs.ids(search="%_") == [b]
    assert store.needs.ids(search="_完成") == [b]
    assert store.needs.ids(search="市场监督") == [a]  # the reporting unit is searched too
    assert store.needs.ids(search="王专") == [c]  # last characters of a field
    assert store.needs.ids(search="无此词") == []
    store.needs.update(b, {"content": "需要商标导航"})
    assert store.needs.ids(search="专利") == [a]
    store.needs.update(c, {"contact": None})
    assert store.needs.ids(search="王专") == []


def test_cases_are_searched_through_their_index(store):
    one = store.cases.insert({"name": "专利导航助力产业升级", "practice": "建立“一企一策”服务机制"})
    two = store.cases.insert({"name": "商标品牌建设", "opinion": "同意推荐"})
    assert store.cases.ids(search="一企一策") == [one]
    assert store.cases.ids(search="推荐") == [two]
    assert store.cases.ids(search="专利 升级") == [one]


def test_statements_per_search(store):
    store.needs.insert_many([{"subject_name": f"企业{i}", "content": "专利质押融资"} for i in range(20)])
    store.needs.ids(search="x")  # looks up the index once per table
    long_only = statements(store, lambda: store.needs.ids(search="质押融资 企业1"))
    assert len(long_only) == 1 and "[needs_fts] match" in long_only[0]
    short = statements(store, lambda: store.needs.ids(search="专利 质押"))
    assert len(short) == 3  # one vocabulary lookup per short word, then the query
    assert "[needs_fts] match" in short[-1]
    assert "content" not in short[-1]  # never the per-column LIKE scan


def test_short_word_with_many_trigrams_scans_the_index_copy(store):
    # A one-letter word starting more trigrams than SHORT_WORD_TERMS.
    text = "".join(f"a{chr(0x4e00 + i)}" for i in range(SHORT_WORD_TERMS + 5))
    a = store.needs.insert({"content": text})
    store.needs.insert({"content": "没有"})
    sql = statements(store, lambda: store.needs.ids(search="A"))
    assert store.needs.ids(search="A") == [a]
    assert "match" not in sql[-1] and "doc like" in sql[-1]


def test_without_index_search_falls_back_to_like(store):
    """An SQLite without trigram (older than 3.34) leaves no index: LIKE, same results."""
    a = store.needs.insert({"subject_name": "福州专利代理有限公司"})
    store.db.execute("delete from search_index")
    fresh = RecordTable(store.db, "needs", store.needs.form, lambda: store.choices)
    assert fresh._search_index() is None
    sql = statements(store, lambda: fresh.ids(search="专利代理"))
    assert fresh.ids(search="专利代理") == [a]
    assert "match ?" not in sql[-1] and "[subject_name]" in sql[-1]


def test_index_of_other_columns_is_not_trusted(store):
    store.db.execute("update search_index set columns = '[\"subject_name\"]' where record_table = 'needs'")
    fresh = RecordTable(store.db, "needs", store.needs.form, lambda: store.choices)
    assert fresh._search_index() is None


def test_upgraded_v1_database_is_indexed(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(DATA / "wanlixing-v1.db", path)
    s = Store.open(path)
    assert s.needs.ids(search="升级后必须") == ["0b7f7a52-8f3c-4c55-9d0e-1d2a3b4c5d6e"]
    indexed = s.db.execute("select count(*) from needs_fts").fetchone()[0]
    assert indexed == s.db.execute("select count(*) from needs").fetchone()[0] > 0
    s.close()



def test_the_index_covers_every_searchable_field_of_today(store):
    """A text field added to a form needs a migration that rebuilds the index (as m006 did for the
    feedback step's fields); without one, search silently falls back to scanning."""
    assert store.needs._search_index() == "needs_fts"
    assert store.cases._search_index() == "cases_fts"


@pytest.mark.parametrize(("head", "walk"), [(2000, 1000), (7, 1), (13, 10)])
def test_a_first_page_is_the_beginning_of_the_whole_list(store, monkeypatch, head, walk):
    """The window shows a query's first rows (``limit``) before the rest arrives: with a LIMIT
    SQLite walks the live index instead of sorting every match, and a short word is first
    looked for in the first ``HEAD_ROWS`` records; the rows must still be the first rows of
    the whole list, ties in ``seq`` and in a sorted column included."""
    monkeypatch.setattr(storage.records, "HEAD_ROWS", head)
    monkeypatch.setattr(storage.records, "WALK_HITS", walk)
    rows = [{"subject_name": f"企业{i % 3}", "content": "专利质押" if i % 4 else "商标",
             "seq": float(i // 5)} for i in range(60)]  # five records share each seq
    ids = store.needs.insert_many(rows[::-1])  # rowids run against seq
    store.needs.set_deleted(ids[::7], True)
    queries = [{}, {"search": "专利"}, {"search": "专利质押"}, {"search": "专"}, {"search": "商标"},
               {"search": "无此词"}, {"descending": True}, {"search": "专利", "descending": True},
               {"search": "利 质"}, {"search": "标", "descending": True}, {"search": "质 商"},
               {"search": "专利", "order_by": "subject_name"},
               {"search": "专利", "order_by": "subject_name", "descending": True},
               {"search": "质押", "deleted": True}, {"filters": {"subject_name": "企业1"}, "search": "专利"}]
    for query in queries:
        whole = store.needs.ids(**query)
        for n in (1, 4, 5, 17, len(whole), len(whole) + 3):
            assert store.needs.ids(**query, limit=n) == whole[:n], (query, n)
    # Display order: seq, then the order of insertion (rowid) among equal seqs.
    in_order = [ids[k] for k in sorted(range(60), key=lambda k: ((59 - k) // 5, k))]
    assert store.needs.ids(search="专利", limit=3) == [i for i in in_order if i not in ids[::7]
                                                      and store.needs.get(i)["content"] == "专利质押"][:3]


def test_a_first_page_walks_the_live_index_without_sorting_every_match(store, monkeypatch):
    """Many matches: the first page walks the records in display order and stops at the
    limit; a few: they are sorted (a walk would read every record to find them)."""
    monkeypatch.setattr(storage.records, "WALK_HITS", 20)
    store.needs.insert_many([{"content": "专利质押"} for _ in range(30)] + [{"content": "商标"}] * 5)

    def plan(**query) -> str:
        sql, params = store.needs.ids_query(**query)
        return " | ".join(row[3] for row in store.db.execute("explain query plan " + sql, params).fetchall())

    assert "needs_live_seq" in plan(search="专利", limit=200)
    assert "TEMP B-TREE" not in plan(search="专利", limit=200)
    assert "TEMP B-TREE" in plan(search="专利")  # the whole list: only the matches, then sorted
    assert "TEMP B-TREE" in plan(search="商标", limit=200)
    assert store.needs.ids(search="商标", limit=3) == store.needs.ids(search="商标")[:3]
