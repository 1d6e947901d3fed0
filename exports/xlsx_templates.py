"""Blank Excel templates of both forms, for colleagues who fill them by hand in Excel/WPS.

They have the exported workbooks' layout (so one import reads both), empty
value cells shaded to show where to type, the drop-downs, and the metadata
sheet with the form id and no records, so the import knows the form even
when the colleague changed every header.

Every sheet is protected without a password, against accidents only: the
title, the labels and the column titles are locked; the data area and the
header values are not. Sorting, filtering, resizing and inserting rows stay
allowed, and so does formatting (an officer may still set a column to text).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports import xlsx_common as xc
from exports.meta import write_meta
from exports.xlsx_cases import BODY_SIZE, LAYOUT, TEMPLATE_SHEET_NAME, write_case_sheet
from exports.xlsx_needs import (
    FIRST_DATA_ROW,
    SHEET_NAME,
    SPARE_ROWS,
    TABLE_HEADER_ROW,
    TEMPLATE_NOTE,
    TEMPLATE_ROWS,
    NeedsSheet,
    header_cells,
)
from forms import FORMS, RECORD_FORMS
from forms.fields import Layout
from forms.reference import builtin_choices

FORM_IDS = tuple(f.id for f in RECORD_FORMS)


def write_template(form_id: str, path: str | Path, year: int | None = None) -> None:
    """Write the blank template of ``form_id`` ("needs" or "cases") for ``year`` (default: this year)."""
    if form_id not in FORM_IDS:
        raise ValueError(f"unknown form {form_id!r}")
    year = year or dt.date.today().year
    wb = xc.new_workbook(f"{year}年{FORMS[form_id].title}（空白模板）")
    # The built-in lists only: a template goes to colleagues whose app (or
    # none) does not know this officer's additions.
    lists = xc.DropDownLists(wb, builtin_choices().values)
    if FORMS[form_id].layout is Layout.TABLE:
        styles = xc.Styles(wb)
        ws = wb.active
        ws.title = SHEET_NAME
        sheet = NeedsSheet(wb, ws, styles, lists)
        sheet.write_title(year)
        sheet.write_header_block(None, year)
        sheet.write_note(TEMPLATE_NOTE, hint=True)
        sheet.write_table_header()
        sheet.write_blank_rows(TEMPLATE_ROWS)
        sheet.finish()
        _unlock_needs(ws, sheet)
    else:
        styles = xc.Styles(wb, body_size=BODY_SIZE)
        ws = wb.active
        ws.title = TEMPLATE_SHEET_NAME
        write_case_sheet(ws, styles, lists, None)
        for r1, r2, _lc, v1, v2 in LAYOUT.values():
            _unlock(ws, r1, v1, r2, v2)
    write_meta(wb, xc.export_meta(form_id, {}, [], year=year))
    for each in wb.worksheets:
        protect(each)
    xc.save(wb, path)


UNLOCKED = Protection(locked=False)


def protect(ws: Worksheet) -> None:
    """Sheet protection with no password: against overwriting labels by accident, not a lock."""
    p = ws.protection
    p.sheet = True
    # In OOXML a True attribute means "this action is protected": these stay allowed.
    p.sort = p.autoFilter = False
    p.formatCells = p.formatColumns = p.formatRows = False
    p.insertRows = False
    # Locked cells may be selected (to copy a label); so may the cells to fill in.
    p.selectLockedCells = p.selectUnlockedCells = False


def _unlock(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    for r in range(first_row, last_row + 1):
        for c in range(first_col, last_col + 1):
            ws.cell(row=r, column=c).protection = UNLOCKED


def _unlock_needs(ws: Worksheet, sheet: NeedsSheet) -> None:
    """The header values and the whole table under the column titles are to be filled."""
    for r, _l1, _l2, v1, v2 in header_cells(sheet.cols):
        _unlock(ws, r, v1, r, v2)
    _unlock(ws, FIRST_DATA_ROW, 1, sheet.next_row - 1, sheet.ncols)
    # Rows typed or inserted below the shaded ones: the columns' own format says unlocked.
    for i in range(1, sheet.ncols + 1):
        ws.column_dimensions[get_column_letter(i)].protection = UNLOCKED
    last = get_column_letter(sheet.ncols)
    # Excel filters a protected sheet only through a filter set before protecting it.
    ws.auto_filter.ref = f"A{TABLE_HEADER_ROW}:{last}{sheet.next_row - 1 + SPARE_ROWS}"
