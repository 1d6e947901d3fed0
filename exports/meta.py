"""Machine-readable metadata carried inside every exported workbook.

A very hidden sheet records which form the workbook holds, who exported it,
and for each record its UUID, last-updated time and a digest of its visible
values. The visible cells stay the truth: the import reads values from the
visible sheet and uses this sheet only to recognise records. It may be lost
when a colleague re-saves the file in another program; import copes.

Layout of the sheet (``META_SHEET``):
    A1 ``wanlixing-meta``  B1 format version (int)
    then key / value rows (``KEYS``), a blank row, the header
    ``sheet | row | id | updated_at | digest`` and one row per record.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from forms.incoming import ExportMeta, MetaRow
from forms.rules import clean_text

META_SHEET = "_wanlixing_meta"
if TYPE_CHECKING:  # openpyxl only when a workbook is written: main.py imports MetaError for every command
    from openpyxl.workbook.workbook import Workbook

MARKER = "wanlixing-meta"
META_FORMAT = 1
KEYS = ("form_id", "schema", "app_version", "unit", "city", "district", "year", "exported_at",
        "consolidated", "sender")
ROW_HEADER = ("sheet", "row", "id", "updated_at", "digest")
# The sheet is read from a stranger's file: it is streamed and read only this far
# (one row per record, and the import takes at most 200,000 records).
MAX_META_ROWS = 200_100
MAX_META_TEXT = 200  # a unit name, a sheet name, a timestamp: anything longer is not ours
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DIGEST = re.compile(r"^[0-9a-f]{8,128}$")


class MetaError(Exception):
    """A Chinese sentence for the officer."""


def write_meta(wb: Workbook, meta: ExportMeta) -> None:
    """Write the sheet; every cell goes through the text-safe writer, like the visible ones."""
    from exports.xlsx_common import RowWriter, put_value

    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    rows: list[list[object]] = [[MARKER, META_FORMAT]]
    for key in KEYS:
        value = getattr(meta, key)
        if isinstance(value, bool):
            value = int(value)
        rows.append([key, value if value is not None else ""])
    rows.append([])
    rows.append(list(ROW_HEADER))
    for n, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            put_value(ws.cell(row=n, column=c), value)
    if meta.records:  # one row per record: put_value on each cell, written as XML text (fast)
        out = RowWriter(ws, len(rows) + 1, len(ROW_HEADER))
        for n, r in enumerate(meta.records, start=len(rows) + 1):
            out.values(n, [r.sheet, r.row if r.row is not None else "", r.id, r.updated_at, r.digest])


def is_uuid(value: object) -> bool:
    """A record id as the app writes it: a UUID in canonical (lower-case, hyphenated) form."""
    return isinstance(value, str) and bool(_UUID.match(value))


def _plain(value: object) -> str:
    """A metadata value as plain text: one line, no control characters, not absurdly long."""
    if value is None or isinstance(value, bool):
        return ""
    text = clean_text(value)
    return text if len(text) <= MAX_META_TEXT else ""


def read_meta(wb: Workbook) -> ExportMeta | None:
    """The metadata of a workbook, or None when it has none (hand-filled, or lost).

    A record whose id is not a UUID is left out, so its row counts as hand-filled.
    """
    if META_SHEET not in wb.sheetnames:
        return None
    stream = wb[META_SHEET].iter_rows(values_only=True)
    rows = [tuple(row) + (None,) * (5 - len(row)) for row in itertools.islice(stream, MAX_META_ROWS)]
    if not rows or rows[0][0] != MARKER:
        return None
    try:
        fmt = int(rows[0][1])  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if fmt > META_FORMAT:
        raise MetaError("该文件由更新版本的万里行填报助手导出，请升级软件后再导入。")
    values: dict[str, object] = {}
    i = 1
    while i < len(rows) and rows[i][0] not in (None, "", ROW_HEADER[0]):
        values[str(rows[i][0])] = rows[i][1]
        i += 1
    records: list[MetaRow] = []
    for row in rows[i:]:
        if row[0] in (None, "") or row[0] == ROW_HEADER[0] or not is_uuid(row[2]):
            continue
        excel_row = row[1]
        digest = _plain(row[4])
        records.append(MetaRow(
            sheet=_plain(row[0]),
            row=_row_number(excel_row),
            id=str(row[2]),
            updated_at=_plain(row[3]),
            digest=digest if _DIGEST.match(digest) else "",
        ))

    def text(key: str) -> str:
        return _plain(values.get(key))

    year = values.get("year")
    schema = values.get("schema")
    return ExportMeta(
        form_id=text("form_id"),
        schema=int(schema) if isinstance(schema, int) and not isinstance(schema, bool) else 0,
        app_version=text("app_version"),
        unit=text("unit"),
        city=text("city"),
        district=text("district"),
        year=_year(year),
        exported_at=text("exported_at"),
        consolidated=str(values.get("consolidated") or "0") in ("1", "True", "true"),
        records=records,
        sender=text("sender"),
    )


def _row_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if 1 <= value <= 1_048_576 else None
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 7 else None


def _year(value: object) -> int | None:
    number = _row_number(value)
    return number if number is not None and 1900 <= number <= 2200 else None
