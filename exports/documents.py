"""Which writer makes which document: one entry per form and kind of file.

The window (``ui/export_actions.py``) and the command line (``main.py export``) both
export through :func:`export_records`, so neither needs to know which module draws a
form. A form with a new layout adds its writers here; the writers import lazily, so
the window starts without loading reportlab.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from forms import FORMS
from forms.fields import Layout
from forms.progress import Progress
from storage import Store

# (form id, extension) -> (module, function). Each function takes (store, path, ids=, progress=)
# and, for a list (Layout.TABLE), consolidated=; it returns the number of records written.
_WRITERS: dict[tuple[str, str], tuple[str, str]] = {
    ("needs", "xlsx"): ("exports.xlsx_needs", "export_needs_xlsx"),
    ("needs", "pdf"): ("exports.pdf_needs", "export_needs_pdf"),
    ("cases", "xlsx"): ("exports.xlsx_cases", "export_cases_xlsx"),
    ("cases", "pdf"): ("exports.pdf_cases", "export_cases_pdf"),
}


def export_records(store: Store, form_id: str, ext: str, path: str | Path, ids: Sequence[str] | None = None,
                   progress: Progress | None = None, consolidated: bool = False, **options: object) -> int:
    """Write the records of ``form_id`` (all live ones when ``ids`` is None) as ``ext``
    ("xlsx" or "pdf"); returns how many were written. ``consolidated`` (the 汇总 by
    region) applies to a list only; ``options`` go to the writer as they are. Runs on
    the calling thread."""
    module, name = _WRITERS[(form_id, ext.lstrip(".").lower())]
    write = getattr(importlib.import_module(module), name)
    if FORMS[form_id].layout is Layout.TABLE:
        options["consolidated"] = consolidated
    return int(write(store, path, ids=ids, progress=progress, **options))
