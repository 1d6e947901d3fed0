"""Identifier columns are Text in templates and exports; templates are protected without a password;
and a template filled by hand survives being saved by LibreOffice as .xlsx and as .xls."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from exports import xlsx_common as xc
from exports import xlsx_needs as xn
from exports.meta import META_SHEET
from exports.reading import read_file
from exports.xlsx_cases import LABEL_CELLS, TEMPLATE_SHEET_NAME, VALUE_CELLS, export_cases_xlsx
from exports.xlsx_templates import write_template
from forms import CASES, NEEDS
from tests.tools import require_tool, soffice_convert

CODE = "913501001234567031"  # digits only: what Excel would turn into 9.13501001234567E+17
CODE_2 = "91350100M000100Y43"
LANDLINE = "059187530216"
UNIT = "福州市鼓楼区市场监督管理局"


def letter(key: str) -> str:
    return openpyxl.utils.get_column_letter(next(i for i, c in enumerate(xn.columns(), 1) if c.key == key))


def header_value(ws, label: str):
    for r, l1, _l2, v1, _v2 in xn.header_cells(xn.columns()):
        if ws.cell(r, l1).value == f"{label}：":
            return ws.cell(r, v1)
    raise KeyError(label)


# ---- number formats ---------------------------------------------------------------------------


def test_template_identifier_columns_are_text_counts_and_dates_are_not(tmp_path):
    write_template("needs", tmp_path / "n.xlsx", year=2024)
    ws = openpyxl.load_workbook(tmp_path / "n.xlsx")[xn.SHEET_NAME]
    identifiers = {f.key for f in NEEDS.table_fields if f.is_identifier}
    assert identifiers == {"credit_code", "phone"}
    for c in xn.columns():
        col = letter(c.key)
        expected = "@" if c.key in identifiers else "General"
        assert ws[f"{col}{xn.FIRST_DATA_ROW}"].number_format == expected, c.key
        assert ws[f"{col}{xn.FIRST_DATA_ROW + xn.TEMPLATE_ROWS - 1}"].number_format == expected, c.key
    for key in identifiers:  # rows typed below the shaded ones
        assert ws.column_dimensions[letter(key)].number_format == "@"
    assert header_value(ws, "联系电话").number_format == "@"
    assert header_value(ws, "填报日期").number_format == xc.DATE_FORMAT
    assert header_value(ws, "活动年度").number_format == "General" and header_value(ws, "活动年度").value == 2024

    write_template("cases", tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")[TEMPLATE_SHEET_NAME]
    assert ws[VALUE_CELLS["phone"]].number_format == "@"
    assert ws[VALUE_CELLS["email"]].number_format == "General"
    for key in ("enterprises", "activities", "participants"):
        assert ws[VALUE_CELLS[key]].number_format == "0"


def test_exports_write_identifiers_as_text(store, tmp_path):
    store.needs.insert({"subject_name": "福州甲公司", "credit_code": CODE, "category": "其他", "content": "x",
                        "coord_level": "需国家知识产权局协调", "phone": LANDLINE})
    xn.export_needs_xlsx(store, tmp_path / "n.xlsx", today=dt.date(2023, 5, 18))
    ws = openpyxl.load_workbook(tmp_path / "n.xlsx")[xn.SHEET_NAME]
    row = xn.FIRST_DATA_ROW
    code, phone, seq = ws[f"{letter('credit_code')}{row}"], ws[f"{letter('phone')}{row}"], ws[f"A{row}"]
    assert (code.value, code.data_type, code.number_format) == (CODE, "s", "@")
    assert (phone.value, phone.data_type, phone.number_format) == (LANDLINE, "s", "@")
    assert code.fill.fgColor.rgb[-6:] == xc.NATIONAL_FILL  # the flag colour is kept
    assert (seq.value, seq.number_format) == (1, "General")
    assert header_value(ws, "联系电话").value == "0591-87530216"
    assert header_value(ws, "填报日期").value == dt.datetime(2023, 5, 18)

    store.cases.insert({"name": "专利导航", "recommender": UNIT, "category": "知识产权服务促进转移转化",
                        "phone": LANDLINE, "enterprises": 35})
    export_cases_xlsx(store, tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx").worksheets[0]
    assert (ws[VALUE_CELLS["phone"]].value, ws[VALUE_CELLS["phone"]].number_format) == (LANDLINE, "@")
    assert (ws[VALUE_CELLS["enterprises"]].value, ws[VALUE_CELLS["enterprises"]].number_format) == (35, "0")


# ---- protection -------------------------------------------------------------------------------


def assert_protected_without_password(ws):
    p = ws.protection
    assert p.sheet is True and not p.password
    assert p.sort is False and p.autoFilter is False  # False: the action is allowed
    assert p.formatColumns is False and p.insertRows is False


def test_needs_template_protection(tmp_path):
    write_template("needs", tmp_path / "n.xlsx", year=2024)
    wb = openpyxl.load_workbook(tmp_path / "n.xlsx")
    ws = wb[xn.SHEET_NAME]
    assert_protected_without_password(ws)
    for name in (xc.LISTS_SHEET, META_SHEET):  # the hidden sheets
        assert wb[name].sheet_state != "visible"
        assert_protected_without_password(wb[name])
    locked = {"A1"}  # the title
    locked |= {ws.cell(r, l1).coordinate for r, l1, _l2, _v1, _v2 in xn.header_cells(xn.columns())}  # labels
    locked |= {f"{letter(c.key)}{xn.TABLE_HEADER_ROW}" for c in xn.columns()}  # column titles
    locked.add(f"A{xn.NOTE_ROW}")
    for ref in locked:
        assert ws[ref].protection.locked is True, ref
    unlocked = {ws.cell(r, v1).coordinate for r, _l1, _l2, v1, _v2 in xn.header_cells(xn.columns())}  # values
    last = xn.FIRST_DATA_ROW + xn.TEMPLATE_ROWS - 1
    unlocked |= {f"{letter(c.key)}{r}" for c in xn.columns() for r in (xn.FIRST_DATA_ROW, last)}
    for ref in unlocked:
        assert ws[ref].protection.locked is False, ref
    for c in xn.columns():  # rows added below the table are unlocked too
        assert ws.column_dimensions[letter(c.key)].protection.locked is False
    last_column = letter(xn.columns()[-1].key)
    assert ws.auto_filter.ref == f"A{xn.TABLE_HEADER_ROW}:{last_column}{last + xn.SPARE_ROWS}"


def test_cases_template_protection(tmp_path):
    write_template("cases", tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "c.xlsx")
    ws = wb[TEMPLATE_SHEET_NAME]
    for sheet in wb.worksheets:
        assert_protected_without_password(sheet)
    assert ws["A1"].protection.locked is True
    for key, ref in LABEL_CELLS.items():
        assert ws[ref].protection.locked is True, key
        assert ws[VALUE_CELLS[key]].protection.locked is False, key


# ---- the round trip through LibreOffice ----------------------------------------------------


def fill_by_hand(template, path):
    """What an officer types into the template: text cells keep what is typed, as strings."""
    wb = openpyxl.load_workbook(template)
    ws = wb[xn.SHEET_NAME]
    header_value(ws, "填报单位").value = UNIT
    header_value(ws, "所属地区").value = "福州市鼓楼区"
    header_value(ws, "填报人").value = "林晓"
    header_value(ws, "联系电话").value = LANDLINE
    header_value(ws, "填报日期").value = dt.datetime(2023, 5, 18)
    rows = [("福州甲公司", CODE, "需国家知识产权局协调", LANDLINE),
            ("福州乙公司", CODE_2, "本地解决", "13905910001"),
            ("福州丙公司", "", "需省知识产权局协调", "0591-87530216-801")]
    for i, (name, code, level, phone) in enumerate(rows):
        r = xn.FIRST_DATA_ROW + i
        ws[f"A{r}"] = i + 1
        for key, value in (("subject_name", name), ("credit_code", code), ("category", "专利导航与分析评议"),
                           ("content", "希望开展产业专利导航。"), ("coord_level", level), ("phone", phone)):
            ws[f"{letter(key)}{r}"] = value or None
    wb.save(path)


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_hand_filled_template_saved_by_libreoffice_keeps_every_identifier(tmp_path, to):
    write_template("needs", tmp_path / "template.xlsx", year=2023)
    fill_by_hand(tmp_path / "template.xlsx", tmp_path / "鼓楼区需求清单.xlsx")
    saved = soffice_convert(tmp_path / "鼓楼区需求清单.xlsx", to, tmp_path / "libreoffice")
    result = read_file(saved, form_hint="needs")
    assert [(r.values["credit_code"], r.values["phone"]) for r in result.rows] == [
        (CODE, LANDLINE), (CODE_2, "13905910001"), ("", "0591-87530216-801")]
    assert all(r.problems == {} for r in result.rows)
    assert (result.header.unit, result.header.phone, result.header.report_date) == (UNIT, LANDLINE, "2023-05-18")
    if to == "xlsx":  # LibreOffice keeps the text format and the protection
        ws = openpyxl.load_workbook(saved)[xn.SHEET_NAME]
        assert ws.protection.sheet is True and not ws.protection.password
        assert ws[f"{letter('credit_code')}{xn.FIRST_DATA_ROW}"].number_format == "@"
        assert ws[f"{letter('credit_code')}{xn.FIRST_DATA_ROW}"].protection.locked is False
        assert ws["A1"].protection.locked is True


def test_hand_filled_case_form_through_libreoffice(tmp_path):
    write_template("cases", tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "template.xlsx")
    ws = wb[TEMPLATE_SHEET_NAME]
    for key, value in (("name", "专利导航助推产业升级"), ("recommender", UNIT), ("category", "知识产权服务促进转移转化"),
                       ("phone", LANDLINE), ("enterprises", 35), ("background", "本区……")):
        ws[VALUE_CELLS[key]] = value
    wb.save(tmp_path / "案例.xlsx")
    for to in ("xlsx", "xls"):
        saved = soffice_convert(tmp_path / "案例.xlsx", to, tmp_path / to)
        case = read_file(saved, form_hint="cases").rows[0]
        assert (case.values["phone"], case.values["enterprises"]) == (LANDLINE, 35), to
        assert "phone" not in case.problems
    assert CASES.field("phone").is_identifier


def test_a_text_field_declared_as_identifier_is_treated_as_one():
    from exports.reading.labels import raw_for
    from forms.fields import Field

    licence = Field("licence", "许可证编号", identifier=True)
    remark = Field("remark", "备注")
    assert licence.is_identifier and not remark.is_identifier
    assert xn.Column(licence.key, licence.label, 10, licence).identifier
    assert raw_for(licence, 1234567890123456789.0) == "1.23456789012346E+18"
    assert raw_for(licence, 35010012.0) == "35010012"
    assert raw_for(remark, 35010012.0) == "35010012"


# ---- typing into the template in LibreOffice ------------------------------------------------


def uno_python() -> str:
    """A Python that can drive LibreOffice (Debian: python3-uno); skips, or fails under CI, without one."""
    import os
    import shutil
    import subprocess

    from tests.tools import REQUIRE_ENV

    require_tool("soffice")
    for exe in ("/usr/bin/python3", shutil.which("python3")):
        if exe and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    message = "LibreOffice's Python bridge is not installed (Debian: apt-get install python3-uno)"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}; {REQUIRE_ENV}=1 requires it")
    pytest.skip(message)


def type_in_libreoffice(src, out, sheet: str, values: dict[str, str]) -> dict:
    import json
    import subprocess
    from pathlib import Path

    script = Path(__file__).with_name("lo_typing.py")
    proc = subprocess.run([uno_python(), str(script), str(src), str(out), sheet,
                           *(f"{ref}={text}" for ref, text in values.items())],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0 and out.exists(), proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_typing_into_the_template_in_libreoffice(tmp_path):
    """Digits typed into the template stay text (also below the shaded rows); the title stays locked."""
    write_template("needs", tmp_path / "template.xlsx", year=2023)
    ws = openpyxl.load_workbook(tmp_path / "template.xlsx")[xn.SHEET_NAME]
    below = xn.FIRST_DATA_ROW + xn.TEMPLATE_ROWS + 3  # a row typed under the shaded ones
    typed = {
        header_value(ws, "填报单位").coordinate: UNIT,
        header_value(ws, "所属地区").coordinate: "福州市鼓楼区",
        header_value(ws, "联系电话").coordinate: LANDLINE,
        header_value(ws, "填报日期").coordinate: "2023-05-18",
    }
    for r, name in ((xn.FIRST_DATA_ROW, "福州甲公司"), (below, "福州乙公司")):
        typed.update({f"{letter('subject_name')}{r}": name, f"{letter('credit_code')}{r}": CODE,
                      f"{letter('category')}{r}": "其他", f"{letter('content')}{r}": "需要专利导航。",
                      f"{letter('coord_level')}{r}": "本地解决", f"{letter('phone')}{r}": LANDLINE})
    typed["A1"] = "覆盖标题"  # locked: not typed, only inspected
    report = type_in_libreoffice(tmp_path / "template.xlsx", tmp_path / "typed.xlsx", xn.SHEET_NAME, typed)
    cells = report["cells"]
    assert report["protected"] is True
    assert cells["A1"]["locked"] is True and cells["A1"]["shown"] == "2023年知识产权服务万里行活动需求清单"
    code_cell = cells[f"{letter('credit_code')}{below}"]
    assert (code_cell["locked"], code_cell["format"], code_cell["type"], code_cell["shown"]) == (
        False, "@", "TEXT", CODE)
    assert cells[header_value(ws, "填报日期").coordinate]["type"] == "VALUE"  # a date stays a date
    result = read_file(tmp_path / "typed.xlsx", form_hint="needs")
    assert [(r.values["credit_code"], r.values["phone"], r.problems) for r in result.rows] == [
        (CODE, LANDLINE, {}), (CODE, LANDLINE, {})]
    assert (result.header.phone, result.header.report_date) == (LANDLINE, "2023-05-18")


def test_typing_into_a_general_column_in_libreoffice_loses_digits_and_the_import_says_so(tmp_path):
    """The pitfall the template avoids, made by LibreOffice itself and explained by the import."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "需求清单"
    ws.append(["需求主体名称", "统一社会信用代码", "需求类别", "需求内容", "协调层级", "联系电话"])
    wb.save(tmp_path / "general.xlsx")
    report = type_in_libreoffice(tmp_path / "general.xlsx", tmp_path / "typed.xlsx", "需求清单", {
        "A2": "福州甲公司", "B2": CODE, "C2": "其他", "D2": "需要专利导航。", "E2": "本地解决", "F2": LANDLINE})
    assert report["cells"]["B2"]["type"] == "VALUE" and report["cells"]["F2"]["shown"] == "59187530216"
    row = read_file(tmp_path / "typed.xlsx", form_hint="needs").rows[0]
    assert row.values["credit_code"] == "9.13501001234567E+17"
    assert row.problems["credit_code"].startswith("Excel 把这个代码当成了数字，后几位已经丢失")
    assert "应为“0591-87530216”吗" in row.problems["phone"] and row.cells["phone"] == "F2"
