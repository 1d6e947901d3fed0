"""Regenerates docs/dialog-import-preview.png and docs/dialog-import-conflicts.png, offscreen:

    python docs/screenshots_import.py

A city supervisor's week: the 15 county files of ``bench/generate.py city`` arrive; ten were
imported last week and five records of one county were corrected here since; that county now
sends a revised list (conflicts), and one file arrives broken. The dialog is shown at 1280×800
with one file unticked.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import openpyxl  # noqa: E402

from bench.generate import generate  # noqa: E402
from exports.importing import import_entries, preview_files, read_each  # noqa: E402
from storage import Store  # noqa: E402
from ui.app import ensure_app  # noqa: E402
from ui.import_dialog import PreviewDialog  # noqa: E402
from ui.qt import QItemSelectionModel  # noqa: E402

CITY = {"unit": "福州市市场监督管理局（示例）", "city": "福州市", "district": "", "reporter": "王强",
        "phone": "0591-87000000", "year": 2023, "report_date": "2023-05-20"}


def revise(source: Path, target: Path) -> None:
    """The county's revised list: five contents amended, two contacts changed."""
    wb = openpyxl.load_workbook(source)
    ws = wb["需求清单"] if "需求清单" in wb.sheetnames else wb.worksheets[0]
    head = next(r for r in range(1, 15) if any(str(c.value or "").startswith("需求内容") for c in ws[r]))
    columns = {str(c.value or "").split("\n")[0]: c.column for c in ws[head]}
    content = next(v for k, v in columns.items() if k.startswith("需求内容"))
    contact = next((v for k, v in columns.items() if k.startswith("联系人")), None)
    for k in range(5):
        cell = ws.cell(head + 1 + k, content)
        cell.value = f"{cell.value}；补充：希望在六月底前完成对接。"
        if contact and k % 2 == 0:
            ws.cell(head + 1 + k, contact).value = "林（新联系人）"
    wb.save(target)


def settle(app, dialog: PreviewDialog) -> None:
    deadline = time.monotonic() + 60
    while (dialog._timer.isActive() or dialog.replanning) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()


def main() -> None:
    app = ensure_app()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate("city", root / "generated", log=lambda *_: None)
        inbox = root / "收件箱"
        inbox.mkdir()
        for f in sorted((root / "generated").glob("*.xlsx")):
            shutil.copy(f, inbox / f.name)
        files = sorted(inbox.glob("*.xlsx"))
        store = Store.open(root / "city.db")
        store.set_profile(CITY)
        import_entries(store, read_each(store, files[:10]), total=10)  # last week
        corrected = files[1]
        for n, record in enumerate([r for r in store.needs.rows() if r["source_file"] == corrected.name][:5]):
            store.needs.update(record["id"], {"phone": f"0591-8753021{n}",
                                              "content": f"{record['content']}（市局已电话核实）"})
        revise(corrected, inbox / f"{corrected.stem}（修订版，请以此为准）.xlsx")
        (inbox / "0099_损坏的文件_需求清单.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
        previews = preview_files(store, sorted(inbox.iterdir()))
        store.close()

        dialog = PreviewDialog(previews, db_path=str(root / "city.db"))
        dialog.resize(1280, 800)
        dialog.show()
        app.processEvents()
        names = [p.path.name for p in dialog.previews]
        dialog.files.set_ticked(names.index(files[12].name), False)  # this one waits for a phone call
        settle(app, dialog)
        revised = next(i for i, name in enumerate(names) if "修订" in name)
        dialog.files.setCurrentCell(revised, 1)
        app.processEvents()
        dialog.grab().save(str(HERE / "dialog-import-preview.png"))

        dialog.tabs.setCurrentWidget(dialog.conflicts)
        app.processEvents()
        table = dialog.conflicts.table
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for n in (1, 3):  # two records chosen, then taken from the file
            table.selectionModel().select(table.model().index(dialog.conflicts._first_row[n], 1), flags)
        dialog.conflicts.set_selected("take_theirs")
        settle(app, dialog)
        table.clearSelection()
        app.processEvents()
        dialog.grab().save(str(HERE / "dialog-import-conflicts.png"))
        dialog.close()


if __name__ == "__main__":
    main()
