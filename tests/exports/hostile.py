"""Hostile files, built small on disk: used by tests/exports/test_hostile.py and bench/hostile_files.py.

Each builder writes one file into a folder and returns its path. ``HOSTILE`` maps
a short name to (builder, what the reader must do): ``"refused:<words>"`` means a
ReadError whose message contains the file name and those words, ``"read"`` means
it is imported.
"""

from __future__ import annotations

import codecs
import random
import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = ("需求主体名称", "需求类别", "需求内容", "协调层级")


def _ct(n: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                     f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            f'main+xml"/>{sheets}</Types>')


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def table_rows(n: int = 2, first: int = 1) -> str:
    """The needs header on row ``first`` and ``n`` needs under it, as sheet XML rows."""
    out = [f'<row r="{first}">' + "".join(cell(f"{c}{first}", t) for c, t in zip("ABCD", HEAD, strict=True)) + "</row>"]
    for r in range(first + 1, first + 1 + n):
        out.append(f'<row r="{r}">{cell(f"A{r}", f"企业{r}")}{cell(f"B{r}", "贯标")}{cell(f"C{r}", "需要贯标培训")}</row>')
    return "".join(out)


def write_xlsx(path: Path, sheets: list[tuple[str, Iterable[bytes] | bytes]], states: dict[str, str] | None = None,
               extra: dict[str, bytes] | None = None, level: int = 6) -> Path:
    """A minimal workbook; each sheet's XML is given whole or as chunks (streamed into the zip)."""
    states = states or {}
    entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
                      + (f' state="{states[name]}"' if name in states else "") + "/>"
                      for i, (name, _) in enumerate(sheets, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    if "xl/sharedStrings.xml" in (extra or {}):
        rels += f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", _ct(len(sheets)))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
                   f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
                   f'xmlns:r="{REL_NS}"><sheets>{entries}</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?>'
                   f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        for i, (_, body) in enumerate(sheets, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                for chunk in [body] if isinstance(body, bytes) else body:
                    fh.write(chunk)
    return path


def sheet_xml(rows: str, dimension: str | None = None, prolog: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN_NS}">{dim}'
            f"<sheetData>{rows}</sheetData></worksheet>").encode()


def _streamed(rows: Iterable[str], dimension: str | None = None) -> Iterable[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    chunk: list[str] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= 5000:
            yield "".join(chunk).encode()
            chunk.clear()
    yield "".join(chunk).encode()
    yield b"</sheetData></worksheet>"


# ---- builders ------------------------------------------------------------------------

def meta_dimension_bomb(folder: Path) -> Path:
    """2 KB: a needs list plus a sheet named _wanlixing_meta declaring A1:XFD1048576."""
    meta = sheet_xml('<row r="1">' + cell("A1", "wanlixing-meta") + '<c r="B1"><v>1</v></c></row>'
                     '<row r="2">' + cell("A2", "form_id") + cell("B2", "needs") + "</row>",
                     dimension="A1:XFD1048576")
    return write_xlsx(folder / "元数据维度炸弹.xlsx", [("清单", sheet_xml(table_rows(), "A1:XFD1048576")),
                                                  ("_wanlixing_meta", meta)], {"_wanlixing_meta": "veryHidden"})


def zip_bomb(folder: Path) -> Path:
    """One cell of 3 GiB of "A" (~3 MB on disk): refused by its declared size before anything is unpacked."""
    def body() -> Iterable[bytes]:
        yield sheet_xml(table_rows())[:-len(b"</sheetData></worksheet>")]
        yield b'<row r="9"><c r="C9" t="inlineStr"><is><t>'
        block = b"A" * (1 << 20)
        for _ in range(3 * 1024):
            yield block
        yield b"</t></is></c></row></sheetData></worksheet>"
    return write_xlsx(folder / "压缩炸弹.xlsx", [("清单", body())], level=1)


def ratio_bomb(folder: Path) -> Path:
    """A 60 MiB sheet of whitespace: under the size limits but packed ~1000:1."""
    body = [sheet_xml(table_rows())[:-24], *([b" " * (1 << 20)] * 60), b"</sheetData></worksheet>"]
    return write_xlsx(folder / "高压缩比.xlsx", [("清单", body)], level=9)


def lying_zip(folder: Path) -> Path:
    """A sheet whose central directory declares 1 KB but whose data unpacks to 50 MiB."""
    path = write_xlsx(folder / "谎报大小.xlsx", [("清单", [sheet_xml(table_rows())[:-24], b"<row/>" * 9_000_000,
                                                         b"</sheetData></worksheet>"])], level=9)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")
    while at != -1:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + n] == name:
            struct.pack_into("<I", data, at + 24, 1024)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def row_bomb(folder: Path) -> Path:
    """12 MB, no <dimension>: 400,000 rows each with one empty styled cell at column XFD."""
    rows = (f'<row r="{r}"><c r="XFD{r}" s="1"/></row>' for r in range(3, 400_000))
    body = _streamed([table_rows(), *rows])
    return write_xlsx(folder / "行炸弹.xlsx", [("清单", body)], level=1)


def far_column(folder: Path) -> Path:
    """A value in column XFD: a 16,384-wide row."""
    rows = table_rows() + '<row r="5"><c r="XFD5"><v>1</v></c></row>'
    return write_xlsx(folder / "超宽.xlsx", [("清单", sheet_xml(rows))])


def wide_row(folder: Path) -> Path:
    """One row of 1,000,000 cells without addresses (~20 MB of random numbers, packs ~3:1)."""
    rng = random.Random(9)
    cells = "".join(f"<c><v>{rng.randrange(10**6)}</v></c>" for _ in range(1_000_000))
    body = _streamed([table_rows(), f'<row r="5">{cells}</row>'])
    return write_xlsx(folder / "百万列.xlsx", [("清单", body)], level=1)


def many_cells(folder: Path) -> Path:
    """1.05 million cells with values in 150 columns (random digits so it packs like real data)."""
    rng = random.Random(7)

    def rows() -> Iterable[str]:
        yield table_rows()
        for r in range(4, 4 + 7_000):
            yield f'<row r="{r}">' + "".join(f"<c><v>{rng.randrange(10**6)}</v></c>" for _ in range(150)) + "</row>"
    return write_xlsx(folder / "单元格过多.xlsx", [("清单", _streamed(rows()))], level=1)


def billion_laughs(folder: Path) -> Path:
    lol = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(2, 10)) + "]>")
    rows = table_rows() + '<row r="5">' + '<c r="A5" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return write_xlsx(folder / "实体炸弹.xlsx", [("清单", sheet_xml(rows, prolog=lol))])


def xxe(folder: Path) -> Path:
    """An external entity in the shared strings (reads /etc/passwd if resolved)."""
    sst = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&x;</t></si></sst>')
    return write_xlsx(folder / "外部实体.xlsx", [("清单", sheet_xml(table_rows()))],
                      extra={"xl/sharedStrings.xml": sst.encode()})


def many_parts(folder: Path) -> Path:
    return write_xlsx(folder / "部件过多.xlsx", [("清单", sheet_xml(table_rows()))],
                      extra={f"xl/media/x{i}.bin": b"" for i in range(5000)})


def many_sheets(folder: Path) -> Path:
    return write_xlsx(folder / "工作表过多.xlsx", [(f"S{i}", sheet_xml("")) for i in range(1200)])


def shared_strings_bomb(folder: Path) -> Path:
    """1.2 million distinct shared strings (~25 MB unpacked, random so it packs like text)."""
    rng = random.Random(3)
    sst = "".join(f"<si><t>{rng.randrange(10**9)}</t></si>" for _ in range(1_200_000))
    data = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">{sst}</sst>'.encode()
    return write_xlsx(folder / "共享文字过多.xlsx", [("清单", sheet_xml(table_rows()))],
                      extra={"xl/sharedStrings.xml": data})


def element_names_flood(folder: Path) -> Path:
    """Unknown elements with 100,000 different random names (~33 MB, packs ~3:1)."""
    rng = random.Random(5)

    def junk() -> Iterable[str]:
        yield table_rows()
        for _ in range(1_000):
            yield "".join(f"<x{rng.randrange(10**5)}/>" for _ in range(3_500))
    return write_xlsx(folder / "元素名洪水.xlsx", [("清单", _streamed(junk()))], level=1)


def element_flood(folder: Path) -> Path:
    """3.5 million elements with a few names, in random order so that it packs only ~8:1."""
    rng = random.Random(6)

    def junk() -> Iterable[str]:
        yield table_rows()
        for _ in range(350):
            yield "".join(rng.choice(("<a/>", "<b/>", "<c/>", "<d/>", "<e/>", "<f/>", "<g/>")) for _ in range(10_000))
    return write_xlsx(folder / "元素洪水.xlsx", [("清单", _streamed(junk()))], level=1)


def far_below(folder: Path) -> Path:
    """A need 20,000 rows below the table: read, with a note naming its row."""
    rows = table_rows() + f'<row r="20010">{cell("A20010", "远处企业")}{cell("B20010", "贯标")}' \
                          f'{cell("C20010", "空白之后的需求")}</row>'
    return write_xlsx(folder / "空白之后.xlsx", [("清单", sheet_xml(rows))])


def long_text(folder: Path, chars: int = 200_000) -> Path:
    """需求内容 of ``chars`` random CJK characters (packs ~1.5:1, so not a ratio bomb)."""
    rng = random.Random(11)
    text = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(chars))
    rows = table_rows() + f'<row r="4">{cell("A4", "长文企业")}{cell("B4", "贯标")}{cell("C4", text)}</row>'
    return write_xlsx(folder / "超长文字.xlsx", [("清单", sheet_xml(rows))], level=1)


def formula_meta(folder: Path) -> Path:
    """Our own metadata sheet carrying a DDE formula as the id, the unit and the sheet name."""
    dde = "=cmd|' /C calc'!A0"
    meta_rows = [("wanlixing-meta", 1), ("form_id", "needs"), ("schema", 1), ("unit", dde), ("city", "=1+1"),
                 (None, None), ("sheet", "row", "id", "updated_at", "digest"), ("清单", 2, dde, "x", "0123456789abcdef")]
    xml_rows = []
    for r, values in enumerate(meta_rows, start=1):
        cells = []
        for c, v in zip("ABCDE", values, strict=False):
            if isinstance(v, int):
                cells.append(f'<c r="{c}{r}"><v>{v}</v></c>')
            elif v is not None:
                cells.append(cell(f"{c}{r}", v.replace("&", "&amp;").replace("<", "&lt;")))
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    return write_xlsx(folder / "公式元数据.xlsx", [("清单", sheet_xml(table_rows())),
                                                ("_wanlixing_meta", sheet_xml("".join(xml_rows)))],
                      {"_wanlixing_meta": "veryHidden"})


# ---- text formats ------------------------------------------------------------------------

def csv_huge_field(folder: Path) -> Path:
    path = folder / "超长单元格.csv"
    path.write_text("需求主体名称,需求类别,需求内容\n企业,贯标," + "长" * 300_000 + "\n", encoding="utf-8")
    return path


def csv_too_big(folder: Path) -> Path:
    """A sparse 40 MiB CSV (tiny on disk): refused by its size before decoding."""
    path = folder / "超大.csv"
    with open(path, "wb") as fh:
        fh.write("需求主体名称,需求类别,需求内容\n".encode())
        fh.truncate(40 << 20)
    return path


def csv_many_rows(folder: Path) -> Path:
    path = folder / "行过多.csv"
    path.write_bytes("需求主体名称,需求类别,需求内容\n企业,贯标,培训\n".encode() + b",\n" * 1_100_000)
    return path


def csv_gbk_late(folder: Path) -> Path:
    """GBK whose first 70 KiB are ASCII (a long first line): the encoding must be judged on the whole file."""
    path = folder / "GBK靠后.csv"
    ascii_part = "note: " + "x" * 70_000 + "\n"
    path.write_bytes((ascii_part + "需求主体名称,需求类别,需求内容,协调层级\n福州某企业,贯标,需要贯标培训,本地解决\n")
                     .encode("gbk"))
    return path


def utf16_tsv(folder: Path) -> Path:
    """Excel's “Unicode 文本”: UTF-16LE with a BOM, tab-separated, CRLF."""
    path = folder / "Unicode文本.txt"
    text = "需求主体名称\t需求类别\t需求内容\t协调层级\r\n福州某企业\t贯标\t需要贯标培训\t本地解决\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    return path


def html_xls_bom(folder: Path) -> Path:
    path = folder / "网页带BOM.xls"
    path.write_bytes(codecs.BOM_UTF8 + "<html><body><table><tr><td>需求主体名称</td></tr></table></body></html>".encode())
    return path


def html_xls_utf16(folder: Path) -> Path:
    path = folder / "网页UTF16.xls"
    path.write_bytes(codecs.BOM_UTF16_LE + "<html><table><tr><td>需求主体名称</td></tr></table></html>".encode("utf-16-le"))
    return path


def mht_xls(folder: Path) -> Path:
    path = folder / "单个网页.xls"
    path.write_bytes(b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related; "
                     b'boundary="----=_NextPart"\r\n\r\n------=_NextPart\r\n')
    return path


def xml2003(folder: Path) -> Path:
    path = folder / "XML表格2003.xls"
    path.write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns='
                    '"urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="清单"/></Workbook>',
                    encoding="utf-8")
    return path


def xls_too_big(folder: Path) -> Path:
    """An OLE header and a sparse 40 MiB body: refused by size before xlrd loads it."""
    path = folder / "超大.xls"
    with open(path, "wb") as fh:
        fh.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        fh.truncate(40 << 20)
    return path


Builder = Callable[[Path], Path]
HOSTILE: dict[str, tuple[Builder, str]] = {
    "meta_dimension_bomb": (meta_dimension_bomb, "read"),
    "zip_bomb": (zip_bomb, "refused:超出了导入的安全上限"),
    "ratio_bomb": (ratio_bomb, "refused:压缩比异常"),
    "lying_zip": (lying_zip, "refused:"),
    "row_bomb": (row_bomb, "read"),
    "far_column": (far_column, "refused:XFD 列有内容"),
    "wide_row": (wide_row, "refused:GS 列有内容"),
    "many_cells": (many_cells, "refused:单元格超过"),
    "billion_laughs": (billion_laughs, "refused:实体声明"),
    "xxe": (xxe, "refused:实体声明"),
    "many_parts": (many_parts, "refused:个部件"),
    "many_sheets": (many_sheets, "refused:个工作表"),
    "shared_strings_bomb": (shared_strings_bomb, "refused:不同的文字"),
    "element_names_flood": (element_names_flood, "refused:结构异常庞大"),
    "element_flood": (element_flood, "refused:"),
    "far_below": (far_below, "read"),
    "long_text": (long_text, "read"),
    "formula_meta": (formula_meta, "read"),
    "csv_huge_field": (csv_huge_field, "refused:无法按 CSV 读取"),
    "csv_too_big": (csv_too_big, "refused:大于 32 MB"),
    "csv_many_rows": (csv_many_rows, "refused:超过 1,048,576 行"),
    "csv_gbk_late": (csv_gbk_late, "read"),
    "utf16_tsv": (utf16_tsv, "read"),
    "html_xls_bom": (html_xls_bom, "refused:网页（HTML）"),
    "html_xls_utf16": (html_xls_utf16, "refused:网页（HTML）"),
    "mht_xls": (mht_xls, "refused:.mht"),
    "xml2003": (xml2003, "refused:XML 电子表格 2003"),
    "xls_too_big": (xls_too_big, "refused:大于 32 MB"),
}
