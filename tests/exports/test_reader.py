"""Reading colleagues' files: hand-filled templates in their many shapes, CSV, .xls, and bad files."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exports.meta import META_SHEET, ExportMeta, MetaRow, write_meta
from exports.reading import ReadError, read_file
from exports.reading import tables as reader_table
from forms import NEEDS
from forms.identity import record_digest
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL
from forms.progress import Cancelled

DATA = Path(__file__).resolve().parent.parent / "data"
UNIT = "福州市鼓楼区市场监督管理局"


def write_xlsx(path: Path, rows: list[list], merges: tuple[str, ...] = (), sheet: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


NEED_A = ["福州榕创智能装备有限公司", "专利快速审查", "希望通过快速预审通道缩短审查周期。", "需国家局协调"]
NEED_B = ["福州闽光新材料股份有限公司", "质押融资", "需要评估机构和银行对接。", "省局"]


# ---- the committed hand-filled fixtures ------------------------------------------------------


def test_hand_filled_list_as_officers_send_it():
    result = read_file(DATA / "handfilled_needs_gulou.xlsx")
    assert result.form_id == "needs"
    assert result.meta is None
    h = result.header
    assert (h.unit, h.city, h.district, h.reporter, h.phone, h.report_date, h.year) == (
        UNIT, "福州市", "鼓楼区", "林晓", "0591-87530216", "2023-05-18", 2023)
    names = [r.values["subject_name"] for r in result.rows]
    # Four needs; the blank row, the pre-numbered empty rows, the notes and the signature line are not needs.
    assert names[:4] == ["福州榕创智能装备有限公司", "福州闽光新材料股份有限公司", "福州鼓岭茶业有限公司",
                         "福州三坊文旅发展有限公司"]
    first = result.rows[0]
    assert first.values["category"] == "专利快速审查/优先审查"
    assert first.values["coord_level"] == FLAG_NATIONAL  # “★需国家局协调”
    assert first.values["phone"] == "13905910001"  # typed as a number
    assert first.problems == {}
    assert first.cells["subject_name"] == "B7"
    assert result.rows[3].values["coord_level"] == FLAG_PROVINCIAL  # trailing full-width space
    assert "subject_type" not in first.values  # no such column: the value is left alone on import
    # The row holding only a level is returned, so the import can report it as invalid.
    assert result.rows[4].values["subject_name"] == "" and result.rows[4].row_number == 14
    assert any("说明" in n for n in result.notes)


def test_consolidated_list_carries_each_rows_unit_and_region():
    result = read_file(DATA / "handfilled_needs_fuzhou_consolidated.xlsx")
    assert result.consolidated
    assert result.header.unit == "福州市市场监督管理局"
    assert (result.header.city, result.header.district) == ("福州市", "")
    assert len(result.rows) == 4  # the “1 2 3 …” row and the 合计 row are not needs
    taijiang = result.rows[1]
    assert taijiang.extra == {"unit": "福州市台江区市场监督管理局", "city": "福州市", "district": "台江区"}
    assert result.rows[2].values["status"] == "已匹配资源"
    assert result.rows[3].values["phone"] == "13905910003"  # full-width digits


def test_case_forms_laid_out_by_hand():
    result = read_file(DATA / "handfilled_cases_gulou.xlsx")
    assert result.form_id == "cases"
    first, second = result.rows
    v = first.values
    assert v["name"] == "知识产权质押融资破解鼓楼区科技型企业融资难"
    assert (v["city"], v["district"]) == ("福州市", "鼓楼区")
    assert v["category"] == "知识产权服务促进转移转化"
    assert (v["enterprises"], v["activities"], v["participants"]) == (120, 15, 2300)
    assert v["practice"].startswith("一是建立") and "\n二是" in v["practice"]
    assert v["opinion"] == "同意推荐。"  # the stamp area is not part of the opinion
    assert first.problems == {}
    assert second.sheet == "案例二" and second.values["activities"] == 8 and second.values["participants"] == 600
    assert (second.values["city"], second.values["district"]) == ("福州市", "鼓楼区")
    assert any("填表说明" in n for n in result.notes)


def test_gbk_csv():
    result = read_file(DATA / "handfilled_needs_cangshan_gbk.csv")
    assert result.header.unit == "福州市仓山区市场监督管理局"
    assert [r.values["coord_level"] for r in result.rows] == [FLAG_PROVINCIAL, "本地解决"]
    assert result.rows[1].values["category"] == "知识产权人才培训"


def test_utf8_csv_with_bom(tmp_path):
    path = tmp_path / "清单.csv"
    path.write_text("需求主体名称,需求类别,需求内容,协调层级\n" + ",".join(NEED_A) + "\n", encoding="utf-8-sig")
    result = read_file(path)
    assert result.rows[0].values["subject_name"] == NEED_A[0]
    assert result.rows[0].values["coord_level"] == FLAG_NATIONAL


def test_xls_fixture_reads_like_the_xlsx():
    xls = read_file(DATA / "handfilled_needs_gulou.xls")
    xlsx = read_file(DATA / "handfilled_needs_gulou.xlsx")
    assert [r.values for r in xls.rows] == [r.values for r in xlsx.rows]
    assert xls.header == xlsx.header


def test_xls_converted_by_libreoffice(tmp_path):
    from tests.tools import soffice_convert

    xls = soffice_convert(DATA / "handfilled_cases_gulou.xlsx", "xls", tmp_path)
    assert [r.values for r in read_file(xls).rows] == [r.values for r in read_file(
        DATA / "handfilled_cases_gulou.xlsx").rows]


# ---- layouts people make -----------------------------------------------------------------------


def test_header_block_as_label_and_value_cells_and_moved_table(tmp_path):
    rows = [
        [None, "2023年知识产权服务万里行活动需求清单"],
        [],
        ["填报单位", None, UNIT, None, "填报人", "林晓"],
        ["所属地区", None, "福州市 鼓楼区", None, "填报日期", dt.datetime(2023, 5, 18)],
        [],
        [],
        [None, "协调层级", "需求内容", "需求类别", "需求主体名称"],  # reversed order, starting in column B
        [None, NEED_A[3], NEED_A[2], NEED_A[1], NEED_A[0]],
        [],
        [],
        [None, NEED_B[3], NEED_B[2], NEED_B[1], NEED_B[0]],
    ]
    result = read_file(write_xlsx(tmp_path / "a.xlsx", rows))
    h = result.header
    assert (h.unit, h.city, h.district, h.reporter, h.report_date, h.year) == (
        UNIT, "福州市", "鼓楼区", "林晓", "2023-05-18", 2023)
    assert [r.values["subject_name"] for r in result.rows] == [NEED_A[0], NEED_B[0]]
    assert [r.row_number for r in result.rows] == [8, 11]
    assert result.rows[1].cells["coord_level"] == "B11"


@pytest.mark.parametrize("header", [
    ["序号", "需求主体\n名称", "需求\r\n类别", "需求内容（请简要描述）", "协调层级\n(重点标注)"],
    ["序 号", "＊需求主体名称", "*需求类别", "需求内容", "协调层级（国家局/省局/本地）"],
    ["No.", "企业（单位）名称", "需求类型", "具体需求", "是否需国家或省局协调"],
    ["序号", "需求主体名称／企业名称", "需求类别：", "需求内容 ", "★协调层级（重点标注）"],
])
def test_header_text_variants(tmp_path, header):
    rows = [["知识产权服务万里行活动需求清单"], header, [1, *NEED_A], [2, *NEED_B]]
    result = read_file(write_xlsx(tmp_path / "v.xlsx", rows))
    assert [r.values["subject_name"] for r in result.rows] == [NEED_A[0], NEED_B[0]]
    assert [r.values["coord_level"] for r in result.rows] == [FLAG_NATIONAL, FLAG_PROVINCIAL]


def test_two_line_header(tmp_path):
    rows = [
        ["序号", "需求主体", None, "需求类别", "需求内容", "协调层级"],
        [None, "需求主体名称", "统一社会信用代码", None, None, None],
        [1, NEED_A[0], "91350102MA2XYW01K7", *NEED_A[1:]],
    ]
    result = read_file(write_xlsx(tmp_path / "two.xlsx", rows, merges=("A1:A2", "D1:D2", "E1:E2", "F1:F2")))
    assert len(result.rows) == 1
    assert result.rows[0].values["credit_code"] == "91350102MA2XYW01K7"


@pytest.mark.parametrize(("written", "expected"), [
    ("★ 需国家知识产权局协调", FLAG_NATIONAL),
    ("需国家知识产权局协调★", FLAG_NATIONAL),
    ("国家知识产权局", FLAG_NATIONAL),
    ("需省局帮助对接", FLAG_PROVINCIAL),
    ("（省局）", FLAG_PROVINCIAL),
    ("否", "本地解决"),
    ("属地解决", "本地解决"),
    ("国家局、省局", "国家局、省局"),  # cannot tell: kept as written, flagged by validation
])
def test_coordination_level_spellings(tmp_path, written, expected):
    rows = [["需求主体名称", "需求类别", "需求内容", "协调层级"], [NEED_A[0], NEED_A[1], NEED_A[2], written]]
    row = read_file(write_xlsx(tmp_path / "c.xlsx", rows)).rows[0]
    assert row.values["coord_level"] == expected
    assert ("coord_level" in row.problems) == (expected == written)


def test_notes_totals_and_signatures_are_not_needs(tmp_path):
    rows = [
        ["序号", "需求主体名称", "需求类别", "需求内容", "协调层级"],
        [1, *NEED_A],
        ["合计", "共 1 项"],
        ["填表说明："],
        ["1.需求类别从下拉列表选择；", "2.每行一项需求。"],
        ["注：需求主体名称填写全称"],
        ["填报人：林晓", None, "联系电话：0591-87530216", "填报日期：2023-05-20"],
    ]
    result = read_file(write_xlsx(tmp_path / "n.xlsx", rows))
    assert [r.values["subject_name"] for r in result.rows] == [NEED_A[0]]
    # The signature line under the table still tells who reported.
    assert (result.header.reporter, result.header.phone, result.header.report_date) == (
        "林晓", "0591-87530216", "2023-05-20")


def test_numbers_and_dates_typed_as_text_in_cases(tmp_path):
    rows = [["案例名称", "试点案例"], ["推荐单位", UNIT], ["案例类别", "品牌价值"],
            ["服务企业数（家）", "１２"], ["开展活动（场）", 3.0], ["参与人数（人次）", "约300"]]
    row = read_file(write_xlsx(tmp_path / "case.xlsx", rows)).rows[0]
    assert (row.values["enterprises"], row.values["activities"]) == (12, 3)
    assert row.values["participants"] == "约300" and "participants" in row.problems
    assert row.values["category"] == "知识产权服务提升品牌价值"


def test_formulas_give_their_calculated_values(tmp_path):
    # openpyxl writes no cached values; a file saved by Excel has them. Either way no "=ROW()" text.
    rows = [["序号", "需求主体名称", "需求类别", "需求内容", "协调层级"], ["=ROW()-1", *NEED_A]]
    result = read_file(write_xlsx(tmp_path / "f.xlsx", rows))
    assert result.rows[0].values["subject_name"] == NEED_A[0]


def test_hidden_sheets_are_not_read(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", [["需求主体名称", "需求类别", "需求内容", "协调层级"], NEED_A])
    wb = openpyxl.load_workbook(path)
    lists = wb.create_sheet("下拉选项")
    lists.append(["需求主体名称", "需求类别", "需求内容", "协调层级"])
    lists.append(NEED_B)
    lists.sheet_state = "hidden"
    wb.save(path)
    assert [r.values["subject_name"] for r in read_file(path).rows] == [NEED_A[0]]


def test_several_sheets_of_needs(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [["需求主体名称", "需求类别", "需求内容", "协调层级"], NEED_A], sheet="鼓楼")
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("台江")
    ws.append(["需求主体名称", "需求类别", "需求内容", "协调层级"])
    ws.append(NEED_B)
    wb.save(path)
    result = read_file(path)
    assert [(r.sheet, r.values["subject_name"]) for r in result.rows] == [("鼓楼", NEED_A[0]), ("台江", NEED_B[0])]


# ---- the metadata sheet ---------------------------------------------------------------------


def _with_meta(path: Path, records: list[MetaRow], fmt: int | None = None, **kw) -> Path:
    wb = openpyxl.load_workbook(path)
    write_meta(wb, ExportMeta(form_id="needs", schema=3, app_version="0.1.0", unit=UNIT, records=records, **kw))
    if fmt is not None:
        wb[META_SHEET]["B1"] = fmt
    wb.save(path)
    return path


def _meta_case(tmp_path) -> tuple[Path, list]:
    rows = [["需求主体名称", "需求类别", "需求内容", "协调层级"], NEED_A, NEED_B]
    path = write_xlsx(tmp_path / "meta.xlsx", rows, sheet="需求清单")
    plain = read_file(path).rows
    records = [MetaRow("需求清单", r.row_number, f"00000000-0000-4000-8000-00000000000{i}", "2023-05-01T10:00:00+08:00",
                       record_digest(NEEDS, r.values)) for i, r in enumerate(plain)]
    return _with_meta(path, records), plain


def test_ids_come_from_the_metadata_sheet(tmp_path):
    path, _ = _meta_case(tmp_path)
    result = read_file(path)
    assert [(r.id, r.id_source) for r in result.rows] == [("00000000-0000-4000-8000-000000000000", "digest"), ("00000000-0000-4000-8000-000000000001", "digest")]
    assert result.header.unit == UNIT  # from the metadata: the sheet has no header block


def test_rows_moved_in_excel_keep_their_ids(tmp_path):
    path, _ = _meta_case(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["需求清单"]
    ws.insert_rows(2)  # a row inserted above: every record moves down one row
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "新加的企业有限公司", "贯标", "新增需求。", "本地"
    ws["C4"] = "需要评估机构和银行对接，并希望省局协调。"  # edited and moved: no digest match
    wb.save(path)
    result = read_file(path)
    ids = {r.values["subject_name"]: (r.id, r.id_source) for r in result.rows}
    assert ids[NEED_A[0]] == ("00000000-0000-4000-8000-000000000000", "digest")
    assert ids["新加的企业有限公司"] == (None, "")  # its position was id-0's, already taken by digest
    assert ids[NEED_B[0]] == (None, "")  # edited and moved: left to the natural key


def test_visible_cells_win_over_metadata(tmp_path):
    path, _ = _meta_case(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["需求清单"]["C2"] = "改过的需求内容。"
    wb.save(path)
    row = read_file(path).rows[0]
    assert row.values["content"] == "改过的需求内容。"
    assert (row.id, row.id_source) == ("00000000-0000-4000-8000-000000000000", "position")


def test_metadata_lost_when_resaved_elsewhere(tmp_path):
    path, _ = _meta_case(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb[META_SHEET]
    wb.save(path)
    result = read_file(path)
    assert result.meta is None and all(r.id is None for r in result.rows)


def test_file_from_a_newer_version(tmp_path):
    path, _ = _meta_case(tmp_path)
    _with_meta(write_xlsx(tmp_path / "new.xlsx", [["需求主体名称", "需求类别", "需求内容", "协调层级"], NEED_A]),
               [], fmt=99)
    with pytest.raises(ReadError, match="new.xlsx.*更新版本"):
        read_file(tmp_path / "new.xlsx")


# ---- bad files ------------------------------------------------------------------------------


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a phrase its message must contain)."""
    out: dict[str, tuple[Path, str]] = {}
    txt = tmp_path / "改了扩展名.xlsx"
    txt.write_text("这是一个文本文件，不是表格。\n", encoding="utf-8")
    out["text"] = (txt, "不是 Excel")
    good = write_xlsx(tmp_path / "good.xlsx", [["需求主体名称", "需求类别", "需求内容", "协调层级"], NEED_A])
    corrupt = tmp_path / "损坏.xlsx"
    corrupt.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    out["corrupt"] = (corrupt, "损坏")
    garbled = tmp_path / "坏的表格.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(garbled, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<worksheet><sheetData><row" if "sheet1" in item.filename else data)
    out["garbled"] = (garbled, "损坏")
    encrypted = tmp_path / "加密.xlsx"
    shutil.copy(DATA / "encrypted_needs.xlsx", encrypted)
    out["encrypted"] = (encrypted, "密码")
    other = write_xlsx(tmp_path / "工资表.xlsx", [["姓名", "部门", "工资"], ["张三", "办公室", 5000]])
    out["other form"] = (other, "找不到")
    case = write_xlsx(tmp_path / "案例.xlsx", [["案例名称", "某案例"], ["推荐单位", UNIT], ["案例类别", "品牌价值"],
                                              ["背景情况", "……"]])
    out["cases given as needs"] = (case, "优秀案例推荐表")
    empty = tmp_path / "空表.xlsx"
    openpyxl.Workbook().save(empty)
    out["empty workbook"] = (empty, "空")
    header_only = write_xlsx(tmp_path / "只有表头.xlsx", [["需求主体名称", "需求类别", "需求内容", "协调层级"]])
    out["header only"] = (header_only, "没有填写任何需求")
    zero = tmp_path / "零字节.xlsx"
    zero.write_bytes(b"")
    out["zero bytes"] = (zero, "空文件")
    docx = tmp_path / "文档.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    out["word"] = (docx, "Word")
    html = tmp_path / "网页导出.xls"
    html.write_text("<html><table><tr><td>需求主体名称</td></tr></table></html>", encoding="utf-8")
    out["html"] = (html, "HTML")
    pdf = tmp_path / "扫描件.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%...")
    out["pdf"] = (pdf, "不是表格")
    return out


BAD = ["text", "corrupt", "garbled", "encrypted", "other form", "cases given as needs", "empty workbook",
       "header only", "zero bytes", "word", "html", "pdf"]


@pytest.mark.parametrize("kind", BAD)
def test_bad_files_give_a_chinese_sentence_naming_the_file(tmp_path, kind):
    path, phrase = _bad_files(tmp_path)[kind]
    with pytest.raises(ReadError) as err:
        read_file(path, form_hint="needs")
    message = str(err.value)
    assert path.name in message
    assert phrase in message
    assert "Traceback" not in message and "Error" not in message


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="找不到文件“无.xlsx”"):
        read_file(tmp_path / "无.xlsx")


def test_row_limit_names_sheet_and_row(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_table, "MAX_DATA_ROWS", 3)
    rows = [["需求主体名称", "需求类别", "需求内容", "协调层级"]] + [[f"企业{i}", *NEED_A[1:]] for i in range(6)]
    with pytest.raises(ReadError, match=r"“big.xlsx”的工作表“清单”超过 3 行数据（第 5 行仍有内容）"):
        read_file(write_xlsx(tmp_path / "big.xlsx", rows, sheet="清单"))


def _huge_xlsx(path: Path, n: int) -> Path:
    """A minimal workbook with ``n`` need rows, streamed into the zip without building it in memory."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="清单" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main">')
            fh.write(f'<dimension ref="A1:D{n + 1}"/><sheetData>'.encode())  # as Excel and WPS write it
            head = "".join(cell(f"{c}1", t) for c, t in zip("ABCD", ["需求主体名称", "需求类别", "需求内容", "协调层级"],
                                                              strict=True))
            fh.write(f'<row r="1">{head}</row>'.encode())
            chunk = []
            for r in range(2, n + 2):
                chunk.append(f'<row r="{r}">{cell(f"A{r}", f"企业{r}")}{cell(f"B{r}", "贯标")}'
                             f'{cell(f"C{r}", "需要贯标培训")}</row>')
                if len(chunk) == 10_000:
                    fh.write("".join(chunk).encode())
                    chunk.clear()
            fh.write("".join(chunk).encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def test_rows_past_the_limit_are_refused_early(tmp_path, monkeypatch):
    # The real limit is 200,000; a lower one keeps the test quick while showing the
    # reader stops at the limit instead of reading the remaining rows first.
    # (A file of a million rows is refused before parsing: tests/exports/test_hostile.py.)
    monkeypatch.setattr(reader_table, "MAX_DATA_ROWS", 20_000)
    path = _huge_xlsx(tmp_path / "百万行.xlsx", 30_000)
    with pytest.raises(ReadError, match="百万行.xlsx.*超过 20,000 行.*拆分"):
        read_file(path)


def test_cancel_while_reading(tmp_path):
    class Stop:
        cancelled = False

        def update(self, done, total, text=""):
            self.cancelled = True

    rows = [["需求主体名称", "需求类别", "需求内容", "协调层级"]] + [[f"企业{i}", *NEED_A[1:]] for i in range(2500)]
    with pytest.raises(Cancelled):
        read_file(write_xlsx(tmp_path / "c.xlsx", rows), progress=Stop())


def test_a_list_of_cases_one_per_row(tmp_path):
    rows = [["2023年优秀案例推荐汇总表"],
            ["序号", "案例名称", "推荐单位", "所属地区", "案例类别", "服务企业数（家）"],
            [1, "案例甲", UNIT, "福州市鼓楼区", "品牌价值", "12"],
            [2, "案例乙", "福州市台江区市场监督管理局", "台江区", "转移转化", 8]]
    result = read_file(write_xlsx(tmp_path / "cases.xlsx", rows), form_hint="cases")
    assert result.form_id == "cases"
    assert [(r.values["name"], r.values["city"], r.values["district"], r.values["enterprises"])
            for r in result.rows] == [("案例甲", "福州市", "鼓楼区", 12), ("案例乙", "福州市", "台江区", 8)]
    assert result.rows[1].values["category"] == "知识产权服务促进转移转化"
