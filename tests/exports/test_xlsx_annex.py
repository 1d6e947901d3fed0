"""The xlsx carries "附件1" / "附件2" like the PDF: at the top left of the first printed page only."""

from __future__ import annotations

import subprocess

import openpyxl

from exports.xlsx_cases import export_cases_xlsx
from exports.xlsx_needs import FIRST_DATA_ROW, SHEET_NAME, export_needs_xlsx
from storage.sample import fill
from tests.tools import require_tool, soffice_convert


def page_text(pdf, page: int) -> str:
    require_tool("pdftotext")
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_annex_label_on_the_first_printed_page(store, tmp_path):
    fill(store, needs=60, cases=2, seed=5)
    needs, cases = tmp_path / "needs.xlsx", tmp_path / "cases.xlsx"
    export_needs_xlsx(store, needs)
    export_cases_xlsx(store, cases)
    ws = openpyxl.load_workbook(needs)[SHEET_NAME]
    assert ws.firstHeader.left.text == "附件1" and ws.HeaderFooter.differentFirst
    assert ws.oddHeader.left.text is None  # not repeated on later pages
    assert ws.cell(FIRST_DATA_ROW, 2).value == store.needs.rows()[0]["subject_name"]  # rows where the import reads

    for path, annex in ((needs, "附件1"), (cases, "附件2")):
        pdf = soffice_convert(path, "pdf", tmp_path / "pdf")
        first, second = page_text(pdf, 1), page_text(pdf, 2)
        assert first.lstrip().startswith(annex)
        assert annex not in second
        assert "第1页" in first.replace(" ", "") and "第2页" in second.replace(" ", "")
