"""Every use of openpyxl's internals, in one place (tested by tests/exports/test_compat_openpyxl.py).

Styling a cell the public way (``cell.style = "name"``) looks the name up in the
workbook's list and compares style objects on every call; a 10,000-need list has
about 150,000 cells, which made that lookup seconds of the export. A registered
``NamedStyle`` already carries the small index array a cell stores
(``NamedStyle.as_tuple()``), so a cell can take a copy of that array directly
(``Cell._style``): the same result, several times faster.

Pinned below the next major version in pyproject.toml; when openpyxl is upgraded, the
test fails here first, with the name of what changed.
"""

from __future__ import annotations

import re
from copy import copy

from openpyxl.cell.cell import Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.named_styles import NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet


def style_array(style: NamedStyle) -> object:
    """The index array of a named style already added to the workbook (``wb.add_named_style``)."""
    return style.as_tuple()


def set_style_array(cell: Cell, array: object) -> None:
    """Give ``cell`` the look ``array`` stands for; as ``cell.style = name``, without the lookup."""
    cell._style = copy(array)


def with_number_format(array: object, number_format_id: int) -> object:
    """A copy of a style index array with another number format (e.g. 49, Text), for identifier columns."""
    changed = copy(array)
    changed.numFmtId = number_format_id  # type: ignore[attr-defined]
    return changed


# ---- rows written as XML text ------------------------------------------------------
#
# openpyxl serialises every cell through an element tree (et_xmlfile when lxml is absent, as it
# is here): building and writing a 10,000-need list's 150,000 cells that way was most of the
# export. The data rows of a big sheet are instead written by the export as the XML text of
# ``<row>`` elements, in the format openpyxl itself writes (inline strings, the workbook's style
# ids), kept in a ``RawRows`` on the sheet, and spliced into the sheet's XML when the workbook is
# saved. Everything else (merged cells, validations, comments, print titles, charts) stays
# openpyxl's.

_RAW_ROWS = "_wlx_raw_rows"


class RawRows:
    """Rows of one sheet, from ``first_row`` down, as ready XML text (see the note above).

    The sheet's own openpyxl cells must all lie above ``first_row``; saving checks it.
    """

    def __init__(self, ws: Worksheet, first_row: int) -> None:
        if getattr(ws, _RAW_ROWS, None) is not None:
            raise ValueError(f"sheet {ws.title!r} already has raw rows")
        self.first_row = first_row
        self.last_row = first_row - 1
        self.max_col = 0
        self.parts: list[str] = []
        self.comments: list[CommentRecord] = []
        setattr(ws, _RAW_ROWS, self)

    def add(self, row: int, xml: str, max_col: int) -> None:
        """Append the ``<row>`` element ``xml`` (its number ``row``, after the last one added)."""
        if row <= self.last_row or row < self.first_row:
            raise ValueError(f"row {row} out of order")
        self.parts.append(xml)
        self.last_row = row
        self.max_col = max(self.max_col, max_col)

    def comment(self, ref: str, author: str, text: str, width: int, height: int) -> None:
        """A comment (note) on the cell ``ref`` of a raw row, as ``cell.comment = Comment(...)``."""
        record = CommentRecord(ref=ref, author=author)
        record.text.t = text
        record.width, record.height = width, height
        self.comments.append(record)


def style_id(wb: Workbook, array: StyleArray) -> int:
    """The number a cell's ``s`` attribute gives for ``array`` (what ``cell.style_id`` computes)."""
    return wb._cell_styles.add(array)


def with_quote_prefix(array: StyleArray) -> StyleArray:
    """A copy of a style index array with the quote prefix set (as ``cell.quotePrefix = True``)."""
    changed = copy(array)
    changed.quotePrefix = 1
    return changed


_write_rows = WorksheetWriter.write_rows
_write = WorksheetWriter.write


def _write_rows_with_raw(self: WorksheetWriter) -> None:
    raw: RawRows | None = getattr(self.ws, _RAW_ROWS, None)
    if raw is not None and raw.parts:
        below = [r for (r, _c) in self.ws._cells if r >= raw.first_row]
        below += [r for r in self.ws.row_dimensions if r >= raw.first_row]
        if below:
            raise ValueError(f"sheet {self.ws.title!r} has cells in its raw rows (row {min(below)})")
    _write_rows(self)
    if raw is not None:
        self.ws._comments.extend(raw.comments)  # written with the sheet's own (legacy drawing)


def _write_with_raw(self: WorksheetWriter) -> None:
    _write(self)
    raw: RawRows | None = getattr(self.ws, _RAW_ROWS, None)
    if raw is None or not raw.parts:
        return
    with open(self.out, "rb") as f:
        xml = f.read()
    ws = self.ws
    last_col = max(raw.max_col, ws.max_column)
    ref = f"A1:{get_column_letter(last_col)}{raw.last_row}".encode()
    xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml, count=1)
    empty = re.search(rb"<sheetData\s*/>", xml)
    if empty:
        head, tail = xml[:empty.start()] + b"<sheetData>", b"</sheetData>" + xml[empty.end():]
    else:
        at = xml.rindex(b"</sheetData>")
        head, tail = xml[:at], xml[at:]
    with open(self.out, "wb") as f:
        f.write(head)
        f.write("".join(raw.parts).encode("utf-8"))
        f.write(tail)


WorksheetWriter.write_rows = _write_rows_with_raw
WorksheetWriter.write = _write_with_raw
