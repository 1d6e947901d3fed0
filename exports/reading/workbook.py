"""Opening a colleague's file of any supported kind as a workbook of plain rows.

The kind is judged by the bytes, not the extension. Every sheet is exposed as
rows of plain values (``Sheet.iter_rows``), streamed where the format allows.
"""

from __future__ import annotations

import hashlib
import itertools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlrd

from exports.reading import formats, limits
from exports.reading.errors import ReadError
from exports.reading.textfile import TEXT_EXTENSIONS, open_text_rows, refuse_lookalike
from exports.reading.xlsx_rows import iter_sheet_rows, open_workbook

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # what Office puts in a password-protected .xlsx




def sniff(path: Path) -> tuple[str, str]:
    """(kind, sha256) where kind is xlsx / xls / csv, judged by the bytes, not the extension."""
    name = path.name
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        head = fh.read(4096)
        fh.seek(0)
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    if size == 0:
        raise ReadError(f"“{name}”是空文件（0 字节），没有可导入的内容。")
    ext = path.suffix.lower()
    start = head[:8]
    if start.startswith(b"PK"):
        limits.check_file_size(name, size, limits.MAX_XLSX_BYTES)
        names = set(limits.inspect_zip(path, name))  # bounds first: nothing is parsed before this
        if "xl/workbook.xml" in names:
            return "xlsx", digest.hexdigest()
        formats.refuse_zip(name, names)  # .xlsb, .numbers
        if "word/document.xml" in names:
            raise ReadError(f"“{name}”是 Word 文档，不是表格。请导入 Excel 或 WPS 表格文件（.xlsx、.xls）。")
        raise ReadError(f"“{name}”不是 Excel 表格文件，无法导入。请导入 .xlsx、.xls 或 .csv 文件。")
    if start == _OLE_MAGIC:
        limits.check_file_size(name, size, limits.MAX_XLS_BYTES)
        if _ENCRYPTED_STREAM in path.read_bytes():
            raise _password_error(name)
        return "xls", digest.hexdigest()
    refuse_lookalike(head, name)  # HTML / MHT / XML Spreadsheet 2003 saved as .xls
    if ext in TEXT_EXTENSIONS:
        return "csv", digest.hexdigest()
    if ext in (".xlsx", ".xlsm", ".xls"):
        raise ReadError(f"“{name}”的扩展名是 {ext}，但内容不是 Excel 表格（可能是改了扩展名的其他文件），无法导入。")
    raise ReadError(f"“{name}”不是表格文件，无法导入。请导入 .xlsx、.xls 或 .csv 文件。")


def _password_error(name: str) -> ReadError:
    return formats.PasswordRequired(f"“{name}”设置了打开密码，无法读取。请让对方取消密码后重新发送，"
                                    "或用 Excel/WPS 输入密码打开后另存为无密码的文件再导入。")


# Rows of a sheet parsed once and kept for every look at its top (which form, where the
# header is, the header block, a case form's grid). A sheet that ends within them (every
# county's list) is never parsed again; a longer one is streamed from the start once more.
HEAD_ROWS = 500


class Sheet:
    """One sheet of any supported file: a title, a visibility and rows of plain values."""

    def __init__(self, title: str, state: str, rows_fn, size_hint: int = 0) -> None:
        self.title = title
        self.sheet_state = state
        self._rows_fn = rows_fn
        self.size_hint = size_hint  # number of rows when the file says so (for progress only)
        self._head: list[tuple] | None = None
        self._whole = False  # the head holds every row of the sheet
        self.found: dict[str, object] = {}  # what the reader found in the head, by form (the header row)

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple]:
        if self._head is not None and self._whole:
            return iter(self._head)
        return self._rows_fn()

    def head(self, n: int) -> list[tuple]:
        """The first ``n`` rows (fewer when the sheet is shorter), parsed once for up to HEAD_ROWS."""
        if n > HEAD_ROWS:
            return list(itertools.islice(self.iter_rows(), n))
        if self._head is None:
            rows = self._rows_fn()
            try:
                head = list(itertools.islice(rows, HEAD_ROWS + 1))
            finally:
                close = getattr(rows, "close", None)
                if close:
                    close()
            self._whole = len(head) <= HEAD_ROWS
            self._head = head[:HEAD_ROWS]
        return self._head[:n]


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
    # limits.inspect_zip has bounded every part; xlsx_rows reads the workbook
    # without openpyxl's loader and streams rows, ignoring <dimension> and
    # enforcing the row, column and cell limits as it goes. Formulas give the
    # value Excel calculated and saved with them, never the formula.
    zf = zipfile.ZipFile(path)
    try:
        entries, ctx = open_workbook(zf, path.name)
    except BaseException:
        zf.close()
        raise
    sheets = [Sheet(e.title, e.state, lambda e=e: iter_sheet_rows(zf.open(e.part), ctx, e.title))
              for e in entries]
    return Book(sheets, zf.close)


def _open_xls(path: Path, name: str) -> Book:
    try:
        book = xlrd.open_workbook(path, on_demand=False)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise _password_error(name) from exc
        raise ReadError(f"“{name}”不是可读取的 Excel 97-2003 表格（{exc}）。"
                        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc
    states = {0: "visible", 1: "hidden", 2: "veryHidden"}

    if len(book.sheets()) > limits.MAX_SHEETS:
        book.release_resources()
        raise limits.too_big(name, f"有 {len(book.sheets()):,} 个工作表")
    counted = [0]  # cells with a value, in all sheets

    def rows(sh) -> Iterator[tuple]:
        for r in range(sh.nrows):
            values = [_xls_value(cell, book.datemode) for cell in sh.row(r)]
            while values and values[-1] is None:
                values.pop()
            if len(values) > limits.MAX_COLUMNS:
                raise limits.column_error(name, sh.name, r + 1, len(values))
            counted[0] += sum(1 for v in values if v is not None)
            if counted[0] > limits.MAX_CELLS:
                raise limits.cells_error(name)
            yield tuple(values)

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
    _encoding, rows = open_text_rows(path, name)
    return Book([Sheet(path.stem, "visible", rows)])


def open_book(kind: str, path: Path) -> Book:
    if kind == "xlsx":
        return _open_xlsx(path)
    if kind == "xls":
        return _open_xls(path, path.name)
    return _open_csv(path, path.name)
