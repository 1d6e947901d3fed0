"""Merging colleagues' files: identity, classification, conflict decisions, undo, and safety on errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from exports.reading import ReadError, read_file
from forms import CASES, NEEDS
from forms.identity import record_digest
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL
from forms.progress import Cancelled
from storage import merge_apply
from storage.merge import (
    CHANGED,
    CONFLICT,
    IDENTICAL,
    INVALID,
    KEEP_BOTH,
    KEEP_MINE,
    NEW,
    TAKE_THEIRS,
    MergeError,
    apply,
    history,
    preview,
    undo_batch,
)
from storage.store import Store
from tests.conftest import PROFILE

xlsx_needs = pytest.importorskip("exports.xlsx_needs")
xlsx_cases = pytest.importorskip("exports.xlsx_cases")

DATA = Path(__file__).resolve().parent.parent / "data"
GULOU = "福州市鼓楼区市场监督管理局"
TAIJIANG = {"unit": "福州市台江区市场监督管理局", "city": "福州市", "district": "台江区", "reporter": "陈敏",
            "phone": "0591-83330000", "year": 2023, "report_date": "2023-05-19"}
NEEDS_ROWS = [
    {"subject_name": "福州台江海韵食品有限公司", "subject_type": "企业", "industry": "海洋经济",
     "category": "商标品牌建设", "content": "海产品商标被抢注，希望获得商标品牌建设指导。",
     "coord_level": FLAG_PROVINCIAL, "contact": "郑女士", "phone": "13905910011", "status": "待对接"},
    {"subject_name": "福州江南数字科技有限公司", "subject_type": "企业", "industry": "数字经济",
     "category": "专利布局与高价值专利培育", "content": "拟在工业软件领域开展专利布局，缺少专业分析人员。",
     "coord_level": FLAG_NATIONAL, "contact": "吴经理", "phone": "13905910012", "status": "待对接"},
    {"subject_name": "福州闽都鞋业有限公司", "subject_type": "企业", "industry": "纺织鞋服",
     "category": "海外知识产权纠纷应对", "content": "出口东南亚遭遇商标抢注，需要海外纠纷应对指导。",
     "coord_level": "本地解决", "contact": "林先生", "phone": "0591-83331234", "status": "待对接"},
]


@pytest.fixture
def store():
    """The supervisor who merges colleagues' files: a city, which consolidates every unit's
    needs (a district takes only its own: tests/storage/test_feedback_roundtrip.py)."""
    s = Store.open(":memory:")
    s.set_profile({"unit": "福州市市场监督管理局", "city": "福州市", "district": "", "reporter": "王强",
                   "phone": "0591-87000000", "year": 2023, "report_date": "2023-05-20"})
    yield s
    s.close()


def snapshot(store: Store) -> dict[str, list[dict]]:
    return {t: list(store.db.query(f"select * from [{t}] order by id")) for t in ("needs", "cases")}


def visible(form, row: dict) -> dict:
    """The field values of a record; an empty text and a NULL are the same to the officer."""
    return {f.key: (None if row.get(f.key) == "" else row.get(f.key)) for f in form.fields}


def counts(store: Store) -> tuple[int, int, int]:
    return tuple(store.db.execute(f"select count(*) from [{t}]").fetchone()[0]  # type: ignore[return-value]
                 for t in ("needs", "cases", "import_batches"))


def import_file(store: Store, path: Path, decisions=None, default: str = KEEP_MINE, **kw):
    plan = preview(store, read_file(path, **kw))
    return plan, apply(store, plan, decisions, default)


@pytest.fixture
def colleague():
    s = Store.open(":memory:")
    s.set_profile(TAIJIANG)
    s.needs.insert_many([{**s.local_defaults("needs"), **row} for row in NEEDS_ROWS])
    yield s
    s.close()


def export(colleague: Store, path: Path) -> Path:
    xlsx_needs.export_needs_xlsx(colleague, path)
    return path


def edit(store: Store, subject: str, **values) -> str:
    record_id = next(r["id"] for r in store.needs.rows() if r["subject_name"] == subject)
    store.needs.update(record_id, values)
    return record_id


# ---- hand-filled files ------------------------------------------------------------------------


def test_hand_filled_file_imported_twice_adds_nothing(store):
    plan, summary = import_file(store, DATA / "handfilled_needs_gulou.xlsx")
    assert plan.counts == {NEW: 4, IDENTICAL: 0, CHANGED: 0, CONFLICT: 0, INVALID: 1}
    assert summary.inserted == 4 and summary.batch_id
    record = store.needs.rows()[0]
    assert record["origin"] == "import" and record["source_file"] == "handfilled_needs_gulou.xlsx"
    assert (record["unit"], record["city"], record["district"]) == (GULOU, "福州市", "鼓楼区")
    assert record["import_digest"] == record_digest(NEEDS, record)
    assert record["status"] == "待对接"  # the template has no 办理状态 column: the default
    before = snapshot(store)

    plan, summary = import_file(store, DATA / "handfilled_needs_gulou.xlsx")
    assert plan.counts == {NEW: 0, IDENTICAL: 4, CHANGED: 0, CONFLICT: 0, INVALID: 1}
    assert summary.batch_id is None
    assert snapshot(store) == before
    assert len(history(store)) == 1
    assert any("导入过" in w for w in plan.warnings)


def test_the_same_list_as_xls_and_csv_is_recognised(store):
    import_file(store, DATA / "handfilled_needs_gulou.xlsx")
    plan = preview(store, read_file(DATA / "handfilled_needs_gulou.xls"))
    assert plan.counts[IDENTICAL] == 4 and plan.counts[NEW] == 0


def test_invalid_rows_are_reported_with_their_position(store):
    plan = preview(store, read_file(DATA / "handfilled_needs_gulou.xlsx"))
    (bad,) = plan.items_with(INVALID)
    assert "工作表“附件1”第 14 行 B 列" in bad.reason
    assert "需求主体名称" in bad.reason and "需求内容" in bad.reason


def test_incomplete_rows_are_imported_as_drafts_with_positions(store, tmp_path):
    path = tmp_path / "草稿.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：" + GULOU])
    ws.append(["需求主体名称", "需求类别", "需求内容", "协调层级", "统一社会信用代码"])
    ws.append(["福州某某有限公司", None, "需要培训。", "本地", "913501"])
    wb.save(path)
    plan, summary = import_file(store, path)
    (item,) = plan.items
    assert item.status == NEW
    lines = item.problem_lines({f.key: f.label for f in NEEDS.fields})
    assert any(line.startswith("工作表“Sheet”第 3 行 B 列（需求类别）") for line in lines)
    assert any("E 列（统一社会信用代码）" in line for line in lines)
    assert store.needs.rows()[0]["complete"] == 0


def test_same_need_listed_twice_stays_twice(store, tmp_path):
    path = tmp_path / "重复.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位", GULOU])
    ws.append(["需求主体名称", "需求类别", "需求内容", "协调层级"])
    for _ in range(2):
        ws.append(["福州某某有限公司", "贯标", "需要贯标培训。", "本地"])
    wb.save(path)
    assert import_file(store, path)[1].inserted == 2
    assert preview(store, read_file(path)).counts[IDENTICAL] == 2


def test_local_record_is_never_overwritten_silently(store):
    """The district typed the same need; the hand-filled file has another phone number."""
    store.set_profile(PROFILE)  # 鼓楼区: the file is its own
    store.needs.insert({**store.local_defaults("needs"), "subject_name": "福州榕创智能装备有限公司",
                        "category": "专利快速审查/优先审查", "coord_level": FLAG_NATIONAL, "phone": "13800000000",
                        "content": "企业已提交5件发明专利申请，涉及伺服控制核心工艺，希望通过快速预审通道缩短审查周期。"})
    plan = preview(store, read_file(DATA / "handfilled_needs_gulou.xlsx"))
    (item,) = plan.items_with(CONFLICT)
    assert "本地录入" in item.reason
    assert [(d.label, d.local, d.incoming) for d in item.diffs if d.key == "phone"] == [
        ("联系电话", "13800000000", "13905910001")]
    apply(store, plan)  # default: keep mine
    assert store.needs.rows()[0]["phone"] == "13800000000"
    again = preview(store, read_file(DATA / "handfilled_needs_gulou.xlsx"))
    assert again.counts[CONFLICT] == 0  # declined once, not asked again for the same file


def test_consolidated_list_rows_keep_their_units_and_match_earlier_imports(store):
    import_file(store, DATA / "handfilled_needs_gulou.xlsx")
    plan, _ = import_file(store, DATA / "handfilled_needs_fuzhou_consolidated.xlsx")
    by_subject = {i.values["subject_name"]: i for i in plan.items}
    # 鼓楼区's row is the need imported from 鼓楼区's own file: same unit, enterprise and content.
    gulou = by_subject["福州榕创智能装备有限公司"]
    assert gulou.status in (IDENTICAL, CHANGED, CONFLICT) and gulou.local_id
    taijiang = by_subject["福州榕创智能装备有限责任公司"]
    assert taijiang.status == NEW
    row = store.needs.get(taijiang.insert_id)
    assert (row["unit"], row["city"], row["district"]) == ("福州市台江区市场监督管理局", "福州市", "台江区")
    # Two offices reported the same enterprise (same credit code, same category): flagged, not merged.
    hints = [h for h in plan.duplicates if h.row_key == taijiang.key]
    assert hints and hints[0].other_id == gulou.local_id and hints[0].other_unit == GULOU
    assert "统一社会信用代码相同" in hints[0].reason


def test_missing_unit_is_warned_about(store, tmp_path):
    path = tmp_path / "无单位.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["需求主体名称", "需求类别", "需求内容", "协调层级"])
    wb.active.append(["福州某某有限公司", "贯标", "需要贯标培训。", "本地"])
    wb.save(path)
    plan = preview(store, read_file(path))
    assert any("没有找到“填报单位”" in w for w in plan.warnings)


# ---- files exported by the app ----------------------------------------------------------------


def test_export_import_keeps_ids_and_values(store, colleague, tmp_path):
    plan, summary = import_file(store, export(colleague, tmp_path / "台江.xlsx"))
    assert summary.inserted == 3
    for theirs in colleague.needs.rows():
        mine = store.needs.get(theirs["id"])
        assert mine is not None, "the UUID is kept"
        assert visible(NEEDS, mine) == visible(NEEDS, theirs)
        assert mine["unit"] == TAIJIANG["unit"] and mine["district"] == "台江区"
        assert mine["source_updated_at"] == theirs["updated_at"]
    assert preview(store, read_file(tmp_path / "台江.xlsx")).counts[IDENTICAL] == 3


def test_a_changed_record_is_updated(store, colleague, tmp_path):
    import_file(store, export(colleague, tmp_path / "v1.xlsx"))
    rid = edit(colleague, "福州闽都鞋业有限公司", status="已解决", feedback="已对接省维权援助中心")
    plan = preview(store, read_file(export(colleague, tmp_path / "v2.xlsx")))
    assert plan.counts == {NEW: 0, IDENTICAL: 2, CHANGED: 1, CONFLICT: 0, INVALID: 0}
    (item,) = plan.items_with(CHANGED)
    assert {d.label for d in item.diffs} == {"办理状态", "对接反馈"}
    summary = apply(store, plan)
    assert summary.updated == 1
    assert store.needs.get(rid)["status"] == "已解决"
    assert store.needs.get(rid)["source_file"] == "v2.xlsx"


@pytest.fixture
def conflict(store, colleague, tmp_path):
    """v1 imported; the supervisor and the colleague then both edit the same need."""
    import_file(store, export(colleague, tmp_path / "v1.xlsx"))
    rid = edit(store, "福州江南数字科技有限公司", contact="吴总（市局已核实）")
    edit(colleague, "福州江南数字科技有限公司", contact="吴经理", phone="13905919999")
    v2 = export(colleague, tmp_path / "v2.xlsx")
    return rid, v2


@pytest.mark.parametrize("decision", [KEEP_MINE, TAKE_THEIRS, KEEP_BOTH])
def test_conflict_decisions(store, conflict, decision):
    rid, v2 = conflict
    plan = preview(store, read_file(v2))
    (item,) = plan.items_with(CONFLICT)
    assert item.local_id == rid and "本地在上次导入后修改过" in item.reason
    assert {d.key for d in item.diffs} == {"contact", "phone"}
    summary = apply(store, plan, {item.key: decision})
    mine = store.needs.get(rid)
    if decision == KEEP_MINE:
        assert (mine["contact"], mine["phone"]) == ("吴总（市局已核实）", "13905910012")
        assert summary.kept == 1 and store.needs.count() == 3
    elif decision == TAKE_THEIRS:
        assert (mine["contact"], mine["phone"]) == ("吴经理", "13905919999")
        assert summary.updated == 1 and store.needs.count() == 3
    else:
        assert mine["contact"] == "吴总（市局已核实）"
        copies = [r for r in store.needs.rows() if r["subject_name"] == "福州江南数字科技有限公司"]
        assert len(copies) == 2 and summary.both == 1
        copy = next(r for r in copies if r["id"] != rid)
        assert (copy["contact"], copy["phone"], copy["origin"]) == ("吴经理", "13905919999", "import")
    # Whatever was decided, the same file again changes nothing.
    again = preview(store, read_file(v2))
    assert again.counts[CONFLICT] == 0 and again.counts[NEW] == 0 and again.counts[CHANGED] == 0


def test_default_decision_and_decisions_by_record_id(store, conflict):
    rid, v2 = conflict
    plan = preview(store, read_file(v2))
    apply(store, plan, {rid: TAKE_THEIRS}, default=KEEP_MINE)
    assert store.needs.get(rid)["contact"] == "吴经理"
    with pytest.raises(MergeError, match="未知的处理方式"):
        apply(store, plan, default="overwrite")


def test_same_file_after_local_edits_is_identical(store, colleague, tmp_path):
    path = export(colleague, tmp_path / "v1.xlsx")
    import_file(store, path)
    rid = edit(store, "福州闽都鞋业有限公司", remark="市局备注")
    plan = preview(store, read_file(path))
    assert plan.counts[IDENTICAL] == 3
    apply(store, plan)
    assert store.needs.get(rid)["remark"] == "市局备注"


def test_deleted_here(store, colleague, tmp_path):
    path = export(colleague, tmp_path / "v1.xlsx")
    import_file(store, path)
    rid = edit(store, "福州闽都鞋业有限公司")
    store.needs.set_deleted([rid], True)
    assert preview(store, read_file(path)).counts[IDENTICAL] == 3  # re-importing does not resurrect it
    edit(colleague, "福州闽都鞋业有限公司", status="已解决")
    plan = preview(store, read_file(export(colleague, tmp_path / "v2.xlsx")))
    (item,) = plan.items_with(CONFLICT)
    assert "本地已删除" in item.reason
    apply(store, plan, {item.key: TAKE_THEIRS})
    row = store.needs.get(rid)
    assert row["deleted_at"] is None and row["status"] == "已解决"


def test_an_older_file_does_not_overwrite_a_newer_import(store, colleague, tmp_path):
    old = export(colleague, tmp_path / "旧.xlsx")
    edit(colleague, "福州闽都鞋业有限公司", status="已匹配资源")
    import_file(store, export(colleague, tmp_path / "新.xlsx"))
    before = snapshot(store)
    plan, summary = import_file(store, old)
    assert plan.counts[IDENTICAL] == 3 and not plan.has_changes
    (item,) = [i for i in plan.items if "旧" in i.reason]
    assert "比已导入的版本" in item.reason and "保留较新的版本" in item.reason
    assert any("比已导入的版本旧" in w for w in plan.warnings)
    assert summary.batch_id is None and snapshot(store) == before


def test_an_id_from_a_row_position_is_not_trusted_for_another_enterprise(store, colleague, tmp_path):
    path = export(colleague, tmp_path / "v1.xlsx")
    import_file(store, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[xlsx_needs.SHEET_NAME]
    header = [c.value for c in ws[xlsx_needs.TABLE_HEADER_ROW]]
    r = xlsx_needs.FIRST_DATA_ROW
    ws.cell(row=r, column=header.index("需求主体名称") + 1, value="完全不同的企业有限公司")
    ws.cell(row=r, column=header.index("需求内容") + 1, value="另一条需求。")
    wb.save(path)
    plan = preview(store, read_file(path))
    assert plan.counts == {NEW: 1, IDENTICAL: 2, CHANGED: 0, CONFLICT: 0, INVALID: 0}


def test_file_resaved_without_metadata_matches_by_natural_key(store, colleague, tmp_path):
    path = export(colleague, tmp_path / "v1.xlsx")
    import_file(store, path)
    wb = openpyxl.load_workbook(path)
    del wb["_wanlixing_meta"]
    wb.save(path)
    plan = preview(store, read_file(path))
    assert plan.counts[IDENTICAL] == 3


# ---- undo and history ------------------------------------------------------------------------------


def test_undo_restores_exactly(store, colleague, tmp_path):
    empty = snapshot(store)
    _, first = import_file(store, export(colleague, tmp_path / "v1.xlsx"))
    after_first = snapshot(store)
    edit(store, "福州江南数字科技有限公司", contact="吴总")
    after_edit = snapshot(store)
    edit(colleague, "福州江南数字科技有限公司", contact="吴经理", phone="13905919999")
    edit(colleague, "福州闽都鞋业有限公司", status="已解决")
    colleague.needs.insert({**colleague.local_defaults("needs"), "subject_name": "新企业有限公司",
                            "category": "贯标", "content": "贯标。", "coord_level": "本地解决"})
    _, second = import_file(store, export(colleague, tmp_path / "v2.xlsx"), default=TAKE_THEIRS)
    assert (second.inserted, second.updated) == (1, 2)

    with pytest.raises(MergeError, match="v2.xlsx"):
        undo_batch(store, first.batch_id)  # the later batch changed the same records
    assert [b["can_undo"] for b in history(store)] == [True, False]

    result = undo_batch(store, second.batch_id)
    assert (result.deleted, result.restored) == (1, 2)
    assert snapshot(store) == after_edit
    with pytest.raises(MergeError, match="已经撤销过"):
        undo_batch(store, second.batch_id)
    undo_batch(store, first.batch_id)
    assert snapshot(store) == empty
    assert after_first != empty
    assert [b["undone_at"] is not None for b in history(store)] == [True, True]


def test_history(store, colleague, tmp_path):
    import_file(store, DATA / "handfilled_needs_gulou.xlsx")
    import_file(store, export(colleague, tmp_path / "台江.xlsx"))
    rows = history(store)
    assert [r["file_name"] for r in rows] == ["台江.xlsx", "handfilled_needs_gulou.xlsx"]
    assert rows[0]["unit"] == TAIJIANG["unit"] and rows[0]["counts"]["inserted"] == 3
    assert rows[1]["counts"]["plan"][INVALID] == 1 and rows[1]["form_name"] == "需求清单"


# ---- nothing written when something goes wrong -----------------------------------------------------


def test_database_untouched_when_apply_fails(store, conflict, monkeypatch):
    rid, v2 = conflict
    plan = preview(store, read_file(v2))
    before, before_counts = snapshot(store), counts(store)
    real_finish = merge_apply._Writer.finish

    def failing_finish(self):
        real_finish(self)  # every row and the batch are written …
        raise RuntimeError("disk full")  # … then the commit fails

    monkeypatch.setattr(merge_apply._Writer, "finish", failing_finish)
    with pytest.raises(RuntimeError):
        apply(store, plan, default=TAKE_THEIRS)
    assert snapshot(store) == before and counts(store) == before_counts


def test_database_untouched_when_cancelled(store, colleague, tmp_path):
    class CancelSoon:
        def __init__(self):
            self.calls = 0

        def update(self, done, total, text=""):
            self.calls += 1

        @property
        def cancelled(self):
            return self.calls >= 1

    plan = preview(store, read_file(export(colleague, tmp_path / "v1.xlsx")))
    before = snapshot(store)
    with pytest.raises(Cancelled):
        apply(store, plan, progress=CancelSoon())
    assert snapshot(store) == before and counts(store)[2] == 0


def test_bad_files_leave_the_database_as_it_was(store, tmp_path):
    from tests.exports.test_reader import BAD, _bad_files

    import_file(store, DATA / "handfilled_needs_gulou.xlsx")
    before = counts(store)
    for kind, (path, _) in _bad_files(tmp_path).items():
        assert kind in BAD
        with pytest.raises(ReadError) as err:
            import_file(store, path, form_hint="needs")
        assert path.name in str(err.value)
        assert counts(store) == before


# ---- cases ------------------------------------------------------------------------------------------


def test_hand_filled_cases_twice_add_nothing(store):
    plan, summary = import_file(store, DATA / "handfilled_cases_gulou.xlsx")
    assert summary.inserted == 2
    case = next(r for r in store.cases.rows() if r["name"].startswith("知识产权质押融资"))
    assert case["unit"] == GULOU and case["enterprises"] == 120 and case["complete"] == 1
    assert import_file(store, DATA / "handfilled_cases_gulou.xlsx")[0].counts[IDENTICAL] == 2


def test_cases_from_an_export_keep_their_ids_and_update(store, colleague, tmp_path):
    cid = colleague.cases.insert({**colleague.local_defaults("cases"), "name": "台江区海产品商标品牌培育",
                                  "category": "知识产权服务提升品牌价值", "enterprises": 30,
                                  "background": "海产品企业多。", "practice": "集中辅导。", "results": "注册商标40件。",
                                  "lessons": "早布局。", "opinion": "同意推荐。"})
    path = tmp_path / "案例.xlsx"
    xlsx_cases.export_cases_xlsx(colleague, path)
    import_file(store, path)
    mine = store.cases.get(cid)
    assert visible(CASES, mine) == visible(CASES, colleague.cases.get(cid))
    colleague.cases.update(cid, {"results": "注册商标45件。"})
    xlsx_cases.export_cases_xlsx(colleague, path)
    plan, summary = import_file(store, path)
    assert plan.counts[CHANGED] == 1 and summary.updated == 1
    assert store.cases.get(cid)["results"] == "注册商标45件。"
