"""Blank Excel templates of both forms, for colleagues who fill them by hand in Excel/WPS.

They have the exported workbooks' layout (so one import reads both), empty
value cells shaded to show where to type, the drop-downs, and the metadata
sheet with the form id and no records, so the import knows the form even
when the colleague changed every header.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from exports import xlsx_common as xc
from exports.meta import write_meta
from exports.xlsx_cases import BODY_SIZE, TEMPLATE_SHEET_NAME, write_case_sheet
from exports.xlsx_needs import SHEET_NAME, TEMPLATE_NOTE, TEMPLATE_ROWS, NeedsSheet
from forms import FORMS
from forms.reference import builtin_choices

FORM_IDS = ("needs", "cases")


def write_template(form_id: str, path: str | Path, year: int | None = None) -> None:
    """Write the blank template of ``form_id`` ("needs" or "cases") for ``year`` (default: this year)."""
    if form_id not in FORM_IDS:
        raise ValueError(f"unknown form {form_id!r}")
    year = year or dt.date.today().year
    wb = xc.new_workbook(f"{year}年{FORMS[form_id].title}（空白模板）")
    # The built-in lists only: a template goes to colleagues whose app (or
    # none) does not know this officer's additions.
    lists = xc.ChoiceLists(wb, builtin_choices().values)
    if form_id == "needs":
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
    else:
        styles = xc.Styles(wb, body_size=BODY_SIZE)
        ws = wb.active
        ws.title = TEMPLATE_SHEET_NAME
        write_case_sheet(ws, styles, lists, None)
    write_meta(wb, xc.export_meta(form_id, {}, [], year=year))
    xc.save(wb, path)
