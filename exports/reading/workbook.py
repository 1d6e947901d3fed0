"""Opening a colleague's file of any supported kind as a workbook of plain rows.

The kind is judged by the bytes, not the extension. Every sheet is exposed as
rows of plain values (``Sheet.iter_rows``), streamed where the format allows.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import xlrd

from exports.reading import formats
from exports.reading.errors import ReadError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # what Office puts in a password-protected .xlsx




def sniff(path: Path) -> tuple[str, str]:
    """(kind, sha256) where kind is xlsx / xls / csv, judged by the bytes, not the extension."""
    name = path.name
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        head = fh.read(512)
        fh.seek(0)
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    if size == 0:
        raise ReadError(f"“{name}”是空文件（0 字节），没有可导入的内容。")
    ext = path.suffix.lower()
    start = head[:8]
    if start.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise ReadError(f"“{name}”已损坏，无法打开（压缩包结构不完整）。请让对方重新发送文件。") from exc
        if "xl/workbook.xml" in names:
            return "xlsx", digest.hexdigest()
        formats.refuse_zip(name, names)  # .xlsb, .numbers
        if "word/document.xml" in names:
            raise ReadError(f"“{name}”是 Word 文档，不是表格。请导入 Excel 或 WPS 表格文件（.xlsx、.xls）。")
        raise ReadError(f"“{name}”不是 Excel 表格文件，无法导入。请导入 .xlsx、.xls 或 .csv 文件。")
    if start == _OLE_MAGIC:
        if _ENCRYPTED_STREAM in path.read_bytes():
            raise _password_error(name)
        return "xls", digest.hexdigest()
    if head.lstrip()[:1] == b"<":
        raise ReadError(f"“{name}”是网页（HTML）格式的表格，不是真正的 Excel 文件。"
                        "请用 Excel 或 WPS 打开它，另存为 .xlsx 后再导入。")
    if ext == ".csv":
        return "csv", digest.hexdigest()
    if ext in (".xlsx", ".xlsm", ".xls"):
        raise ReadError(f"“{name}”的扩展名是 {ext}，但内容不是 Excel 表格（可能是改了扩展名的其他文件），无法导入。")
    raise ReadError(f"“{name}”不是表格文件，无法导入。请导入 .xlsx、.xls 或 .csv 文件。")


def _password_error(name: str) -> ReadError:
    return formats.PasswordRequired(f"“{name}”设置了打开密码，无法读取。请让对方取消密码后重新发送，"
                                    "或用 Excel/WPS 输入密码打开后另存为无密码的文件再导入。")


class Sheet:
    """One sheet of any supported file: a title, a visibility and rows of plain values."""

    def __init__(self, title: str, state: str, rows_fn, size_hint: int = 0) -> None:
        self.title = title
        self.sheet_state = state
        self._rows_fn = rows_fn
        self.size_hint = size_hint  # number of rows when the file says so (for progress only)

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple]:
        return self._rows_fn()


class Book:
    """The few things ``exports.meta.read_meta`` and the readers need of a workbook."""

    def __init__(self, sheets: list[Sheet], close=None) -> None:
        self.worksheets = sheets
        self._close = close

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self.worksheets]

    def __getitem__(self, title: str) -> Sheet:
        for sheet in self.worksheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)

    def close(self) -> None:
        if self._close:
            self._close()


def _open_xlsx(path: Path) -> Book:
    # read_only streams rows, so a huge sheet is refused at the row limit instead of
    # being loaded; merged cells are not needed: a merged range's value is in its
    # top-left cell and the others read as empty, which is what the readers expect.
    # data_only gives the values Excel calculated, not formulas such as =ROW()-3.
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue  # a chart sheet
        size = ws.max_row if isinstance(getattr(ws, "max_row", None), int) else 0
        sheets.append(Sheet(ws.title, ws.sheet_state, lambda ws=ws: ws.iter_rows(values_only=True), size or 0))
    return Book(sheets, wb.close)


def _open_xls(path: Path, name: str) -> Book:
    try:
        book = xlrd.open_workbook(path, on_demand=False)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise _password_error(name) from exc
        raise ReadError(f"“{name}”不是可读取的 Excel 97-2003 表格（{exc}）。"
                        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc
    states = {0: "visible", 1: "hidden", 2: "veryHidden"}

    def rows(sh) -> Iterator[tuple]:
        for r in range(sh.nrows):
            yield tuple(_xls_value(cell, book.datemode) for cell in sh.row(r))

    return Book([Sheet(sh.name, states.get(sh.visibility, "visible"), lambda sh=sh: rows(sh), sh.nrows)
                  for sh in book.sheets()], book.release_resources)


def _xls_value(cell, datemode: int) -> Any:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


def _open_csv(path: Path, name: str) -> Book:
    with open(path, "rb") as fh:
        raw = fh.read(1 << 16)
        cut = bool(fh.read(1))
    encoding = None
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            raw.decode(candidate)
        except UnicodeDecodeError as exc:
            # The sample may end inside a multi-byte character; only that is forgiven.
            if not (cut and exc.start >= len(raw) - 4):
                continue
        encoding = candidate
        break
    if encoding is None:
        raise ReadError(f"“{name}”的文字编码无法识别（既不是 UTF-8 也不是 GBK），请用 Excel 或 WPS 另存为 .xlsx 后再导入。")
    sample = raw.decode(encoding, errors="ignore")
    try:
        dialect: Any = csv.Sniffer().sniff(sample[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel

    def rows() -> Iterator[tuple]:
        with open(path, encoding=encoding, newline="", errors="replace") as fh:
            for record in csv.reader(fh, dialect):
                yield tuple(v if v.strip() else None for v in record)

    return Book([Sheet(path.stem, "visible", rows)])


def open_book(kind: str, path: Path) -> Book:
    if kind == "xlsx":
        return _open_xlsx(path)
    if kind == "xls":
        return _open_xls(path, path.name)
    return _open_csv(path, path.name)
