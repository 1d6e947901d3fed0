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

from copy import copy

from openpyxl.cell.cell import Cell
from openpyxl.styles.named_styles import NamedStyle


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
