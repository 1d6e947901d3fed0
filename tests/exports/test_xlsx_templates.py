"""Blank templates for colleagues without the app."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from exports import xlsx_common as xc
from exports import xlsx_needs as xn
from exports.meta import META_SHEET, read_meta
from exports.xlsx_cases import TEMPLATE_SHEET_NAME, VALUE_CELLS
from exports.xlsx_templates import write_template
from forms import NEEDS
from forms.reference import builtin_choices
from tests.tools import require_tool, soffice_convert


def test_needs_template(tmp_path):
    path = tmp_path / "needs.xlsx"
    write_template("needs", path, year=2024)
    wb = openpyxl.load_workbook(path)
    ws = wb[xn.SHEET_NAME]
    assert ws["A1"].value == "2024年知识产权服务万里行活动需求清单"
    cells = xn.header_cells(xn.columns())
    values = {ws.cell(r, l1).value: ws.cell(r, v1) for r, l1, _l2, v1, _v2 in cells}
    assert list(values) == ["填报单位：", "所属地区：", "活动年度：", "填报人：", "联系电话：", "填报日期："]
    assert values["活动年度："].value == 2024
    for label, cell in values.items():
        if label != "活动年度：":
            assert cell.value is None and cell.fill.fgColor.rgb[-6:] == xc.INPUT_FILL, label
    assert values["填报日期："].number_format == xc.DATE_FORMAT
    assert [c.value for c in ws[xn.TABLE_HEADER_ROW]] == ["序号", *[f.label for f in NEEDS.table_fields]]
    last = xn.FIRST_DATA_ROW + xn.TEMPLATE_ROWS - 1
    for r in (xn.FIRST_DATA_ROW, last):
        for c in range(1, ws.max_column + 1):
            cell = ws.cell(r, c)
            assert cell.value is None and cell.border.bottom.style == "thin"
    assert ws.cell(last + 1, 1).border.bottom.style is None
    assert len(ws.data_validations.dataValidation) == sum(f.is_choice for f in NEEDS.table_fields)
    assert ws.freeze_panes == f"C{xn.FIRST_DATA_ROW}"
    assert ws.print_title_rows.replace("$", "") == f"{xn.TABLE_HEADER_ROW}:{xn.TABLE_HEADER_ROW}"
    lists = wb[xc.LISTS_SHEET]
    assert [c.value for c in lists["A"] if c.value][1:] == builtin_choices().values(lists["A1"].value)
    assert wb[META_SHEET].sheet_state == "veryHidden"
    meta = read_meta(wb)
    assert (meta.form_id, meta.year, meta.records, meta.unit) == ("needs", 2024, [], "")


def test_cases_template_defaults_to_this_year(tmp_path):
    path = tmp_path / "cases.xlsx"
    write_template("cases", path)
    wb = openpyxl.load_workbook(path)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert [ws.title for ws in visible] == [TEMPLATE_SHEET_NAME]
    ws = visible[0]
    assert ws["A1"].value == "知识产权服务万里行活动优秀案例推荐表"
    for key, ref in VALUE_CELLS.items():
        assert ws[ref].value is None, key
        assert ws[ref].fill.fgColor.rgb[-6:] == xc.INPUT_FILL, key
    assert ws[VALUE_CELLS["enterprises"]].number_format == "0"
    meta = read_meta(wb)
    assert (meta.form_id, meta.year, meta.records) == ("cases", dt.date.today().year, [])


def test_unknown_form_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_template("profile", tmp_path / "x.xlsx")
    assert not list(tmp_path.iterdir())


def test_libreoffice_opens_the_templates(tmp_path):
    require_tool("soffice")
    for form_id, title in (("needs", "2024年知识产权服务万里行活动需求清单"),
                           ("cases", "知识产权服务万里行活动优秀案例推荐表")):
        path = tmp_path / f"{form_id}.xlsx"
        write_template(form_id, path, year=2024)
        out = soffice_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / form_id)
        with open(out, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][0] == title
