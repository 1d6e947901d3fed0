"""The needs list workbook, checked as a document: reopened with openpyxl and with LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from exports import xlsx_common as xc
from exports import xlsx_needs as xn
from exports.meta import META_SHEET, read_meta
from exports.xlsx_needs import FIRST_DATA_ROW, SHEET_NAME, TABLE_HEADER_ROW, export_needs_xlsx
from forms import APP_VERSION, NEEDS
from forms.identity import record_digest
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL, summary_line
from forms.progress import Cancelled, NullProgress
from storage.db import schema_names
from storage.sample import fill
from tests.tools import require_tool, soffice_convert

CONTENT = "希望开展产业专利导航。\n第二段：需要省外专家。\n第三段：请尽快对接。"
BASE = {"subject_type": "企业", "industry": "先进制造", "category": "专利导航与分析评议", "status": "待对接"}
ROWS = [
    {**BASE, "subject_name": "福建闽江智能装备有限公司", "credit_code": "914403001922038216",
     "content": CONTENT, "coord_level": FLAG_NATIONAL,
     "contact": "王经理", "phone": "13812345678"},
    {**BASE, "subject_name": "厦门鹭岛生物科技有限公司", "content": "申请质押融资。",
     "coord_level": FLAG_PROVINCIAL, "industry": "生物医药"},
    {**BASE, "subject_name": "=HYPERLINK(\"http://example.com\",\"点我\")", "content": "+1 号需求\x07响铃",
     "coord_level": "本地解决", "contact": "@王", "phone": "-13812345678", "remark": "-备注"},
]
HEADERS = ["序号", *[f.label for f in NEEDS.table_fields]]


def date_value_cell() -> tuple[int, int]:
    """(row, column) of the 填报日期 value in the header block (its place follows the columns)."""
    return next((r, v1) for (r, _l1, _l2, v1, _v2), (_label, key) in
                zip(xn.header_cells(xn.columns()), [p for row in xn.HEADER_BLOCK for p in row], strict=True)
                if key == "report_date")


def col(key: str, consolidated: bool = False) -> int:
    return [c.key for c in xn.columns(consolidated)].index(key) + 1


@pytest.fixture
def filled(store):
    ids = store.needs.insert_many(ROWS)
    gone = store.needs.insert({**BASE, "subject_name": "已删除的企业", "content": "x", "coord_level": "本地解决"})
    store.needs.set_deleted([gone], True)
    return store, ids


@pytest.fixture
def exported(filled, tmp_path):
    store, ids = filled
    path = tmp_path / "needs.xlsx"
    assert export_needs_xlsx(store, path) == 3
    return store, ids, path, openpyxl.load_workbook(path)


def test_title_header_block_and_summary(exported):
    _store, _ids, _path, wb = exported
    ws = wb[SHEET_NAME]
    assert wb.sheetnames[0] == SHEET_NAME
    assert ws["A1"].value == "2023年知识产权服务万里行活动需求清单"
    # Two pages wide (test_xlsx_pagefit): the title spans the first page's columns, A–H, and the
    # note the part of them not repeated on the second page, C–H.
    assert {"A1:H1", f"C{xn.NOTE_ROW}:H{xn.NOTE_ROW}"} <= {str(r) for r in ws.merged_cells.ranges}
    cells = xn.header_cells(xn.columns())
    found = {ws.cell(r, l1).value: ws.cell(r, v1).value for r, l1, _l2, v1, _v2 in cells}
    assert found == {"填报单位：": "福州市鼓楼区市场监督管理局", "所属地区：": "福州市鼓楼区", "活动年度：": 2023,
                     "填报人：": "林晓", "联系电话：": "0591-87530216", "填报日期：": dt.datetime(2023, 5, 18)}
    date_cell = next(ws.cell(r, v1) for r, l1, _l2, v1, _v2 in cells if ws.cell(r, l1).value == "填报日期：")
    assert date_cell.is_date and date_cell.number_format == xc.DATE_FORMAT
    assert ws.cell(xn.NOTE_ROW, 3).value == summary_line(3, 1, 1)


def test_report_date_falls_back_to_today(store, tmp_path):
    store.set_profile({**store.profile(), "report_date": ""})
    store.needs.insert(ROWS[1])
    export_needs_xlsx(store, tmp_path / "n.xlsx", today=dt.date(2023, 5, 20))
    ws = openpyxl.load_workbook(tmp_path / "n.xlsx")[SHEET_NAME]
    assert ws.cell(*date_value_cell()).value == dt.datetime(2023, 5, 20)


def test_table_header_and_values(exported):
    store, ids, _path, wb = exported
    ws = wb[SHEET_NAME]
    assert [c.value for c in ws[TABLE_HEADER_ROW]] == HEADERS
    first = [c.value for c in ws[FIRST_DATA_ROW]]
    assert first[0] == 1 and isinstance(first[0], int)
    assert first[1:] == [
        "福建闽江智能装备有限公司", "914403001922038216", "企业", "先进制造", "专利导航与分析评议",
        CONTENT, xc.FLAG_MARK + FLAG_NATIONAL, "王经理", "13812345678",
        None, "待对接", None, None, None, None]
    assert ws.cell(FIRST_DATA_ROW + 2, col("content")).value == "+1 号需求响铃"  # BEL removed
    assert ws.max_row == FIRST_DATA_ROW + 2  # the deleted need is not exported
    # Every table cell is bordered and wrapped.
    for cell in ws[FIRST_DATA_ROW]:
        assert cell.border.left.style == "thin" and cell.alignment.wrap_text
    # Taller rows for longer text; every row has an explicit height.
    heights = [ws.row_dimensions[r].height for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 3)]
    assert all(heights) and heights[0] > heights[1]


def test_sequence_is_renumbered_in_the_given_order(filled, tmp_path):
    store, ids = filled
    path = tmp_path / "subset.xlsx"
    assert export_needs_xlsx(store, path, ids=[ids[2], ids[0]]) == 2
    ws = openpyxl.load_workbook(path)[SHEET_NAME]
    assert [ws.cell(r, 1).value for r in (FIRST_DATA_ROW, FIRST_DATA_ROW + 1)] == [1, 2]
    assert ws.cell(FIRST_DATA_ROW + 1, 2).value == "福建闽江智能装备有限公司"
    assert ws.cell(xn.NOTE_ROW, 3).value == summary_line(2, 1, 0)


def test_flagged_rows_are_marked(exported):
    _store, _ids, _path, wb = exported
    ws = wb[SHEET_NAME]
    level = col("coord_level")

    def fill_of(row: int, column: int) -> str:
        return ws.cell(row, column).fill.fgColor.rgb[-6:]

    national, provincial, local = FIRST_DATA_ROW, FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 2
    assert all(fill_of(national, c) == xc.NATIONAL_FILL for c in range(1, ws.max_column + 1))
    assert all(fill_of(provincial, c) == xc.PROVINCIAL_FILL for c in range(1, ws.max_column + 1))
    assert ws.cell(local, 1).fill.fill_type is None
    assert ws.cell(national, level).value == "★ 需国家知识产权局协调"
    assert ws.cell(provincial, level).value == "★ 需省知识产权局协调"
    assert ws.cell(local, level).value == "本地解决"
    assert ws.cell(national, level).font.b and ws.cell(national, level).font.color.rgb[-6:] == "C00000"
    assert xc.strip_flag_mark(ws.cell(national, level).value) == FLAG_NATIONAL
    # Rows a colleague flags later by hand are coloured by conditional formatting.
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 2 and all("SEARCH" in rule.formula[0] for rule in rules)


def test_page_setup_and_frozen_header(exported):
    _store, _ids, _path, wb = exported
    ws = wb[SHEET_NAME]
    assert ws.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    # Two pages wide at a fixed scale, not shrunk onto one (tests/exports/test_xlsx_pagefit.py).
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.scale) == 90
    assert ws.print_title_rows.replace("$", "") == f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    for i, c in enumerate(xn.columns(), start=1):
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width >= c.width - 0.1


def _list_values(wb: Workbook, formula: str) -> list[str]:
    name = formula.lstrip("=")
    dest = wb.defined_names[name]
    (sheet, ref), = list(dest.destinations)
    return [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]


def test_drop_down_lists(filled, tmp_path):
    store, _ids = filled
    store.add_choice("need_categories", "自定义类别")
    path = tmp_path / "dv.xlsx"
    export_needs_xlsx(store, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_NAME]
    assert wb[xc.LISTS_SHEET].sheet_state == "hidden"
    by_col = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_col[rng.min_col] = (dv, rng)
    choice_fields = [f for f in NEEDS.table_fields if f.is_choice]
    assert sorted(by_col) == sorted(col(f.key) for f in choice_fields)
    for f in choice_fields:
        dv, rng = by_col[col(f.key)]
        assert dv.type == "list" and dv.allow_blank
        assert rng.min_row == FIRST_DATA_ROW and rng.max_row >= FIRST_DATA_ROW + 2
        assert _list_values(wb, dv.formula1) == store.choices.values(f.choices)
        assert dv.showErrorMessage == (f.kind.value == "choice")
    assert "自定义类别" in _list_values(wb, by_col[col("category")][0].formula1)


def test_metadata_round_trip(exported):
    store, ids, _path, wb = exported
    assert wb[META_SHEET].sheet_state == "veryHidden"
    meta = read_meta(wb)
    assert meta is not None
    assert (meta.form_id, meta.schema, meta.app_version) == ("needs", len(schema_names()), APP_VERSION)
    assert (meta.unit, meta.city, meta.district, meta.year) == ("福州市鼓楼区市场监督管理局", "福州市", "鼓楼区", 2023)
    assert meta.exported_at.startswith(str(dt.date.today().year)) and not meta.consolidated
    assert [r.id for r in meta.records] == ids
    assert [r.row for r in meta.records] == [FIRST_DATA_ROW, FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 2]
    for r in meta.records:
        row = store.needs.get(r.id)
        assert r.sheet == SHEET_NAME and r.updated_at == row["updated_at"]
        assert r.digest == record_digest(NEEDS, row)


def test_formula_like_text_stays_text(exported):
    _store, _ids, _path, wb = exported
    ws = wb[SHEET_NAME]
    r = FIRST_DATA_ROW + 2
    name = ws.cell(r, col("subject_name"))
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    for key, text in (("contact", "@王"), ("phone", "-13812345678"), ("remark", "-备注")):
        cell = ws.cell(r, col(key))
        assert cell.data_type == "s" and cell.value == text and cell.quotePrefix


def test_text_that_xml_cannot_carry_does_not_crash(store, tmp_path, monkeypatch):
    ids = store.needs.insert_many([ROWS[0]])
    # What sqlite can hand back: C0 controls and XML non-characters.
    bad = {**store.needs.get(ids[0]), "subject_name": "坏\x00字符\ufffe公司\uffff", "remark": "a\x1fb\x0c"}
    monkeypatch.setattr(store.needs, "rows", lambda ids=None: [bad])
    export_needs_xlsx(store, tmp_path / "bad.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "bad.xlsx")[SHEET_NAME]
    assert ws.cell(FIRST_DATA_ROW, col("subject_name")).value == "坏字符公司"
    assert ws.cell(FIRST_DATA_ROW, col("remark")).value == "ab"


def test_failed_export_leaves_no_file(filled, tmp_path, monkeypatch):
    store, _ids = filled
    path = tmp_path / "needs.xlsx"
    path.write_bytes(b"previous export")

    def broken_save(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OSError):
        export_needs_xlsx(store, path)
    assert path.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["needs.xlsx"]

    new = tmp_path / "new.xlsx"
    with pytest.raises(OSError):
        export_needs_xlsx(store, new)
    assert not new.exists()


def test_progress_and_cancel(tmp_path):
    from storage import Store

    store = Store.open(":memory:")
    fill(store, needs=1200, cases=0)
    progress = NullProgress()
    assert export_needs_xlsx(store, tmp_path / "big.xlsx", progress=progress) == 1200
    assert progress.reports[-1] == (1200, 1200, "完成")
    assert any(done == 500 for done, _total, _text in progress.reports)

    class CancelLater(NullProgress):
        def update(self, done, total, text=""):
            super().update(done, total, text)
            self.cancelled = done >= 500

    with pytest.raises(Cancelled):
        export_needs_xlsx(store, tmp_path / "cancelled.xlsx", progress=CancelLater())
    assert not (tmp_path / "cancelled.xlsx").exists()


def test_consolidated(tmp_path):
    from storage import Store

    store = Store.open(":memory:")
    fill(store, needs=300, cases=0)
    path = tmp_path / "all.xlsx"
    assert export_needs_xlsx(store, path, consolidated=True) == 300
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == [SHEET_NAME, xn.STATS_SHEET_NAME]
    ws = wb[SHEET_NAME]
    assert ws["A1"].value == "2023年知识产权服务万里行活动需求清单（汇总）"
    assert [c.value for c in ws[TABLE_HEADER_ROW]] == ["序号", "所属地区", "填报单位", *HEADERS[1:]]
    rows = {r["id"]: r for r in store.needs.rows()}
    meta = read_meta(wb)
    assert meta.consolidated and len(meta.records) == 300
    from forms.reference import regions

    cities = regions().cities
    order = []
    for m in meta.records:
        row = rows[m.id]
        assert ws.cell(m.row, 2).value == f"{row['city']}{row['district'] or ''}"
        assert ws.cell(m.row, 3).value == row["unit"]
        assert ws.cell(m.row, col("subject_name", True)).value == row["subject_name"]
        order.append((cities.index(row["city"]), row["seq"]))
    assert [o[0] for o in order] == sorted(o[0] for o in order)
    assert [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 300)] == list(range(1, 301))

    stats = wb[xn.STATS_SHEET_NAME]
    assert stats["A1"].value == "2023年知识产权服务万里行活动需求清单汇总统计"
    header = [c.value for c in stats[4]]
    assert header[:4] == ["设区市", FLAG_NATIONAL, FLAG_PROVINCIAL, "本地解决"]
    assert "其他/未填" not in header  # every need has a listed level: no column for others
    total_col = header.index("合计") + 1
    table = {}
    r = 5
    while stats.cell(r, 1).value != "合计":
        table[stats.cell(r, 1).value] = [stats.cell(r, c).value for c in range(2, total_col + 1)]
        r += 1
    fuzhou = [x for x in rows.values() if x["city"] == "福州市"]
    assert table["福州市"][0] == sum(x["coord_level"] == FLAG_NATIONAL for x in fuzhou)
    assert table["福州市"][-1] == len(fuzhou)
    assert stats.cell(r, total_col).value == 300
    assert list(table) == [c for c in cities if c in table]
    assert len(stats._charts) == 2


@pytest.fixture
def lo_csv(exported, tmp_path):
    require_tool("soffice")
    *_rest, path, _wb = exported
    out = soffice_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "csv")
    with open(out, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_libreoffice_reads_the_same_values(lo_csv):
    rows = lo_csv
    assert rows[0][0] == "2023年知识产权服务万里行活动需求清单"
    assert rows[1][2:4] == ["填报单位：", "福州市鼓楼区市场监督管理局"] and rows[2][2:4] == ["填报人：", "林晓"]
    date_row, date_col = date_value_cell()
    assert rows[date_row - 1][date_col - 1] == "2023年5月18日"
    assert rows[3][2] == summary_line(3, 1, 1)
    assert rows[TABLE_HEADER_ROW - 1][: len(HEADERS)] == HEADERS
    first = rows[FIRST_DATA_ROW - 1]
    assert first[:3] == ["1", "福建闽江智能装备有限公司", "914403001922038216"]
    assert first[col("coord_level") - 1] == "★ 需国家知识产权局协调"
    assert first[col("content") - 1] == CONTENT
    third = rows[FIRST_DATA_ROW + 1]
    assert third[1] == '=HYPERLINK("http://example.com","点我")'  # literal text, not a link
    assert third[col("contact") - 1] == "@王" and third[col("phone") - 1] == "-13812345678"


def test_printed_pages_repeat_the_header(store, tmp_path):
    require_tool("soffice")
    pdftotext = require_tool("pdftotext")
    fill(store, needs=120, cases=0)
    path = tmp_path / "print.xlsx"
    export_needs_xlsx(store, path)
    pdf = soffice_convert(path, "pdf", tmp_path / "pdf")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert "2023年知识产权服务万里行活动需求清单" in pages[0]
    for page in pages[1:]:
        if page.strip():
            assert "需求主体名称" in page  # print title rows
            assert re.search(r"第\s*\d+\s*页\s*共", page)
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", pages[0])


def test_safe_text():
    assert xc.safe_text("a\ud800b\x07c\ufffe") == "abc"
    assert xc.safe_text("一\n二\t三", multiline=True) == "一\n二\t三"
    assert xc.safe_text("一\n二", multiline=False) == "一 二"
    assert xc.safe_text(None) == "" and xc.safe_text(12) == "12"
    assert len(xc.safe_text("字" * 40000)) == 32767
    assert xc.strip_flag_mark("★ ★需省知识产权局协调 ") == FLAG_PROVINCIAL
