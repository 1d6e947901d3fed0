"""What Excel and WPS do to numbers, and the formats and locks people send: the import explains them.

The files are built with openpyxl the way Excel stores a hand-filled sheet whose columns were
left "General": a code or a phone typed as digits is a number cell (an 18-digit code a float
that lost its last digits), a date is a serial number.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exports.import_report import describe
from exports.importing import preview_files
from exports.reading import ReadError, formats, read_file
from exports.reading.formats import PasswordRequired
from forms import CASES, NEEDS, PROFILE

DATA = Path(__file__).resolve().parent.parent / "data"
UNIT = "福州市鼓楼区市场监督管理局"
CODE = "913501001234567031"  # digits only, check digit valid
CODE_AS_EXCEL_KEEPS_IT = float(CODE)  # 9.1350100123456703E+17: Excel keeps 15 significant digits
CODE_MESSAGE = ("Excel 把这个代码当成了数字，后几位已经丢失（现在是“9.13501001234567E+17”），"
                "请把该列设为文本后重新填写完整的18位统一社会信用代码。")
PHONE_MESSAGE = ("联系电话“59187530216”开头的 0 丢失了（Excel 把电话当成数字时会去掉开头的 0），"
                 "应为“0591-87530216”吗？请核对后改正，并把该列设为文本。")
HEAD = ["序号", "需求主体名称", "统一社会信用代码", "需求类别", "需求内容", "协调层级", "联系电话"]


def excel_sheet(path: Path, rows: list[list], report_date: object = 45064) -> Path:
    """A needs list as Excel saves one typed into General cells (header block, then the table)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "需求清单"
    ws.append(["2023年知识产权服务万里行活动需求清单"])
    ws.append(["填报单位：", UNIT, "填报日期：", report_date])
    ws.append(HEAD)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def need(name: str, code: object, phone: object) -> list:
    return [1, name, code, "专利导航", "希望开展专利导航分析。", "省局", phone]


def test_identifiers_are_declared_on_the_fields():
    identifiers = {f.key for form in (NEEDS, CASES, PROFILE) for f in form.fields if f.is_identifier}
    assert identifiers == {"credit_code", "phone"}
    assert not any(f.is_identifier for f in CASES.fields if f.is_number)


def test_numeric_cells_in_identifier_columns(tmp_path):
    path = excel_sheet(tmp_path / "鼓楼区.xlsx", [
        need("福州甲公司", CODE_AS_EXCEL_KEEPS_IT, 59187530216),  # both typed into General cells
        need("福州乙公司", CODE, 13905910001),  # a text code; a mobile as a number is intact
        need("福州丙公司", f" {CODE[:9]} {CODE[9:]} ", "139-0591-0001"),
        need("福州丁公司", "９１３５０１００ｍ０００１００ｙ４３", "139 0591 0001"),
    ])
    rows = read_file(path, form_hint="needs").rows
    first, second, third, fourth = rows
    assert first.values["credit_code"] == "9.13501001234567E+17"
    assert first.problems == {"credit_code": CODE_MESSAGE, "phone": PHONE_MESSAGE}
    assert first.cells["credit_code"] == "C4" and first.cells["phone"] == "G4"
    assert (second.values["credit_code"], second.values["phone"], second.problems) == (CODE, "13905910001", {})
    assert (third.values["credit_code"], third.values["phone"], third.problems) == (CODE, "13905910001", {})
    # Full-width characters, lower case and spaces in a code are normalised, as before.
    assert (fourth.values["credit_code"], fourth.values["phone"], fourth.problems) == (
        "91350100M000100Y43", "13905910001", {})


def test_dates_as_serials_stay_dates(tmp_path):
    serial = read_file(excel_sheet(tmp_path / "a.xlsx", [need("甲", CODE, "13905910001")], 45064))
    typed = read_file(excel_sheet(tmp_path / "b.xlsx", [need("甲", CODE, "13905910001")], dt.datetime(2023, 5, 18)))
    assert serial.header.report_date == typed.header.report_date == "2023-05-18"


def test_the_preview_names_the_cell(tmp_path, store):
    path = excel_sheet(tmp_path / "鼓楼区.xlsx", [need("福州甲公司", CODE_AS_EXCEL_KEEPS_IT, 59187530216)])
    lines = describe(preview_files(store, [path])[0].plan, limit=50)
    assert f"待补：福州甲公司，工作表“需求清单”第 4 行 C 列（统一社会信用代码）：{CODE_MESSAGE}" in lines
    assert f"待补：福州甲公司，工作表“需求清单”第 4 行 G 列（联系电话）：{PHONE_MESSAGE}" in lines


def test_case_form_phone_typed_as_number(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for label, value in (("案例名称", "专利导航助推产业升级"), ("推荐单位", UNIT), ("联系电话", 59187530216),
                         ("服务企业数（家）", 35.0), ("背景情况", "……")):
        ws.append([label, value])
    wb.save(tmp_path / "案例.xlsx")
    case = read_file(tmp_path / "案例.xlsx", form_hint="cases").rows[0]
    assert case.values["phone"] == "59187530216" and case.values["enterprises"] == 35
    assert case.problems["phone"] == PHONE_MESSAGE


# ---- formats people send ----------------------------------------------------------------


def test_xlsm_is_read(tmp_path):
    plain = excel_sheet(tmp_path / "plain.xlsx", [need("福州甲公司", CODE, "13905910001")])
    path = tmp_path / "带宏.xlsm"
    # As Excel saves a workbook with macros: its own content type and a VBA project (never run).
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                assert b"macroEnabled" in data
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real project")
    assert [r.values["subject_name"] for r in read_file(path).rows] == ["福州甲公司"]


def test_wps_et_is_read_as_the_excel_97_file_it_is(tmp_path):
    et = tmp_path / "鼓楼区需求清单.et"
    shutil.copy(DATA / "handfilled_needs_gulou.xls", et)
    result = read_file(et)
    assert result.file_name == "鼓楼区需求清单.et"
    assert result.rows[0].values["subject_name"] == "福州榕创智能装备有限公司"


@pytest.mark.parametrize("suffix", [".et", ".ett"])
def test_unreadable_wps_file_is_refused_with_save_as_advice(tmp_path, suffix):
    path = tmp_path / f"台江区{suffix}"
    path.write_bytes(formats.OLE_MAGIC + b"\0" * 1024)  # a compound file xlrd cannot read
    with pytest.raises(ReadError) as err:
        read_file(path)
    assert str(err.value) == formats.wps_message(path.name)
    assert "请在 WPS 中另存为 .xlsx" in str(err.value) and path.name in str(err.value)


def test_xlsb_and_numbers_are_refused_clearly(tmp_path):
    xlsb = tmp_path / "清单.xlsb"
    with zipfile.ZipFile(xlsb, "w") as z:
        z.writestr("xl/workbook.bin", b"\0")
    renamed = tmp_path / "清单.xlsx"
    shutil.copy(xlsb, renamed)
    numbers = tmp_path / "清单.numbers"
    with zipfile.ZipFile(numbers, "w") as z:
        z.writestr("Index/Document.iwa", b"\0")
    with pytest.raises(ReadError, match=r"^“清单.xlsb”是 Excel 二进制工作簿（.xlsb），本软件无法读取。"
                                        r"请用 Excel 打开它，另存为“Excel 工作簿（.xlsx）”后再导入。$"):
        read_file(xlsb)
    with pytest.raises(ReadError, match=r"^“清单.xlsx”是 Excel 二进制工作簿"):
        read_file(renamed)
    with pytest.raises(ReadError, match=r"^“清单.numbers”是苹果 Numbers 表格，本软件无法读取。"
                                        r"请在 Numbers 中选择“文件 → 导出为 → Excel”，导出 .xlsx 文件后再导入。$"):
        read_file(numbers)


# ---- passwords ----------------------------------------------------------------------------


@pytest.fixture
def locked(tmp_path):
    path = tmp_path / "加密.xlsx"
    shutil.copy(DATA / "encrypted_needs.xlsx", path)  # password 1234 (tests/data/make_fixtures.py)
    yield path
    formats.forget_passwords()


def test_locked_file_opens_with_its_password(locked):
    assert formats.needs_password(locked)
    assert not formats.needs_password(DATA / "handfilled_needs_gulou.xls")
    result = read_file(locked, password="1234")
    assert result.file_name == "加密.xlsx"
    assert result.rows[0].values["subject_name"] == "福州榕创智能装备有限公司"
    assert result.header.unit == UNIT
    assert not list(locked.parent.glob("wanlixing-*"))  # nothing decrypted left beside it


def test_locked_file_without_or_with_a_wrong_password_is_refused(locked):
    with pytest.raises(PasswordRequired) as err:
        read_file(locked)
    assert str(err.value) == "“加密.xlsx”设置了打开密码，无法读取。请输入打开密码后再导入，或让对方取消密码后重新发送。"
    with pytest.raises(PasswordRequired) as err:
        read_file(locked, password="4321")
    assert str(err.value) == ("“加密.xlsx”的打开密码不正确（或加密方式无法识别），无法读取。"
                              "请向对方确认密码后重新导入，或让对方取消密码后重新发送。")


def test_a_remembered_password_reaches_a_batch_import(locked, store):
    formats.remember_password(locked, "1234")
    preview = preview_files(store, [locked])[0]
    assert preview.error == "" and preview.plan.counts_text.startswith("新增 4 条")
