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

from openpyxl.workbook.workbook import Workbook

from forms.incoming import ExportMeta, MetaRow

META_SHEET = "_wanlixing_meta"
MARKER = "wanlixing-meta"
META_FORMAT = 1
KEYS = ("form_id", "schema", "app_version", "unit", "city", "district", "year", "exported_at",
        "consolidated")
ROW_HEADER = ("sheet", "row", "id", "updated_at", "digest")


class MetaError(Exception):
    """A Chinese sentence for the officer."""


def write_meta(wb: Workbook, meta: ExportMeta) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append([MARKER, META_FORMAT])
    for key in KEYS:
        value = getattr(meta, key)
        if isinstance(value, bool):
            value = int(value)
        ws.append([key, value if value is not None else ""])
    ws.append([])
    ws.append(list(ROW_HEADER))
    for r in meta.records:
        ws.append([r.sheet, r.row if r.row is not None else "", r.id, r.updated_at, r.digest])


def read_meta(wb: Workbook) -> ExportMeta | None:
    """The metadata of a workbook, or None when it has none (hand-filled, or lost)."""
    if META_SHEET not in wb.sheetnames:
        return None
    rows = [tuple(c for c in row) for row in wb[META_SHEET].iter_rows(values_only=True)]
    if not rows or rows[0][0] != MARKER:
        return None
    try:
        fmt = int(rows[0][1])
    except (TypeError, ValueError):
        return None
    if fmt > META_FORMAT:
        raise MetaError("该文件由更新版本的万里行填报助手导出，请升级软件后再导入。")
    values: dict[str, object] = {}
    i = 1
    while i < len(rows) and rows[i] and rows[i][0] not in (None, "", ROW_HEADER[0]):
        values[str(rows[i][0])] = rows[i][1]
        i += 1
    records: list[MetaRow] = []
    for row in rows[i:]:
        if not row or row[0] in (None, "") or row[0] == ROW_HEADER[0] or not row[2]:
            continue
        excel_row = row[1]
        records.append(MetaRow(
            sheet=str(row[0]),
            row=int(excel_row) if isinstance(excel_row, (int, float)) or str(excel_row).isdigit() else None,
            id=str(row[2]),
            updated_at=str(row[3] or ""),
            digest=str(row[4] or ""),
        ))

    def text(key: str) -> str:
        v = values.get(key)
        return "" if v is None else str(v)

    year = values.get("year")
    return ExportMeta(
        form_id=text("form_id"),
        schema=int(values.get("schema") or 0),
        app_version=text("app_version"),
        unit=text("unit"),
        city=text("city"),
        district=text("district"),
        year=int(year) if isinstance(year, (int, float)) or str(year or "").isdigit() else None,
        exported_at=text("exported_at"),
        consolidated=str(values.get("consolidated") or "0") in ("1", "True", "true"),
        records=records,
    )
