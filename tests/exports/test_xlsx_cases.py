"""The case recommendation workbook: one form-like sheet per case."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from exports import xlsx_cases as xk
from exports import xlsx_common as xc
from exports.meta import META_SHEET, read_meta
from exports.xlsx_cases import LAYOUT, VALUE_CELLS, export_cases_xlsx
from forms import CASES
from forms.identity import record_digest
from forms.progress import Cancelled, NullProgress
from tests.tools import require_tool, soffice_convert

LONG_NAME = "“专利导航”助力闽江智能装备产业链升级暨知识产权服务进园区试点工作"  # > 31 characters
CASE = {
    "name": LONG_NAME, "recommender": "福州市鼓楼区市场监督管理局", "city": "福州市", "district": "鼓楼区",
    "category": "知识产权服务赋能创新发展", "implementer": "鼓楼区市场监督管理局、闽江知识产权服务中心",
    "contact": "林晓", "position": "科长", "phone": "0591-87530216", "email": "linxiao@example.com",
    "enterprises": 120, "activities": 8, "participants": 1500,
    "background": "鼓楼区是福州市的中心城区。" * 20 + "\n第二段背景。",
    "practice": "一是建机制。\n二是强服务。\n三是抓落实。",
    "results": "服务企业120家。" * 60,
    "lessons": "=SUM(1,2) 不是公式",
    "opinion": "同意推荐。",
}


@pytest.fixture
def exported(store, tmp_path):
    ids = [store.cases.insert(CASE), store.cases.insert({**CASE, "practice": "", "enterprises": None,
                                                         "activities": 0})]
    path = tmp_path / "cases.xlsx"
    assert export_cases_xlsx(store, path) == 2
    return store, ids, path, openpyxl.load_workbook(path)


def test_one_sheet_per_case_with_valid_names(exported):
    _store, _ids, _path, wb = exported
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert len(visible) == 2 and len(set(visible)) == 2
    assert visible[0].startswith("案例1-“专利导航”") and visible[1].startswith("案例2-")
    for name in visible:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert wb.sheetnames[-1] == META_SHEET


def test_sheet_name_rules():
    assert xc.sheet_name("a/b:c*d?e[f]g\\h", []) == "abcdefgh"
    assert xc.sheet_name("'引号'", []) == "引号"
    taken = ["案例"]
    assert xc.sheet_name("案例", taken) == "案例(2)"
    long = "字" * 40
    first = xc.sheet_name(long, [])
    assert len(first) == 31 and len(xc.sheet_name(long, [first])) == 31
    assert xc.sheet_name(long, [first]) != first


def test_form_values_in_their_cells(exported):
    _store, _ids, _path, wb = exported
    ws = wb.worksheets[0]
    assert ws["A1"].value == "知识产权服务万里行活动优秀案例推荐表"
    labels = {k: ws[xk.LABEL_CELLS[k]].value for k in LAYOUT}
    assert labels["name"] == "案例名称" and labels["region"] == "所属地区"
    assert labels["enterprises"] == "服务企业数（家）" and labels["participants"] == "参与人数（人次）"
    assert [labels[k] for k in ("background", "practice", "results", "lessons", "opinion")] == [
        "背景情况", "主要做法", "取得成效", "经验启示", "推荐单位意见"]
    for key, value in CASE.items():
        if key in ("city", "district"):
            continue
        assert ws[VALUE_CELLS[key]].value == value, key
    assert ws[VALUE_CELLS["region"]].value == "福州市鼓楼区"
    for key in ("enterprises", "activities", "participants"):
        assert isinstance(ws[VALUE_CELLS[key]].value, int)
    lessons = ws[VALUE_CELLS["lessons"]]
    assert lessons.data_type == "s" and lessons.value.startswith("=")
    # The second case: an empty integer stays empty, zero stays zero.
    second = wb.worksheets[1]
    assert second[VALUE_CELLS["enterprises"]].value is None and second[VALUE_CELLS["activities"]].value == 0
    assert second[VALUE_CELLS["practice"]].value is None
    assert ws.cell(xk.STAMP_ROW, 2).value == xk.STAMP_TEXT and "盖章" in xk.STAMP_TEXT


def test_merged_like_the_paper_form(exported):
    _store, _ids, _path, wb = exported
    ws = wb.worksheets[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:F1", "B2:F2", "B3:C3", "E3:F3", "B6:C6", "E6:F6", "B7:C7", "E7:F7", "A9:F9",
            "A10:A12", "B10:F12", "B19:F21", "A22:A23", "B22:F22", "B23:F23"} <= merged
    assert "B8" not in {r.split(":")[0] for r in merged}
    # The form is closed by borders all round, and the integers sit in their own boxes.
    for r in range(2, xk.STAMP_ROW + 1):
        assert ws.cell(r, 1).border.left.style == "thin"
        assert ws.cell(r, 6).border.right.style == "thin"
    for c in range(1, 7):
        assert ws.cell(2, c).border.top.style == "thin"
        assert ws.cell(xk.STAMP_ROW, c).border.bottom.style == "thin"
        sides = ws.cell(8, c).border
        assert {sides.left.style, sides.right.style, sides.top.style, sides.bottom.style} == {"thin"}


def test_row_heights_show_the_whole_text(exported):
    _store, _ids, _path, wb = exported
    ws = wb.worksheets[0]

    def block_height(key: str) -> float:
        r1, r2, *_ = LAYOUT[key]
        return sum(ws.row_dimensions[r].height for r in range(r1, r2 + 1))

    width = sum(xk.COLUMN_WIDTHS[1:])  # B:F
    for key in ("background", "results"):
        text = CASE[key]
        # Generous: 12pt text, two column units per CJK character, B:F is 69 units wide.
        lines = sum(max(1, -(-xc.text_units(p) // 64)) for p in text.split("\n"))
        assert block_height(key) >= lines * 15, key
        assert all(ws.row_dimensions[r].height <= 409 for r in range(LAYOUT[key][0], LAYOUT[key][1] + 1))
    assert block_height("results") > block_height("practice")
    assert width >= 60


def test_page_setup_and_validation(exported):
    _store, _ids, _path, wb = exported
    ws = wb.worksheets[0]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    (dv,) = ws.data_validations.dataValidation
    assert str(dv.sqref) == VALUE_CELLS["category"] and dv.type == "list"


def test_metadata(exported):
    store, ids, _path, wb = exported
    meta = read_meta(wb)
    assert meta.form_id == "cases" and meta.year == 2023 and meta.unit == "福州市鼓楼区市场监督管理局"
    assert [r.id for r in meta.records] == ids
    assert [r.sheet for r in meta.records] == wb.sheetnames[:2]
    for r in meta.records:
        row = store.cases.get(r.id)
        assert r.row is None and r.updated_at == row["updated_at"]
        assert r.digest == record_digest(CASES, row)


def test_selected_cases_and_no_cases(store, tmp_path):
    ids = [store.cases.insert({**CASE, "name": f"案例{i}"}) for i in range(3)]
    path = tmp_path / "one.xlsx"
    assert export_cases_xlsx(store, path, ids=[ids[2]]) == 1
    wb = openpyxl.load_workbook(path)
    assert wb.worksheets[0][VALUE_CELLS["name"]].value == "案例2"
    assert wb.worksheets[0].title == "案例1-案例2"

    empty = tmp_path / "none.xlsx"
    assert export_cases_xlsx(store, empty, ids=[]) == 0
    wb = openpyxl.load_workbook(empty)
    assert wb.worksheets[0].title == xk.TEMPLATE_SHEET_NAME and read_meta(wb).records == []


def test_progress_and_cancel(store, tmp_path):
    store.cases.insert(CASE)
    store.cases.insert(CASE)
    progress = NullProgress()
    export_cases_xlsx(store, tmp_path / "p.xlsx", progress=progress)
    assert progress.reports[-1] == (2, 2, "完成")
    progress = NullProgress()
    progress.cancelled = True
    with pytest.raises(Cancelled):
        export_cases_xlsx(store, tmp_path / "c.xlsx", progress=progress)
    assert not (tmp_path / "c.xlsx").exists()


def test_libreoffice_reads_the_form(exported, tmp_path):
    require_tool("soffice")
    _store, _ids, path, _wb = exported
    out = soffice_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "csv")
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "知识产权服务万里行活动优秀案例推荐表"
    assert rows[1][:2] == ["案例名称", LONG_NAME]
    assert rows[2][:5] == ["推荐单位", "福州市鼓楼区市场监督管理局", "", "所属地区", "福州市鼓楼区"]
    assert rows[7][:6] == ["服务企业数（家）", "120", "开展活动（场）", "8", "参与人数（人次）", "1500"]
    r = LAYOUT["background"][0] - 1
    assert rows[r][:2] == ["背景情况", CASE["background"]]
    r = LAYOUT["lessons"][0] - 1
    assert rows[r][1] == "=SUM(1,2) 不是公式"


def test_draft_cells_are_marked_as_in_the_needs_list(store, tmp_path):
    """A draft exported anyway: each cell the app would not accept is boxed in red with a comment."""
    store.cases.insert(CASE)
    draft = {**CASE, "name": "草稿案例", "phone": "12345", "email": "不是邮箱", "district": "思明区",
             "results": "服务企业120家。" * 250, "category": ""}
    store.cases.insert(draft)
    path = tmp_path / "cases.xlsx"
    export_cases_xlsx(store, path)
    wb = openpyxl.load_workbook(path)
    good, bad = wb.worksheets[0], wb.worksheets[1]
    assert bad["A2"].value == "案例名称" and bad[VALUE_CELLS["name"]].value == "草稿案例"
    marked = {key: bad[ref] for key, ref in VALUE_CELLS.items() if bad[ref].comment is not None}
    assert set(marked) == {"phone", "email", "region", "category", "background"}
    assert marked["phone"].value == "12345"  # written unchanged
    assert "电话" in marked["phone"].comment.text and marked["phone"].comment.text.startswith("请修改：")
    assert "不属于“福州市”" in marked["region"].comment.text  # 思明区 is in 厦门市
    assert "必填" in marked["category"].comment.text and marked["category"].value is None
    assert "合计最多 2000 字" in marked["background"].comment.text  # the group's first section
    for cell in marked.values():
        assert cell.font.color.rgb.endswith(xc.ERROR_COLOR) and cell.border.left.color.rgb.endswith(xc.ERROR_COLOR)
    assert marked["background"].alignment.vertical == "top"
    # The whole merged block is boxed, not only its first cell.
    r1, r2, _lc, v1, v2 = LAYOUT["background"]
    assert bad.cell(r2, v2).border.right.color.rgb.endswith(xc.ERROR_COLOR)
    assert not [ref for ref in VALUE_CELLS.values() if good[ref].comment is not None]
    assert good[VALUE_CELLS["phone"]].font.color is None or not good[VALUE_CELLS["phone"]].font.color.rgb.endswith(
        xc.ERROR_COLOR)
