"""exports/compat_openpyxl.py: what it relies on in openpyxl still exists and behaves.

A failure here after upgrading openpyxl names the internal that changed; fix the
compat module (and only it), or keep the upper bound in pyproject.toml.
"""

from __future__ import annotations

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.styleable import StyleableObject

from exports.compat_openpyxl import set_style_array, style_array


def _registered(wb: openpyxl.Workbook) -> NamedStyle:
    style = NamedStyle("测试样式", font=Font(name="宋体", size=13, bold=True),
                       fill=PatternFill("solid", fgColor="FFC7CE"), alignment=Alignment(horizontal="center"))
    wb.add_named_style(style)
    return style


def test_the_internals_exist():
    wb = openpyxl.Workbook()
    array = style_array(_registered(wb))
    assert isinstance(array, StyleArray)
    assert "_style" in StyleableObject.__slots__  # where a cell keeps its style array
    cell = wb.active["A1"]
    assert isinstance(cell, Cell) and (cell._style is None or isinstance(cell._style, StyleArray))
    cell.font = Font(bold=True)
    assert isinstance(cell._style, StyleArray)


def test_a_copied_array_is_the_same_as_setting_the_style_by_name(tmp_path):
    wb = openpyxl.Workbook()
    array = style_array(_registered(wb))
    ws = wb.active
    ws["A1"].style = "测试样式"
    set_style_array(ws["B1"], array)
    set_style_array(ws["C1"], array)
    assert ws["B1"].style == "测试样式"
    assert ws["B1"]._style == ws["A1"]._style
    assert ws["B1"]._style is not ws["C1"]._style  # a copy: changing one cell leaves the other alone
    ws["C1"].font = Font(name="黑体")
    assert ws["B1"].font.name == "宋体"
    path = tmp_path / "s.xlsx"
    wb.save(path)
    again = openpyxl.load_workbook(path).active
    for ref in ("A1", "B1"):
        cell = again[ref]
        assert cell.style == "测试样式"
        assert (cell.font.name, cell.font.sz, cell.font.b) == ("宋体", 13, True)
        assert cell.fill.fgColor.rgb == "00FFC7CE" and cell.alignment.horizontal == "center"


def test_a_text_array_gives_the_cell_the_text_format(tmp_path):
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import NamedStyle

    from exports.compat_openpyxl import set_style_array, style_array, with_number_format

    wb = Workbook()
    style = NamedStyle(name="试样")
    wb.add_named_style(style)
    array = style_array(style)
    set_style_array(wb.active["A1"], with_number_format(array, 49))
    set_style_array(wb.active["A2"], array)
    wb.save(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert ws["A1"].number_format == "@" and ws["A2"].number_format == "General"


def test_raw_rows_are_spliced_into_the_sheet(tmp_path):
    """compat_openpyxl.RawRows (through xlsx_common.RowWriter): the rows, their styles,
    heights and comments read back as if written cell by cell; text never becomes a formula."""
    from openpyxl import Workbook, load_workbook

    from exports import xlsx_common as xc

    wb = Workbook()
    ws = wb.active
    styles = xc.Styles(wb)
    xc.put_text(ws.cell(row=1, column=1), "表头")
    rows = xc.RowWriter(ws, 2, 3)
    body = styles.id(xc.Styles.TEXT)
    cells = [rows.cell(1, 2, 7, body)[0], rows.cell(2, 2, "=1+1", body)[0], rows.cell(3, 2, "a<b & c", body)[0]]
    rows.add(2, cells, 33.5)
    rows.comment(3, 2, "太长")
    rows.values(3, [None, True, "-x"])
    wb.save(tmp_path / "r.xlsx")
    again = load_workbook(tmp_path / "r.xlsx").active
    assert again.dimensions == "A1:C3"
    assert [c.value for c in again[2]] == [7, "=1+1", "a<b & c"]
    assert again["B2"].data_type == "s" and again["B2"].quotePrefix and not again["C2"].quotePrefix
    assert again["A2"].style == "万里行正文" and again["B2"].style == "万里行正文"
    assert again.row_dimensions[2].height == 33.5
    assert again["C2"].comment.text == "请修改：太长"
    assert [c.value for c in again[3]] == [None, True, "-x"] and again["C3"].quotePrefix


def test_a_cell_among_raw_rows_is_refused(tmp_path):
    import pytest
    from openpyxl import Workbook

    from exports import xlsx_common as xc

    wb = Workbook()
    ws = wb.active
    rows = xc.RowWriter(ws, 1, 1)
    rows.values(1, ["x"])
    ws["A5"] = "late"
    with pytest.raises(ValueError, match="raw rows"):
        wb.save(tmp_path / "bad.xlsx")
