"""导出 / 模板: choose a file, export off the UI thread, then offer to open it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from exports.documents import export_records
from exports.filenames import default_filename
from forms import FORMS
from storage import DatabaseError, Store
from storage.errors import explain
from ui.qt import QDesktopServices, QFileDialog, QMessageBox, QSettings, QUrl, QWidget
from ui.tasks import run_task

_FILTERS = {"xlsx": "Excel 工作簿 (*.xlsx)", "pdf": "PDF 文件 (*.pdf)"}


def _export_job(db_path: str, form_id: str, ext: str, out: str, ids, consolidated: bool, progress) -> int:
    """Worker thread: opens its own connection (SQLite connections stay in their thread)."""
    store = Store.open(db_path)
    try:
        return export_records(store, form_id, ext, out, ids=ids, progress=progress, consolidated=consolidated)
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
    box.setWindowTitle("导出完成")
    box.setText(f"{text}\n{path}")
    open_file = box.addButton("打开文件", QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
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
        text = explain(exc, path) or "导出没有完成。已填写的内容不受影响，详情已写入日志。"
    QMessageBox.warning(parent, "导出失败", text)


def export(parent: QWidget, store: Store, form_id: str, ext: str, ids=None, consolidated: bool = False,
           before=None, on_fix=None) -> None:
    """Check the list, ask for a file name (default as in the spec) and export in the background.

    ``on_fix`` is called when the officer answers the pre-flight check with 去修改.
    """
    if before:
        before()
    from exports.preflight import check
    from ui.preflight_dialog import confirm_export

    form = FORMS[form_id]
    if not confirm_export(parent, check(store, form_id, ids=ids, consolidated=consolidated), f"要导出的{form.noun}"):
        if on_fix:
            on_fix()
        return
    name = default_filename(form_id, store.profile(), ext, dt.date.today(), consolidated=consolidated)
    path = _ask_path(parent, f"导出{form.document_name}", name, ext)
    if path is None:
        return

    def done(count: int) -> None:
        offer_to_open(parent, path, f"已导出{form.count(count)}。")

    run_task(parent, f"正在导出{form.noun}……", _export_job, store.path, form_id, ext, str(path), ids, consolidated,
             on_done=done, on_error=lambda exc: show_error(parent, exc, path))


def save_template(parent: QWidget, store: Store, form_id: str) -> None:
    from exports.xlsx_templates import write_template

    year = store.profile().get("year")
    name = default_filename(form_id, store.profile(), "xlsx", template=True)
    path = _ask_path(parent, "保存空白模板", name, "xlsx")
    if path is None:
        return
    try:
        write_template(form_id, path, year=year)
    except OSError as exc:
        show_error(parent, exc, path)
        return
    offer_to_open(parent, path, "已生成空白模板，可发给没有安装本软件的同事填写。")
