"""Streaming the rows of an .xlsx sheet within the bounds of :mod:`exports.reading.limits`.

openpyxl's read-only sheets pad every row to ``<dimension>`` (a 2 KB file can
declare 16,384 columns × 1,048,576 rows), pad each row to its last cell
(``<c r="XFD1"/>``), and build a whole ``<row>`` element before yielding it (a
row of a million cells). So rows are parsed here with expat, which keeps
nothing but the current row: a value past ``MAX_COLUMNS``, a row past Excel's
last row, too many cells or elements are refused as they are met, and a DTD in
the sheet is refused outright.

openpyxl still opens the workbook (sheet list, shared strings, styles — small
parts, bounded by the zip checks and parsed with defusedxml). The few private
attributes used for that are read in :func:`sheet_source` and :class:`Context`,
the one place that knows openpyxl internals; ``tests/exports/test_hostile.py``
fails loudly if an upgrade renames them.
"""

from __future__ import annotations

import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

from exports.reading import limits
from exports.reading.errors import ReadError

CHUNK = 64 * 1024


@dataclass
class Context:
    """What converting a cell needs from the workbook, and the per-file running counts."""

    file_name: str
    shared: Any = ()
    date_styles: Any = frozenset()
    timedelta_styles: Any = frozenset()
    epoch: Any = None
    cells: int = 0  # cells with a value read so far, in all sheets

    @classmethod
    def of(cls, wb, file_name: str) -> Context:
        # openpyxl internals (3.1): the shared-string table (held by each read-only sheet) and the style ids whose
        # number format is a date / a duration, as its own WorkSheetParser gets them.
        sheets = [ws for ws in wb.worksheets if hasattr(ws, "_shared_strings")]
        shared = sheets[0]._shared_strings if sheets else []  # one list, shared by every sheet
        if len(shared) > limits.MAX_SHARED_STRINGS:
            raise limits.too_big(file_name, f"有 {len(shared):,} 个不同的文字")
        return cls(file_name, shared, wb._date_formats, wb._timedelta_formats, wb.epoch)


def sheet_source(wb, ws):
    """The open zip member of a read-only worksheet (openpyxl internals, 3.1)."""
    return wb._archive.open(ws._worksheet_path)


class _RowParser:
    def __init__(self, ctx: Context, sheet: str) -> None:
        self.ctx = ctx
        self.sheet = sheet
        self.elements = 0
        self.done: list[tuple[int, dict[int, Any]]] = []
        self.row_number = 0
        self.row: dict[int, Any] | None = None
        self.col = 0
        self.cell_type = "n"
        self.cell_style = 0
        self.text: list[str] | None = None  # collecting the text of <v> or <is><t>
        self.value_parts: list[str] | None = None
        self.in_is = 0
        self.in_rph = 0
        p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.chars
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.doctype
        p.buffer_text = True
        self.parser = p

    def doctype(self, *args) -> None:
        raise ReadError(f"“{self.ctx.file_name}”的工作表“{self.sheet}”含有 XML 实体声明（DTD），"
                        "Excel 从不写入这种内容，可能是恶意构造的文件，未导入。")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > limits.MAX_ELEMENTS:
            raise limits.elements_error(self.ctx.file_name, self.sheet)
        local = tag.rpartition(" ")[2]
        if local == "c" and self.row is not None:
            ref = attrs.get("r")
            col = _column_of(ref) if ref else self.col + 1
            self.col = col if col > 0 else self.col + 1
            self.cell_type = attrs.get("t", "n")
            try:
                self.cell_style = int(attrs.get("s", 0))
            except ValueError:
                self.cell_style = 0
            self.value_parts = None
        elif local == "row":
            r = attrs.get("r")
            number = int(r) if r and r.isdigit() else self.row_number + 1
            if number <= self.row_number:
                number = self.row_number + 1  # rows out of order: keep them in file order
            if number > limits.MAX_ROWS:
                raise limits.rows_error(self.ctx.file_name, self.sheet)
            self.row_number = number
            self.row = {}
            self.col = 0
        elif local == "v" and self.row is not None:
            self.text = []
        elif local == "is":
            self.in_is += 1
            self.value_parts = []
        elif local == "rPh":
            self.in_rph += 1  # phonetic guide: not part of the value
        elif local == "t" and self.in_is and not self.in_rph:
            self.text = []

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, tag: str) -> None:
        local = tag.rpartition(" ")[2]
        if local == "v" and self.text is not None:
            self.value_parts = self.text
            self.text = None
        elif local == "t" and self.text is not None:
            if self.value_parts is not None:
                self.value_parts.extend(self.text)
            self.text = None
        elif local == "rPh":
            self.in_rph -= 1
        elif local == "is":
            self.in_is -= 1
        elif local == "c" and self.row is not None:
            parts = self.value_parts
            self.value_parts = None
            if parts is None:
                return
            value = self.convert("".join(parts))
            if value is None:
                return
            if self.col > limits.MAX_COLUMNS:
                raise limits.column_error(self.ctx.file_name, self.sheet, self.row_number, self.col)
            self.ctx.cells += 1
            if self.ctx.cells > limits.MAX_CELLS:
                raise limits.cells_error(self.ctx.file_name)
            self.row[self.col] = value
        elif local == "row" and self.row is not None:
            self.done.append((self.row_number, self.row))
            self.row = None

    def convert(self, text: str) -> Any:
        """The cell's value as openpyxl's WorkSheetParser (data_only) gives it."""
        t = self.cell_type
        if t == "s":
            try:
                return self.ctx.shared[int(text)]
            except (ValueError, IndexError):
                return None
        if t in ("str", "inlineStr", "e"):
            return text if text != "" else None
        if t == "b":
            return text.strip() in ("1", "true")
        if t == "d":
            try:
                return from_ISO8601(text)
            except ValueError:
                return text
        text = text.strip()
        if not text:
            return None
        try:
            number: Any = float(text) if any(ch in text for ch in ".eE") else int(text)
        except ValueError:
            return text
        if self.cell_style and self.cell_style in self.ctx.date_styles:
            try:
                return from_excel(number, self.ctx.epoch, timedelta=self.cell_style in self.ctx.timedelta_styles)
            except (OverflowError, ValueError, TypeError):
                return "#VALUE!"
        return number


def _column_of(ref: str) -> int:
    letters = ref.rstrip("0123456789$").lstrip("$")
    if not letters or len(letters) > 3:
        return 0
    try:
        return column_index_from_string(letters.upper())
    except ValueError:
        return 0


def iter_sheet_rows(source, ctx: Context, sheet: str) -> Iterator[tuple]:
    """Rows from row 1 as tuples of plain values; a missing row is ``()``. Closes ``source``."""
    parser = _RowParser(ctx, sheet)
    emitted = 0
    try:
        while True:
            chunk = source.read(CHUNK)
            try:
                parser.parser.Parse(chunk, not chunk)
            except xml.parsers.expat.ExpatError as exc:
                raise ReadError(f"“{ctx.file_name}”的工作表“{sheet}”已损坏（XML 结构错误），无法读取。"
                                "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc
            done, parser.done = parser.done, []
            for number, cells in done:
                while emitted + 1 < number:
                    emitted += 1
                    yield ()
                emitted = number
                width = max(cells, default=0)
                yield tuple(cells.get(c) for c in range(1, width + 1))
            if not chunk:
                break
    finally:
        source.close()
