"""Text files: CSV/TSV in any encoding Excel or WPS writes, and the look-alikes that are not tables.

Excel's “CSV” is in the system code page (GBK on Chinese Windows), “CSV UTF-8”
has a BOM, and “Unicode 文本” is UTF-16LE with a BOM, tab-separated. The
encoding is decided on the whole file, decoded as a stream (a GBK file whose
first 64 KiB are ASCII is still GBK). Web pages saved as .xls (HTML, with or
without a BOM, UTF-16 too), single-file web pages (.mht) and XML Spreadsheet
2003 are recognised and refused with the reason and what to do.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exports.reading import limits
from exports.reading.errors import ReadError

TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
MAX_FIELD_CHARS = 131_072  # csv's own default; a cell longer than this is not a list

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_RESAVE = "请用 Excel 或 WPS 打开它，另存为 .xlsx 后再导入。"


def _bom_encoding(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    sample = head[:512]
    if len(sample) >= 8 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
        return "utf-16-le"
    if len(sample) >= 8 and sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
        return "utf-16-be"
    return None


def head_text(head: bytes) -> str:
    """The first bytes as text, whatever the encoding, for recognising the kind of file."""
    encoding = _bom_encoding(head)
    if encoding:
        data = head[len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0:]
        return data.decode(encoding.replace("-sig", ""), errors="ignore").lstrip("\ufeff")
    return head.decode("utf-8", errors="ignore")


def refuse_lookalike(head: bytes, name: str) -> None:
    """Raise ReadError when the file is a web page or an XML spreadsheet rather than a table file."""
    text = head_text(head).lstrip()
    lower = text[:4096].lower()
    if lower.startswith("mime-version:") or "multipart/related" in lower[:2048] and "content-type:" in lower:
        raise ReadError(f"“{name}”是“单个文件网页”（.mht）格式，不是真正的 Excel 表格。{_RESAVE}")
    if not text.startswith("<"):
        return
    if "urn:schemas-microsoft-com:office:spreadsheet" in lower or 'progid="excel.sheet"' in lower:
        raise ReadError(f"“{name}”是“XML 电子表格 2003”格式，本软件无法直接读取。{_RESAVE}")
    if "<html" in lower or "<table" in lower or "<!doctype html" in lower or "<meta" in lower:
        raise ReadError(f"“{name}”是网页（HTML）格式的表格，不是真正的 Excel 文件。{_RESAVE}")
    raise ReadError(f"“{name}”是 XML 或网页文件，不是 Excel 表格。{_RESAVE}")


def detect_encoding(path: Path, name: str) -> str:
    """The file's encoding, decided on all of it: a BOM, else UTF-8 if all of it decodes, else GB18030."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    encoding = _bom_encoding(head)
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    for candidate in candidates:
        decoder = codecs.getincrementaldecoder(candidate)()
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return candidate
    raise ReadError(f"“{name}”的文字编码无法识别（不是 UTF-8、UTF-16 或 GBK），请用 Excel 或 WPS 另存为 .xlsx 后再导入。")


def open_text_rows(path: Path, name: str) -> tuple[str, Any]:
    """(encoding, a function giving the rows) of a CSV/TSV file, within the limits."""
    limits.check_file_size(name, path.stat().st_size, limits.MAX_TEXT_BYTES)
    encoding = detect_encoding(path, name)
    with open(path, encoding=encoding, newline="", errors="replace") as fh:
        sample = fh.read(8192)
    sample = sample.lstrip("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel

    def rows() -> Iterator[tuple]:
        cells = 0
        with open(path, encoding=encoding, newline="", errors="replace") as fh:
            reader = csv.reader(_no_bom(fh), dialect)
            number = 0
            try:
                for record in reader:
                    number += 1
                    if number > limits.MAX_ROWS:
                        raise limits.rows_error(name, path.stem)
                    values = tuple(v if v.strip() else None for v in record)
                    width = len(values)
                    while width and values[width - 1] is None:
                        width -= 1
                    if width > limits.MAX_COLUMNS:
                        raise limits.column_error(name, path.stem, number, width)
                    cells += sum(1 for v in values[:width] if v is not None)
                    if cells > limits.MAX_CELLS:
                        raise limits.cells_error(name)
                    yield values[:width]
            except csv.Error as exc:
                raise ReadError(f"“{name}”第 {reader.line_num:,} 行无法按 CSV 读取（可能有一个单元格超过 "
                                f"{MAX_FIELD_CHARS:,} 个字，或引号不成对）。{_RESAVE}") from exc

    return encoding, rows


def _no_bom(lines):
    first = True
    for line in lines:
        if first:
            line = line.lstrip("\ufeff")
            first = False
        yield line
