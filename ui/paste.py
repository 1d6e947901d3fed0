"""Reading a block copied from Excel/WPS: tab-separated rows, quoted cells with line breaks."""

from __future__ import annotations

import csv
import io

from forms.fields import Field
from forms.reference import fold


def parse_clipboard(text: str) -> list[list[str]]:
    """Rows of cells; trailing empty rows (Excel adds a final newline) are dropped."""
    if not text:
        return []
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t", quotechar='"'))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def header_mapping(first_row: list[str], fields: list[Field]) -> dict[int, str] | None:
    """If ``first_row`` is a header row (at least two known labels), map column index -> field key."""
    known: dict[str, str] = {}
    for f in fields:
        for name in (f.label, *f.header_aliases):
            known[fold(name).replace("（", "(").replace("）", ")")] = f.key
    mapping: dict[int, str] = {}
    for i, cell in enumerate(first_row):
        key = known.get(fold(cell).replace("（", "(").replace("）", ")"))
        if key and key not in mapping.values():
            mapping[i] = key
    return mapping if len(mapping) >= 2 else None
