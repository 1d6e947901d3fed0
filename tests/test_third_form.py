"""A third form, declared here the way forms/needs.py declares the needs, goes through the
generic paths untouched: its table is created, records are written and read back, rows
are recognised across files, a stranger's sheet is read with its header found by the
form's own declaration, and a supervisor-owned field is its own owner group."""

from __future__ import annotations

from exports.reading.labels import form_matcher, group_key
from exports.reading.tables import HEADER_SCAN_ROWS, find_header, read_table
from forms.fields import REPORTER, Field, Form, Kind
from forms.identity import group_digests, record_key
from forms.reference import builtin_choices
from storage.db import open_database, sync_form_columns
from storage.records import RecordTable

SUPERVISOR = "supervisor"

VISITS = Form(
    id="visits",
    title="知识产权服务万里行走访记录表",
    fields=(
        Field("company", "走访企业", required=True, max_len=100, header_aliases=("企业名称",)),
        Field("visitor", "走访人", required=True, max_len=30),
        Field("topic", "走访内容", Kind.LONGTEXT, required=True, max_len=500, group="notes"),
        Field("visits", "走访次数", Kind.INT),
        Field("reply", "督导意见", max_len=200, owner=SUPERVISOR),
    ),
    noun="走访",
    measure_word="次",
    short_title="走访记录",
    document_name="走访记录表",
    annex="附件3",
    header_fields=("company",),
    group_labels={"notes": ("走访情况",)},
    identity_fields=("company", "topic"),
    subject_field="company",
    required_any=("company", "topic"),
    owners={REPORTER: "填报单位", SUPERVISOR: "督导组"},
)


def test_words_come_from_the_declaration():
    assert VISITS.document_title == "走访记录表（附件3）"
    assert VISITS.count(4) == "走访 4 次"


def test_its_table_is_created_with_the_record_columns():
    db = open_database(":memory:")
    sync_form_columns(db, (VISITS,))
    columns = db["visits"].columns_dict
    assert columns["visits"] is int and columns["company"] is str and columns["reply"] is str
    # What every record table carries: provenance, import tracking, the unit's region.
    assert {"id", "seq", "unit", "city", "district", "origin", "natural_key", "owner_bases",
            "import_digest", "deleted_at", "complete"} <= set(columns)


def test_records_survive_reopening(tmp_path):
    path = tmp_path / "visits.db"
    db = open_database(path)
    sync_form_columns(db, (VISITS,))
    table = RecordTable(db, "visits", VISITS, builtin_choices)
    record_id = table.insert({"unit": "鼓楼区市场监管局", "company": "福州某某科技有限公司", "visitor": "张三",
                              "topic": "商标注册辅导", "visits": 2})
    table.set_deleted([record_id], True)
    db.close()
    db = open_database(path)
    sync_form_columns(db, (VISITS,))  # a second time: nothing to create
    table = RecordTable(db, "visits", VISITS, builtin_choices)
    row = db["visits"].get(record_id)
    assert (row["company"], row["visits"], row["complete"]) == ("福州某某科技有限公司", 2, 1)
    assert table.purge_deleted() == 1
    assert db["visits"].count == 0
    db.close()


def test_rows_are_recognised_by_its_identity_fields():
    a = record_key(VISITS, "鼓楼区市场监管局", {"company": "福州某某科技有限公司", "topic": "商标注册辅导"})
    b = record_key(VISITS, " 鼓楼区市场监管局", {"company": "福州某某科技", "topic": "商标注册辅导 "})
    c = record_key(VISITS, "鼓楼区市场监管局", {"company": "福州某某科技有限公司", "topic": "专利导航"})
    assert a == b  # the company-form suffix and spaces do not count
    assert a != c


def test_a_supervisor_field_is_its_own_owner_group():
    assert VISITS.owner_groups == [REPORTER, SUPERVISOR]
    before = group_digests(VISITS, {"company": "甲公司", "topic": "辅导", "reply": ""})
    after = group_digests(VISITS, {"company": "甲公司", "topic": "辅导", "reply": "已督办"})
    assert before[REPORTER] == after[REPORTER]
    assert before[SUPERVISOR] != after[SUPERVISOR]


def test_a_strangers_sheet_is_read_by_its_declared_labels():
    sheet = [
        ("2024年走访记录表", None, None, None, None),
        ("填报单位：鼓楼区市场监管局", None, None, None, None),
        ("序号", "企业名称", "走访人", "走访内容（简要）", "走访次数"),
        (1, "福州某某科技有限公司", "张三", "商标注册辅导", 2),
        (2, "福州另一家有限公司", "李四", "专利导航", "3"),
    ]
    matcher = form_matcher(VISITS)
    assert matcher.match("*走访企业") == "company"
    assert matcher.match("走访情况") == group_key("notes")
    header = find_header(sheet[:HEADER_SCAN_ROWS], VISITS, matcher)
    assert header is not None and header.row == 3
    assert set(header.columns.values()) >= {"company", "visitor", "topic", "visits"}
    data = read_table("清单", sheet, header, VISITS, matcher, builtin_choices(), "走访.xlsx")
    assert [r.values for r in data.rows] == [
        {"company": "福州某某科技有限公司", "visitor": "张三", "topic": "商标注册辅导", "visits": 2},
        {"company": "福州另一家有限公司", "visitor": "李四", "topic": "专利导航", "visits": 3},
    ]
    assert [r.cells["company"] for r in data.rows] == ["B4", "B5"]


def test_a_header_without_the_declared_header_field_is_not_its_header():
    matcher = form_matcher(VISITS)
    head = [("序号", "走访人", "走访内容", "走访次数")]  # three fields, but not 走访企业
    assert find_header(head, VISITS, matcher) is None


def test_the_store_keeps_a_third_form_like_the_other_two(monkeypatch, tmp_path):
    """Registered next to the needs and the cases (what forms/__init__.py would do), the
    form gets its table on opening, starts records with the unit's region, and follows a
    change of the unit."""
    import storage.db
    import storage.store
    from forms import CASES, NEEDS

    monkeypatch.setattr(storage.db, "RECORD_FORMS", (NEEDS, CASES, VISITS))
    monkeypatch.setattr(storage.store, "RECORD_FORMS", (NEEDS, CASES, VISITS))
    store = storage.store.Store.open(tmp_path / "three.db")
    store.set_profile({"unit": "鼓楼区市场监管局", "city": "福州市", "district": "鼓楼区", "reporter": "张三",
                       "phone": "0591-87000000", "year": 2024})
    visits = store.records("visits")
    defaults = store.local_defaults("visits")
    assert defaults == {"unit": "鼓楼区市场监管局", "city": "福州市", "district": "鼓楼区"}
    record_id = visits.insert({**defaults, "company": "福州某某科技有限公司", "visitor": "张三", "topic": "辅导"})
    store.set_profile({**store.profile(), "unit": "鼓楼区市场监督管理局"})
    store.close()
    store = storage.store.Store.open(tmp_path / "three.db")
    row = store.records("visits").get(record_id)
    assert (row["unit"], row["city"], row["complete"]) == ("鼓楼区市场监督管理局", "福州市", 1)
    store.close()
