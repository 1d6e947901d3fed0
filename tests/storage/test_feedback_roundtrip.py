"""The 6/1–6/15 step through files only: needs go up, feedback comes down, field groups merge.

Issue 8's round trip: two districts (one exported by the app, one hand-filled template) reach
a city; the city types feedback and a province-edited Excel arrives; feedback files go down
and each district gets its own feedback and nothing else; a district's later correction keeps
the city's feedback with zero conflicts; both sides changing 对接反馈 is one conflict.
Databases only ever exchange files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from exports.feedback import export_feedback, reporting_units
from exports.importing import import_entries, preview_files, read_each
from exports.xlsx_needs import block_span, columns, export_needs_xlsx, header_cells
from exports.xlsx_templates import write_template
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL
from storage.merge import CHANGED, CONFLICT, IDENTICAL
from storage.store import Store
from tests.tools import require_tool, soffice_convert

GULOU = {"unit": "福州市鼓楼区市场监督管理局", "city": "福州市", "district": "鼓楼区", "reporter": "林晓",
         "phone": "0591-87530216", "year": 2023, "report_date": "2023-05-18"}
CANGSHAN_UNIT = "福州市仓山区市场监督管理局"
FUZHOU = {"unit": "福州市市场监督管理局", "city": "福州市", "district": "", "reporter": "王强",
          "phone": "0591-87000000", "year": 2023, "report_date": "2023-05-20"}
GULOU_NEEDS = [
    {"subject_name": "福州鼓楼云芯科技有限公司", "subject_type": "企业", "industry": "电子信息",
     "category": "专利布局与高价值专利培育", "content": "芯片设计企业希望开展高价值专利培育。",
     "coord_level": FLAG_NATIONAL, "contact": "陈经理", "phone": "13905910101"},
    {"subject_name": "福州三坊文创有限公司", "subject_type": "企业", "industry": "文旅经济",
     "category": "商标品牌建设", "content": "老字号商标需要品牌建设指导。",
     "coord_level": FLAG_PROVINCIAL, "contact": "林女士", "phone": "13905910102"},
    {"subject_name": "福州西湖食品有限公司", "subject_type": "企业", "industry": "其他",
     "category": "知识产权人才培训", "content": "企业知识产权管理人员培训。",
     "coord_level": "本地解决", "contact": "黄先生", "phone": "13905910103"},
]
CANGSHAN_NEEDS = [
    ("福州海峡生物科技有限公司", "专利导航与分析评议", "海洋生物医药产业专利导航。", "需省局协调", "0591-88881234"),
    ("福州江滨电子有限公司", "知识产权人才培训", "专利信息检索数据库使用培训。", "本地解决", "13905910003"),
]


def open_store(path: Path, profile: dict) -> Store:
    store = Store.open(path)
    store.set_profile(profile)
    return store


def import_files(store: Store, *paths: Path, include_other_units: bool = False):
    """Import through the one pipeline; returns the plans of the files."""
    plans = []
    import_entries(store, read_each(store, list(paths)), total=len(paths),
                   on_file=lambda path, plan, summary, error: plans.append(plan),
                   include_other_units=include_other_units)
    assert all(p is not None for p in plans)
    return plans


def by_subject(store: Store) -> dict[str, dict]:
    return {r["subject_name"]: r for r in store.needs.rows()}


def hand_filled_template(path: Path) -> None:
    """The official template as a colleague fills it in Excel: header block and two rows."""
    write_template("needs", path, year=2023)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    value_col = {ws.cell(r, l1).value: v1 for r, l1, _l2, v1, _v2 in header_cells(columns()) if r == 2}
    ws.cell(row=2, column=value_col["填报单位："], value=CANGSHAN_UNIT)
    ws.cell(row=2, column=value_col["所属地区："], value="福州市仓山区")
    labels = {ws.cell(row=5, column=c).value: c for c in range(1, ws.max_column + 1)}
    for n, (name, category, content, level, phone) in enumerate(CANGSHAN_NEEDS):
        r = 6 + n
        ws.cell(row=r, column=labels["序号"], value=n + 1)
        ws.cell(row=r, column=labels["需求主体名称"], value=name)
        ws.cell(row=r, column=labels["需求类别"], value=category)
        ws.cell(row=r, column=labels["需求内容"], value=content)
        ws.cell(row=r, column=labels["协调层级（重点标注）"], value=level)
        ws.cell(row=r, column=labels["联系电话"], value=phone)
    wb.save(path)


def fill_in_excel(path: Path, out: Path, subject: str, values: dict[str, str]) -> None:
    """What a province officer does: open the consolidated Excel, type into one row, save."""
    wb = openpyxl.load_workbook(path)
    ws = wb["需求清单"]
    labels = {ws.cell(row=5, column=c).value: c for c in range(1, ws.max_column + 1)}
    rows = [r for r in range(6, ws.max_row + 1) if ws.cell(row=r, column=labels["需求主体名称"]).value == subject]
    assert len(rows) == 1
    for label, value in values.items():
        ws.cell(row=rows[0], column=labels[label], value=value)
    wb.save(out)


@pytest.fixture
def world(tmp_path):
    gulou = open_store(tmp_path / "gulou.db", GULOU)
    city = open_store(tmp_path / "fuzhou.db", FUZHOU)
    for values in GULOU_NEEDS:
        gulou.needs.insert({**values, "unit": GULOU["unit"], "city": "福州市", "district": "鼓楼区"})
    yield tmp_path, gulou, city
    gulou.close()
    city.close()


def test_feedback_round_trip_through_files(world):
    tmp, gulou, city = world
    yun, wenchuang, xihu = (n["subject_name"] for n in GULOU_NEEDS)
    haixia = CANGSHAN_NEEDS[0][0]

    # 1. Two districts reach the city: an app export and a hand-filled template.
    up = tmp / "up"
    up.mkdir()
    export_needs_xlsx(gulou, up / "鼓楼区需求清单.xlsx")
    hand_filled_template(up / "仓山区需求清单.xlsx")
    plans = import_files(city, up / "鼓楼区需求清单.xlsx", up / "仓山区需求清单.xlsx")
    assert [p.counts["new"] for p in plans] == [3, 2]
    rows = by_subject(city)
    assert rows[haixia]["unit"] == CANGSHAN_UNIT and rows[haixia]["district"] == "仓山区"

    # 2. The city types feedback; the province fills feedback into the consolidated Excel.
    city.needs.update(rows[yun]["id"], {"status": "已匹配资源", "matched_resource": "省知识产权保护中心",
                                        "feedback": "已对接省保护中心开展专利布局辅导。", "feedback_unit": "市局",
                                        "feedback_date": "2023-06-05"})
    export_needs_xlsx(city, tmp / "福州市汇总.xlsx", consolidated=True)
    fill_in_excel(tmp / "福州市汇总.xlsx", tmp / "省局反馈.xlsx", haixia,
                  {"办理状态": "已匹配资源", "对接反馈": "省局已安排专利导航服务机构对接。", "反馈单位": "省局",
                   "反馈日期": "2023-06-08"})
    (plan,) = import_files(city, tmp / "省局反馈.xlsx")
    assert plan.counts[CONFLICT] == 0 and plan.counts[CHANGED] == 1
    rows = by_subject(city)
    assert rows[haixia]["feedback"] == "省局已安排专利导航服务机构对接。"
    assert rows[haixia]["feedback_unit"] == "省局" and rows[haixia]["feedback_date"] == "2023-06-08"
    assert rows[yun]["feedback"] == "已对接省保护中心开展专利布局辅导。"  # the city's own, untouched

    # 3. Feedback goes down: one file per unit, each with its own needs only.
    down = tmp / "down"
    written = export_feedback(city, down, today=dt.date(2023, 6, 12))
    names = sorted(p.name for _, p in written)
    assert names == ["2023年万里行需求反馈_福州市仓山区_20230612.xlsx",
                     "2023年万里行需求反馈_福州市鼓楼区_20230612.xlsx"]
    gulou_file = down / "2023年万里行需求反馈_福州市鼓楼区_20230612.xlsx"
    ws = openpyxl.load_workbook(gulou_file)["需求清单"]
    subjects = {ws.cell(row=r, column=2).value for r in range(6, ws.max_row + 1)} - {None}
    assert subjects == {yun, wenchuang, xihu}
    (plan,) = import_files(gulou, gulou_file)
    assert plan.counts["new"] == 0 and plan.counts[CONFLICT] == 0 and plan.counts[CHANGED] == 1
    rows = by_subject(gulou)
    assert len(rows) == 3
    assert rows[yun]["status"] == "已匹配资源" and rows[yun]["matched_resource"] == "省知识产权保护中心"
    assert rows[yun]["feedback"] == "已对接省保护中心开展专利布局辅导。"
    # The province's consolidated file at the district: its own feedback only, nobody else's needs.
    (plan,) = import_files(gulou, tmp / "省局反馈.xlsx")
    assert plan.other_units == 2 and "其他单位的需求 2 条，不导入" in "".join(plan.warnings)
    assert plan.counts["new"] == 0 and plan.counts[CONFLICT] == 0
    assert len(gulou.needs.rows()) == 3

    # 4. The district corrects a phone and sends its list again: the city keeps its feedback.
    rows = by_subject(gulou)
    gulou.needs.update(rows[yun]["id"], {"phone": "13905910199"})
    export_needs_xlsx(gulou, tmp / "鼓楼区更正.xlsx")
    city.needs.update(by_subject(city)[yun]["id"], {"feedback": "已对接省保护中心，6月20日上门辅导。"})
    (plan,) = import_files(city, tmp / "鼓楼区更正.xlsx")
    assert plan.counts[CONFLICT] == 0 and plan.counts[CHANGED] == 1
    rows = by_subject(city)
    assert rows[yun]["phone"] == "13905910199"
    assert rows[yun]["feedback"] == "已对接省保护中心，6月20日上门辅导。"
    assert rows[haixia]["feedback"] == "省局已安排专利导航服务机构对接。"

    # 5. Both sides change 对接反馈 of one need since the last exchange: one conflict, shown as one.
    gulou.needs.update(by_subject(gulou)[yun]["id"], {"feedback": "企业反映辅导时间需改到7月。"})
    written = export_feedback(city, tmp / "down2", ["鼓楼区"], today=dt.date(2023, 6, 20))
    assert len(written) == 1
    previews = preview_files(gulou, [written[0][1]])
    plan = previews[0].plan
    conflicts = plan.items_with(CONFLICT)
    assert len(conflicts) == 1 and conflicts[0].name == yun
    assert [d.key for d in conflicts[0].diffs] == ["feedback"]
    assert {i.status for i in plan.items if i is not conflicts[0]} == {IDENTICAL}
    (plan,) = import_files(gulou, written[0][1])  # keep mine by default
    assert by_subject(gulou)[yun]["feedback"] == "企业反映辅导时间需改到7月。"
    assert by_subject(gulou)[yun]["phone"] == "13905910199"


def test_consolidating_choice_takes_other_units(world):
    tmp, gulou, city = world
    hand_filled_template(tmp / "仓山区.xlsx")
    (plan,) = import_files(gulou, tmp / "仓山区.xlsx")
    assert plan.other_units == 2 and len(gulou.needs.rows()) == 3
    (plan,) = import_files(gulou, tmp / "仓山区.xlsx", include_other_units=True)
    assert plan.other_units == 0 and plan.counts["new"] == 2 and len(gulou.needs.rows()) == 5
    # A city consolidates without being asked.
    (plan,) = import_files(city, tmp / "仓山区.xlsx")
    assert plan.counts["new"] == 2


def test_feedback_file_choice_of_units(world):
    tmp, gulou, city = world
    export_needs_xlsx(gulou, tmp / "gulou.xlsx")
    hand_filled_template(tmp / "cangshan.xlsx")
    import_files(city, tmp / "gulou.xlsx", tmp / "cangshan.xlsx")
    units = reporting_units(city)
    assert [(u.district, u.needs) for u in units] == [("鼓楼区", 3), ("仓山区", 2)]
    written = export_feedback(city, tmp / "out", [CANGSHAN_UNIT], today=dt.date(2023, 6, 12))
    assert [p.name for _, p in written] == ["2023年万里行需求反馈_福州市仓山区_20230612.xlsx"]
    with pytest.raises(Exception, match="没有找到这些单位的需求：晋安区"):
        export_feedback(city, tmp / "out", ["晋安区"])


def test_feedback_file_resaved_by_libreoffice_still_applies(world):
    """A district opens the feedback file in LibreOffice/WPS, saves it, and imports that copy."""
    require_tool("soffice")
    tmp, gulou, city = world
    export_needs_xlsx(gulou, tmp / "gulou.xlsx")
    import_files(city, tmp / "gulou.xlsx")
    yun = GULOU_NEEDS[0]["subject_name"]
    city.needs.update(by_subject(city)[yun]["id"], {"status": "已解决", "feedback": "已完成专利布局辅导。",
                                                    "feedback_unit": "国家知识产权局",
                                                    "feedback_date": "2023-06-14"})
    ((_, written),) = export_feedback(city, tmp / "down", today=dt.date(2023, 6, 15))
    resaved = soffice_convert(written, "xlsx", tmp / "lo")
    (plan,) = import_files(gulou, resaved)
    assert plan.counts[CONFLICT] == 0 and plan.counts["new"] == 0 and plan.counts[CHANGED] == 1
    row = by_subject(gulou)[yun]
    assert (row["status"], row["feedback"], row["feedback_unit"], row["feedback_date"]) == (
        "已解决", "已完成专利布局辅导。", "国家知识产权局", "2023-06-14")
    assert len(gulou.needs.rows()) == 3


def test_hand_filled_correction_keeps_the_citys_feedback(world):
    """The hand-filled district sends its template again with a phone fixed and the feedback
    columns empty (it never had them): the city's feedback stays, the phone is taken, and
    nothing is asked. A template without the feedback columns at all changes nothing either."""
    tmp, _gulou, city = world
    hand_filled_template(tmp / "v1.xlsx")
    import_files(city, tmp / "v1.xlsx")
    haixia = CANGSHAN_NEEDS[0][0]
    city.needs.update(by_subject(city)[haixia]["id"], {"status": "已匹配资源", "feedback": "市局已对接。"})
    wb = openpyxl.load_workbook(tmp / "v1.xlsx")
    ws = wb.active
    labels = {ws.cell(row=5, column=c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(row=6, column=labels["联系电话"], value="0591-88880000")
    wb.save(tmp / "v2.xlsx")
    (plan,) = import_files(city, tmp / "v2.xlsx")
    assert plan.counts[CONFLICT] == 0
    row = by_subject(city)[haixia]
    assert (row["phone"], row["status"], row["feedback"]) == ("0591-88880000", "已匹配资源", "市局已对接。")
    # The same correction with the matching columns deleted from the sheet.
    for label in ("反馈日期", "反馈单位", "对接反馈", "匹配资源/对接单位", "办理状态"):
        ws.delete_cols(labels[label])
    ws.cell(row=6, column=labels["联系电话"], value="0591-88881111")
    wb.save(tmp / "v3.xlsx")
    (plan,) = import_files(city, tmp / "v3.xlsx")
    assert plan.counts[CONFLICT] == 0
    row = by_subject(city)[haixia]
    assert (row["phone"], row["status"], row["feedback"]) == ("0591-88881111", "已匹配资源", "市局已对接。")


def test_sending_a_file_is_not_an_edit(world):
    """Exporting records the groups as exchanged without touching updated_at (undo and the
    edit history compare it), and an unchanged second export writes nothing."""
    tmp, gulou, _city = world
    before = {r["id"]: r["updated_at"] for r in gulou.needs.rows()}
    export_needs_xlsx(gulou, tmp / "a.xlsx")
    rows = gulou.needs.rows()
    assert {r["id"]: r["updated_at"] for r in rows} == before
    assert all(r["owner_bases"] and '"reporter"' in r["owner_bases"] for r in rows)
    from storage.bases import mark_sent
    assert mark_sent(gulou.needs, gulou.needs.rows()) == 0


def test_progress_report_prints_the_feedback(world):
    """The district's list after feedback arrived, for the 10/30 written summary: the PDF prints
    the matching columns and the outcome counts; a list without feedback leaves them out."""
    pdftotext = require_tool("pdftotext")
    from exports.pdf_needs import export_needs_pdf
    from tests.tools import run_tool, squeeze

    tmp, gulou, city = world
    export_needs_pdf(gulou, tmp / "before.pdf")
    before = squeeze(run_tool(pdftotext, tmp / "before.pdf", "-"))
    assert "办理状态" in before and "对接反馈" not in before and "已匹配资源" not in before
    export_needs_xlsx(gulou, tmp / "up.xlsx")
    import_files(city, tmp / "up.xlsx")
    yun = GULOU_NEEDS[0]["subject_name"]
    city.needs.update(by_subject(city)[yun]["id"], {"status": "已解决", "feedback": "已完成专利布局辅导。",
                                                    "feedback_unit": "省局", "feedback_date": "2023-06-14"})
    ((_, down),) = export_feedback(city, tmp / "down")
    import_files(gulou, down)
    export_needs_pdf(gulou, tmp / "after.pdf")
    after = squeeze(run_tool(pdftotext, tmp / "after.pdf", "-"))
    for text in ("对接反馈", "反馈单位", "反馈日期", "已完成专利布局辅导。", "2023-06-14",
                 squeeze("已匹配资源 0 项，已解决 1 项")):
        assert text in after
    ws = openpyxl.load_workbook(down)["需求清单"]
    assert ws.cell(4, block_span(columns())[0]).value.endswith("；已匹配资源 0 项，已解决 1 项")


def test_an_edit_made_after_the_preview_is_never_overwritten(world):
    """Preview a feedback file whose content change would be taken, edit the same need in the
    window, then import the previewed plan: the edit stays (the row turns into a kept conflict)."""
    from exports.reading import read_file
    from storage.merge import apply, preview

    tmp, gulou, city = world
    export_needs_xlsx(gulou, tmp / "up.xlsx")
    import_files(city, tmp / "up.xlsx")
    yun = GULOU_NEEDS[0]["subject_name"]
    gulou.needs.update(by_subject(gulou)[yun]["id"], {"phone": "13905910555"})
    export_needs_xlsx(gulou, tmp / "fix.xlsx")
    plan = preview(city, read_file(tmp / "fix.xlsx"))
    assert plan.counts[CHANGED] == 1
    city.needs.update(by_subject(city)[yun]["id"], {"phone": "13905910777", "feedback": "市局已联系。"})
    summary = apply(city, plan)
    assert summary.kept == 1
    row = by_subject(city)[yun]
    assert (row["phone"], row["feedback"]) == ("13905910777", "市局已联系。")


def test_province_reply_on_an_older_list_meets_the_citys_reply_to_a_district(world):
    """Three correspondents. The city sends its consolidated list up, then answers one need
    itself and sends that answer down to 鼓楼区 only. The province, working on the list it
    got before, writes its own answer on the same need. The province never saw the city's
    answer, so both changed 对接反馈 since *their* last exchange: one conflict, not a silent
    replacement. 鼓楼区's later list (carrying the city's answer back) asks nothing, and a
    consolidated list sent to everyone afterwards makes the province's next edit a plain take."""
    tmp, gulou, city = world
    yun = GULOU_NEEDS[0]["subject_name"]
    export_needs_xlsx(gulou, tmp / "up.xlsx")
    import_files(city, tmp / "up.xlsx")
    export_needs_xlsx(city, tmp / "福州市汇总.xlsx", consolidated=True)  # to the province, before any answer

    city.needs.update(by_subject(city)[yun]["id"], {"status": "已匹配资源", "feedback": "市局已安排上门辅导。",
                                                    "feedback_unit": "市局"})
    ((_, down),) = export_feedback(city, tmp / "down", ["鼓楼区"], today=dt.date(2023, 6, 9))
    fill_in_excel(tmp / "福州市汇总.xlsx", tmp / "省局反馈.xlsx", yun,
                  {"办理状态": "已匹配资源", "对接反馈": "省局已安排专利导航机构对接。", "反馈单位": "省局"})

    previews = preview_files(city, [tmp / "省局反馈.xlsx"])
    conflicts = previews[0].plan.items_with(CONFLICT)
    assert [c.name for c in conflicts] == [yun]
    assert {d.key for d in conflicts[0].diffs} == {"feedback", "feedback_unit"}
    (plan,) = import_files(city, tmp / "省局反馈.xlsx")  # keep mine by default
    assert by_subject(city)[yun]["feedback"] == "市局已安排上门辅导。"
    (plan,) = import_files(city, tmp / "省局反馈.xlsx")  # asked once, never again
    assert plan.counts[CONFLICT] == 0

    # 鼓楼区 takes the answer, fixes a phone, sends its list back: the answer it carries is
    # the one it was sent, so only the phone moves.
    import_files(gulou, down)
    gulou.needs.update(by_subject(gulou)[yun]["id"], {"phone": "13905910188"})
    export_needs_xlsx(gulou, tmp / "fix.xlsx")
    (plan,) = import_files(city, tmp / "fix.xlsx")
    assert plan.counts[CONFLICT] == 0 and plan.counts[CHANGED] == 1
    row = by_subject(city)[yun]
    assert (row["phone"], row["feedback"]) == ("13905910188", "市局已安排上门辅导。")

    # A list for anyone carries the city's answer to the province too: editing it is a take.
    export_needs_xlsx(city, tmp / "福州市汇总2.xlsx", consolidated=True)
    fill_in_excel(tmp / "福州市汇总2.xlsx", tmp / "省局反馈2.xlsx", yun,
                  {"办理状态": "已解决", "对接反馈": "省局与市局联合辅导完成。", "反馈单位": "省局"})
    (plan,) = import_files(city, tmp / "省局反馈2.xlsx")
    assert plan.counts[CONFLICT] == 0 and plan.counts[CHANGED] == 1
    row = by_subject(city)[yun]
    assert (row["status"], row["feedback"], row["feedback_unit"]) == ("已解决", "省局与市局联合辅导完成。", "省局")


def test_bases_of_a_send_to_one_unit():
    """storage.bases on its own: a send to one unit starts that unit's base from the shared
    one and moves only it; a send to anyone moves every base."""
    from storage import bases as b

    data: dict = {}
    b.exchanged(data, "matcher", "F0")
    b.sent_to(data, "matcher", "F2", b.peer_key("鼓楼区局"))
    assert b.base_of(data, "matcher") == "F0"
    assert b.base_of(data, "matcher", b.peer_key("鼓楼区局")) == "F2"
    assert b.seen_before(data, "matcher", "F0", b.peer_key("鼓楼区局"))  # an older copy is still known
    assert b.base_of(data, "matcher", b.peer_key("省局")) == "F0"  # no base of its own: the shared one
    b.exchanged(data, "matcher", "F3", peer=b.peer_key("省局"))
    assert (b.base_of(data, "matcher"), b.base_of(data, "matcher", b.peer_key("鼓楼区局"))) == ("F3", "F2")
    b.sent_to(data, "matcher", "F4", None)
    assert b.base_of(data, "matcher") == "F4" == b.base_of(data, "matcher", b.peer_key("鼓楼区局"))
    assert b.load(b.dump(data)) == data


def test_feedback_the_province_addressed_to_a_district_is_from_the_province(world):
    """The province answers 鼓楼区 directly (a feedback file whose header names 鼓楼区) and the
    file reaches the city too. It comes from the province, which never saw the city's answer to
    鼓楼区: compared with what the city shares with everyone, so one conflict — not with what
    the city sent 鼓楼区, which would make the province's answer a silent replacement."""
    from exports.reading import read_file

    tmp, gulou, city = world
    yun = GULOU_NEEDS[0]["subject_name"]
    export_needs_xlsx(gulou, tmp / "up.xlsx")
    import_files(city, tmp / "up.xlsx")
    export_needs_xlsx(city, tmp / "福州市汇总.xlsx", consolidated=True)
    province = open_store(tmp / "province.db", {"unit": "福建省知识产权局", "city": "", "district": "",
                                                "year": 2023})
    import_files(province, tmp / "福州市汇总.xlsx")
    province.needs.update(by_subject(province)[yun]["id"], {"status": "已匹配资源", "feedback_unit": "省局",
                                                            "feedback": "省局已安排专利导航机构对接。"})
    ((_, from_province),) = export_feedback(province, tmp / "省局下发", ["鼓楼区"], today=dt.date(2023, 6, 10))
    meta = read_file(from_province).meta
    assert (meta.unit, meta.sender) == (GULOU["unit"], "福建省知识产权局")

    city.needs.update(by_subject(city)[yun]["id"], {"status": "已匹配资源", "feedback": "市局已安排上门辅导。"})
    export_feedback(city, tmp / "市局下发", ["鼓楼区"], today=dt.date(2023, 6, 9))
    (plan,) = import_files(city, from_province)
    assert [i.values["subject_name"] for i in plan.items_with(CONFLICT)] == [yun]
    assert by_subject(city)[yun]["feedback"] == "市局已安排上门辅导。"
    # At 鼓楼区 the same file simply brings the province's answer.
    (plan,) = import_files(gulou, from_province)
    assert plan.counts[CONFLICT] == 0 and by_subject(gulou)[yun]["feedback"] == "省局已安排专利导航机构对接。"
    province.close()
