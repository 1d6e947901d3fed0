"""The printed Excel list stays readable: one page wide only while the text keeps 8 pt."""

from __future__ import annotations

import re
import statistics

import openpyxl
import pytest

from exports import xlsx_needs as xn
from exports.xlsx_cases import BODY_SIZE, COLUMN_WIDTHS, export_cases_xlsx
from exports.xlsx_needs import SHEET_NAME, export_needs_xlsx
from exports.xlsx_pagefit import MIN_TEXT_PT, choose_fit, column_points
from storage.sample import fill
from tests.tools import pdf_page_count, require_font, run_tool, soffice_convert, squeeze


def test_column_width_in_points():
    # Excel's unit: a width of 10 is 10 "0"s of Calibri 11 (7 px) plus 5 px padding, at 96 dpi.
    assert column_points(10) == pytest.approx(75 * 0.75)


def test_needs_list_goes_two_pages_wide_at_a_readable_scale():
    one_page = choose_fit([c.width for c in xn.columns()], 11, landscape=True)
    assert one_page.pages_wide == 1 and one_page.text_pt < 6.5  # what fit-to-one-page used to print
    fit = xn.page_fit(xn.columns())
    assert (fit.pages_wide, fit.title_cols, fit.split, fit.scale) == (2, 2, 9, 0.90)
    assert fit.text_pt == pytest.approx(9.9) and fit.text_pt >= MIN_TEXT_PT
    # The consolidated list has three more columns: repeating A–D would print below 8 pt, so
    # only 序号 is repeated.
    consolidated = xn.page_fit(xn.columns(consolidated=True))
    assert (consolidated.pages_wide, consolidated.title_cols, consolidated.split) == (2, 1, 9)
    assert consolidated.text_pt >= MIN_TEXT_PT


def test_narrow_sheets_stay_one_page_wide():
    fit = choose_fit(COLUMN_WIDTHS, BODY_SIZE, landscape=False)
    assert (fit.pages_wide, fit.scale, fit.text_pt) == (1, 1.0, 12.0)
    # Just readable at one page: 8 pt exactly is allowed.
    scale = 8 / 11
    printable = (841.89 - 72) / scale
    widths = [(printable / 10 / 0.75 - 5) / 7] * 10
    assert choose_fit(widths, 11, landscape=True, title_options=(1,)).pages_wide == 1
    assert choose_fit([w + 0.5 for w in widths], 11, landscape=True, title_options=(1,)).pages_wide == 2


def test_saved_page_setup(store, tmp_path):
    fill(store, needs=30, cases=1, seed=3)
    export_needs_xlsx(store, tmp_path / "needs.xlsx")
    export_needs_xlsx(store, tmp_path / "all.xlsx", consolidated=True)
    export_cases_xlsx(store, tmp_path / "cases.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "needs.xlsx")[SHEET_NAME]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.scale) == 90 and ws.page_setup.pageOrder == "overThenDown"
    assert [b.id for b in ws.col_breaks.brk] == [8]  # page 2 starts at column I
    assert ws.print_title_cols.replace("$", "") == "A:B" and ws.print_title_rows.replace("$", "") == "5:5"
    assert ws.cell(xn.TABLE_HEADER_ROW, 9).value == "联系人"
    ws = openpyxl.load_workbook(tmp_path / "all.xlsx")[SHEET_NAME]
    assert int(ws.page_setup.scale) == 80 and ws.print_title_cols.replace("$", "") == "A:A"
    case = openpyxl.load_workbook(tmp_path / "cases.xlsx").worksheets[0]
    assert case.sheet_properties.pageSetUpPr.fitToPage and case.page_setup.fitToWidth == 1
    assert int(case.page_setup.fitToHeight) == 0 and not case.print_title_cols


def _word_heights(pdf, page: int) -> list[float]:
    xml = run_tool("pdftotext", "-f", str(page), "-l", str(page), "-bbox", pdf, "-")
    return [float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', xml)]


def test_libreoffice_prints_two_readable_pages_per_block_of_rows(store, tmp_path):
    # Calibri is the xlsx default font and Excel's column-width unit; without its metrics
    # (Carlito) LibreOffice measures every column wider and splits the sheet differently.
    require_font("Carlito", "fonts-crosextra-carlito")
    fill(store, needs=30, cases=0, seed=3)
    export_needs_xlsx(store, tmp_path / "needs.xlsx")
    pdf = soffice_convert(tmp_path / "needs.xlsx", "pdf", tmp_path)
    pages = pdf_page_count(pdf)
    assert pages % 2 == 0 and pages >= 4
    for left in range(1, pages, 2):
        text_left = run_tool("pdftotext", "-f", str(left), "-l", str(left), pdf, "-")
        text_right = run_tool("pdftotext", "-f", str(left + 1), "-l", str(left + 1), pdf, "-")
        assert "需求内容" in text_left and "协调层级（重点标注）" in squeeze(text_left) and "对接反馈" not in text_left
        # The right half repeats 序号 and 需求主体名称, and holds the rest of the columns.
        assert all(word in squeeze(text_right) for word in ("序号", "需求主体名称", "联系人", "对接反馈", "反馈日期"))
        assert "需求内容" not in text_right
    # Body text: 11 pt at 90 % gives boxes about 12.9 pt high (1.3 × the font size); fitting
    # all 16 columns on one page gave about 8.
    for page in (1, 2):
        assert statistics.median(_word_heights(pdf, page)) >= MIN_TEXT_PT * 1.3
