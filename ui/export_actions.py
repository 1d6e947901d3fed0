"""导出 / 模板: choose a file, export off the UI thread, then offer to open it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from exports.documents import PROGRESS_REPORT, export_records
from exports.filenames import default_filename
from forms import FORMS
from storage import DatabaseError, Store
from storage.errors import explain
from ui import strings
from ui.qt import QDesktopServices, QFileDialog, QMessageBox, QSettings, QUrl, QWidget
from ui.tasks import run_task

_FILTERS = {"xlsx": strings.XLSX_FILTER, "pdf": strings.PDF_FILTER}


def _export_job(db_path: str, form_id: str, ext: str, out: str, ids, consolidated: bool,
                report: dict | None, progress) -> int:
    """Worker thread: opens its own connection (SQLite connections stay in their thread).
    ``report``: extra arguments of the needs export (the progress report's columns and title)."""
    store = Store.open(db_path)
    try:
        return export_records(store, form_id, ext, out, ids=ids, progress=progress, consolidated=consolidated,
                              **(report or {}))
    finally:
        store.close()


def _ask_path(parent: QWidget, title: str, name: str, ext: str) -> Path | None:
    settings = QSettings()
    folder = settings.value("export/folder", str(Path.home()))
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / name), _FILTERS[ext])
    if not path:
        return None
    path_obj = Path(path)
    if path_obj.suffix.lower() != f".{ext}":
        path_obj = path_obj.with_name(path_obj.name + f".{ext}")
    settings.setValue("export/folder", str(path_obj.parent))
    return path_obj


def offer_to_open(parent: QWidget, path: Path, text: str) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(strings.EXPORT_DONE)
    box.setText(f"{text}\n{path}")
    open_file = box.addButton(strings.OPEN_FILE, QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton(strings.OPEN_FOLDER, QMessageBox.ButtonRole.ActionRole)
    box.addButton(strings.CLOSE, QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is open_file:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    elif box.clickedButton() is open_folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def show_error(parent: QWidget, exc: Exception, path: Path | None = None) -> None:
    """Disk full, read-only, locked by Excel: each its own sentence naming the file; never English text."""
    if isinstance(exc, DatabaseError):
        text = str(exc)
    else:
        text = explain(exc, path) or strings.EXPORT_FAILED_TEXT
    QMessageBox.warning(parent, strings.EXPORT_FAILED, text)


def export(parent: QWidget, store: Store, form_id: str, ext: str, ids=None, consolidated: bool = False,
           before=None, on_fix=None, progress_report: bool = False) -> None:
    """Check the list, ask for a file name (default as in the spec) and export in the background.

    ``on_fix`` is called when the officer answers the pre-flight check with 去修改.
    ``progress_report``: the needs with their feedback (办理进展) instead of the full list.
    """
    if before:
        before()
    from exports.preflight import check
    from ui.preflight_dialog import confirm_export

    form = FORMS[form_id]
    if not confirm_export(parent, check(store, form_id, ids=ids, consolidated=consolidated), strings.TO_EXPORT.format(noun=form.noun)):
        if on_fix:
            on_fix()
        return
    report = None
    name = default_filename(form_id, store.profile(), ext, dt.date.today(), consolidated=consolidated)
    title = strings.EXPORT_TITLE.format(document=form.document_name)
    if progress_report:
        report = PROGRESS_REPORT
        name = default_filename("progress", store.profile(), ext, dt.date.today())
        title = strings.EXPORT_PROGRESS_TITLE
    path = _ask_path(parent, title, name, ext)
    if path is None:
        return

    def done(count: int) -> None:
        offer_to_open(parent, path, strings.EXPORTED.format(count=form.count(count)))

    run_task(parent, strings.EXPORTING.format(noun=form.noun), _export_job, store.path, form_id, ext, str(path), ids,
             consolidated, report, on_done=done, on_error=lambda exc: show_error(parent, exc, path))


def save_template(parent: QWidget, store: Store, form_id: str) -> None:
    from exports.xlsx_templates import write_template

    year = store.profile().get("year")
    name = default_filename(form_id, store.profile(), "xlsx", template=True)
    path = _ask_path(parent, strings.SAVE_TEMPLATE, name, "xlsx")
    if path is None:
        return
    try:
        write_template(form_id, path, year=year)
    except OSError as exc:
        show_error(parent, exc, path)
        return
    offer_to_open(parent, path, strings.TEMPLATE_SAVED)
