"""Which writer makes which document: one entry per form and kind of file.

The window (``ui/export_actions.py``) and the command line (``main.py export``) both
export through :func:`export_records`, so neither needs to know which module draws a
form. A form with a new layout adds its writers here; the writers import lazily, so
the window starts without loading reportlab.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from forms import FORMS
from forms.fields import Layout
from forms.needs import PROGRESS_FIELDS, PROGRESS_SUFFIX
from forms.progress import Progress
from storage import Store


def _needs_xlsx():
    from exports.xlsx_needs import export_needs_xlsx

    return export_needs_xlsx


def _needs_pdf():
    from exports.pdf_needs import export_needs_pdf

    return export_needs_pdf


def _cases_xlsx():
    from exports.xlsx_cases import export_cases_xlsx

    return export_cases_xlsx


def _cases_pdf():
    from exports.pdf_cases import export_cases_pdf

    return export_cases_pdf


# (form id, extension) -> the writer, imported on first use. Written out as imports rather than
# module names, so that PyInstaller's analysis sees each writer and bundles it.
# Each writer takes (store, path, ids=, progress=) and, for a list (Layout.TABLE),
# consolidated=; it returns the number of records written.
_WRITERS: dict[tuple[str, str], Callable[[], Callable[..., int]]] = {
    ("needs", "xlsx"): _needs_xlsx,
    ("needs", "pdf"): _needs_pdf,
    ("cases", "xlsx"): _cases_xlsx,
    ("cases", "pdf"): _cases_pdf,
}


# The progress report (办理进展) is the needs list with fewer columns and its own title: the
# options the needs writers take for it (export_records(..., **PROGRESS_REPORT)).
PROGRESS_REPORT: dict[str, object] = {"fields": PROGRESS_FIELDS, "title_suffix": PROGRESS_SUFFIX}


def export_records(store: Store, form_id: str, ext: str, path: str | Path, ids: Sequence[str] | None = None,
                   progress: Progress | None = None, consolidated: bool = False, **options: object) -> int:
    """Write the records of ``form_id`` (all live ones when ``ids`` is None) as ``ext``
    ("xlsx" or "pdf"); returns how many were written. ``consolidated`` (the 汇总 by
    region) applies to a list only; ``options`` go to the writer as they are. Runs on
    the calling thread."""
    write = _WRITERS[(form_id, ext.lstrip(".").lower())]()
    if FORMS[form_id].layout is Layout.TABLE:
        options["consolidated"] = consolidated
    return int(write(store, path, ids=ids, progress=progress, **options))
