"""Screenshots of every tab and dialog, from sample data, offscreen, at two screen sizes:

    python docs/screenshots.py            # docs/screens/1280x800/ and docs/screens/1920x1080@150/
    python docs/screenshots.py --readme   # the three window pictures the README shows (docs/window-*.png)

1280x800 is a common office laptop; 1920x1080@150 is a 1920×1080 screen at Windows' default
150 % scaling, which leaves 1280×720 logical pixels (QT_SCALE_FACTOR=1.5; the pictures are
1920×1080 real pixels). Each size runs in its own process: the scale factor is read once, when
Qt starts. The pictures are reduced to 256 colours (Pillow) to keep the repository small.
Look at every picture after a layout change: this is how clipped text gets noticed.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "screens"
# name -> (scale factor, logical screen width, logical screen height); the window fills the screen.
CONFIGS = {"1280x800": (1.0, 1280, 800), "1920x1080@150": (1.5, 1280, 720)}
INSIDE = "WANLIXING_SCREENSHOTS"  # set in the process that takes one size's pictures
LONG_CASE_NAME = "“专利导航+知识产权服务进园区”助力闽江智能装备产业链升级暨全市知识产权服务万里行试点工作（示例）"


def environment(name: str, folder: Path) -> dict[str, str]:
    """The environment of one size's process: an offscreen screen of that size, and the scale."""
    scale, width, height = CONFIGS[name]
    config = folder / f"{name}.json"
    config.write_text(json.dumps({"screens": [{
        "name": "screen", "x": 0, "y": 0, "width": round(width * scale), "height": round(height * scale),
        "logicalDpi": 96, "logicalBpi": 96, "dpr": 1}]}), encoding="utf-8")
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=str(scale),
               PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def main(argv: list[str]) -> int:
    if argv == ["--readme"]:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return readme()
    names = argv or list(CONFIGS)
    if os.environ.get(INSIDE) in names:  # the process started below, with its screen and scale
        return Shooter(os.environ[INSIDE]).run()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            env = {**environment(name, Path(tmp)), INSIDE: name}
            failed += subprocess.run([sys.executable, str(Path(__file__).resolve()), name], env=env,
                                     cwd=ROOT).returncode
    return 1 if failed else 0


def save_png(image, path: Path) -> None:
    """A QImage as a 256-colour PNG (a third of the size; UI pictures have few colours)."""
    from PIL import Image

    from ui.qt import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    picture = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True)


def sample_store(path: Path):
    """A city supervisor's database: needs from five districts, one draft, likely duplicates."""
    from storage import Store
    from storage.sample import fill

    store = Store.open(path)
    fill(store, needs=120, cases=3, seed=2023)
    store.set_profile({**store.profile(), "unit": "福州市市场监督管理局（示例）", "district": ""})
    rows = store.needs.rows()
    for i, district in enumerate(("鼓楼区", "台江区", "仓山区", "晋安区", "福清市")):
        ids = [r["id"] for r in rows[i * 20:(i + 1) * 20]]
        store.db.execute(f"update needs set origin='import', district=?, unit=?, imported_at='2023-05-19T10:00' "
                         f"where id in ({','.join('?' * len(ids))})",
                         [district, f"福州市{district}市场监督管理局（示例）", *ids])
    # The same enterprises reported by a second district: 疑似重复.
    for row in rows[:3]:
        new_id = store.needs.insert({k: v for k, v in row.items() if k in store.needs.writable})
        store.db.execute("update needs set origin='import', district='台江区', unit='福州市台江区市场监督管理局（示例）', "
                         "imported_at='2023-05-20T09:30' where id=?", [new_id])
    store.needs.insert({**store.local_defaults("needs"), "subject_name": "福州某新材料有限公司（示例）",
                        "credit_code": "91350100M000100Y4X", "content": "待补充需求类别和协调层级"})
    first_case = store.cases.rows()[0]
    store.cases.update(first_case["id"], {"name": LONG_CASE_NAME, "recommended": 1})
    return store


class Shooter:
    """Takes every picture at one size, inside this process's QApplication."""

    def __init__(self, config: str) -> None:
        from ui.app import ensure_app

        self.config = config
        self.folder = OUT / config
        self.app = ensure_app()
        self.failures: list[str] = []

    # ---- helpers ------------------------------------------------------------
    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()

    def grab(self, widget, name: str) -> None:
        self.settle()
        save_png(widget.grab().toImage(), self.folder / f"{name}.png")

    def shot(self, name: str, take: Callable[[], None]) -> None:
        """Take one picture; a failure is reported and the others are still taken."""
        try:
            take()
            print(f"{self.config}/{name}.png")
        except Exception:
            self.failures.append(name)
            print(f"{self.config}/{name}.png FAILED:\n{traceback.format_exc()}", file=sys.stderr)

    def dialog(self, name: str, make: Callable[[], object]) -> None:
        def take() -> None:
            dialog = make()
            dialog.show()
            self.grab(dialog, name)
            dialog.close()
            dialog.deleteLater()

        self.shot(name, take)

    # ---- the pictures ---------------------------------------------------------
    def run(self) -> int:
        from ui.main_window import MainWindow

        scale, width, height = CONFIGS[self.config]
        with tempfile.TemporaryDirectory() as tmp:
            store = sample_store(Path(tmp) / "shots.db")
            empty = self.empty_store(Path(tmp) / "empty.db")
            window = MainWindow(store)
            window.resize(width, height)
            window.show()
            self.settle()
            self.window_shots(window)
            self.dialog_shots(window, Path(tmp))
            window.close()
            blank = MainWindow(empty)
            blank.resize(width, height)
            blank.show()
            for index, name in enumerate(("empty-needs", "empty-cases", "empty-consolidation")):
                self.shot(name, lambda i=index, n=name: (blank.tabs.setCurrentIndex(i), self.grab(blank, n)))
            blank.close()
            store.close()
            empty.close()
        return 1 if self.failures else 0

    @staticmethod
    def empty_store(path: Path):
        from storage import Store

        store = Store.open(path)
        store.set_profile({"unit": "福州市鼓楼区市场监督管理局（示例）", "city": "福州市", "district": "鼓楼区",
                           "year": 2023, "reporter": "示例填报人", "phone": "0591-87530216"})
        return store

    def window_shots(self, window) -> None:
        needs = window.needs_page

        def needs_shot() -> None:
            draft = next(i for i in needs.model.ids if not needs.store.needs.get(i)["complete"])
            index = needs.model.index(needs.model.row_of(draft), 2)
            needs.view.scrollTo(index)
            needs.view.setCurrentIndex(index)
            self.grab(window, "needs")

        self.shot("needs", needs_shot)

        def cases_shot() -> None:
            window.tabs.setCurrentWidget(window.cases_page)
            window.cases_page.view.selectRow(0)
            self.grab(window, "cases")

        self.shot("cases", cases_shot)

        def case_errors_shot() -> None:
            editor = window.cases_page.editor
            form = editor.form
            for key, value in (("phone", "0591-8753021612345678"), ("email", "linxiao.example.com"),
                               ("enterprises", "一百二十"), ("name", "")):
                widget = form.editors[key]
                if hasattr(widget, "setText"):
                    widget.setText(value)
            self.grab(window, "cases-errors")
            editor.flush()

        self.shot("cases-errors", case_errors_shot)

        page = window.consolidation_page
        for index, name in enumerate(("consolidation-board", "consolidation-stats", "consolidation-duplicates",
                                      "consolidation-list")):
            def take(i: int = index, n: str = name) -> None:
                window.tabs.setCurrentWidget(page)
                page.tabs.setCurrentIndex(i)
                self.grab(window, n)

            self.shot(name, take)

        def menu_shot() -> None:
            window.tabs.setCurrentWidget(window.needs_page)
            menu = window.menuBar().actions()[0].menu()
            menu.popup(window.mapToGlobal(window.menuBar().geometry().bottomLeft()))
            self.grab(menu, "menu-file")
            menu.hide()

        self.shot("menu-file", menu_shot)

    def dialog_shots(self, window, tmp: Path) -> None:
        from exports.pdf_needs import export_needs_pdf
        from exports.preflight import check
        from ui.about_dialog import AboutDialog
        from ui.choices_dialog import ChoicesDialog
        from ui.help_dialog import HelpDialog
        from ui.preflight_dialog import PreflightDialog
        from ui.print_preview import PrintPreview
        from ui.profile_dialog import ProfileDialog
        from ui.qt import QMessageBox
        from ui.recycle_dialog import RecycleDialog

        store = window.store
        self.dialog("dialog-preflight", lambda: PreflightDialog(check(store, "needs"), "要导出的需求", window))

        def preview():
            export_needs_pdf(store, tmp / "print.pdf")
            dialog = PrintPreview(tmp / "print.pdf", window)
            dialog.setWindowState(dialog.windowState())
            return dialog

        self.dialog("dialog-print-preview", preview)
        self.dialog("dialog-profile", lambda: ProfileDialog(store, parent=window))
        self.dialog("dialog-choices", lambda: ChoicesDialog(window.undo, window))
        self.dialog("dialog-help", lambda: HelpDialog(window))
        self.dialog("dialog-about", lambda: AboutDialog(store.path, window))

        def confirm():
            box = QMessageBox(QMessageBox.Icon.Question, "万里行填报助手", "确定删除选中的 3 条需求吗？删除后可从回收站恢复。",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
            return box

        self.dialog("dialog-confirm", confirm)

        def recycle():
            ids = window.needs_page.model.ids[:3]
            store.needs.set_deleted(ids, True)
            return RecycleDialog(store, window)

        self.dialog("dialog-recycle", recycle)

        def restore():
            from storage.backup import auto_backup
            from ui.backup_dialog import RestoreDialog

            auto_backup(store.path, "manual")
            return RestoreDialog(store, window)

        self.dialog("dialog-restore", restore)

        def feedback():
            from exports.feedback import reporting_units
            from ui.feedback_dialog import FeedbackDialog

            return FeedbackDialog([u for u in reporting_units(store) if u.unit], str(tmp), window)

        self.dialog("dialog-feedback", feedback)
        self.import_shots(window, tmp)

    def import_shots(self, window, tmp: Path) -> None:
        """The import preview of a colleague's file (with a conflict), then 导入记录 after importing it."""
        from exports.importing import apply_previews, preview_files
        from exports.xlsx_needs import export_needs_xlsx
        from ui.import_dialog import HistoryDialog, PreviewDialog

        store = window.store
        colleague = self.empty_store(tmp / "colleague.db")
        mine = store.needs.rows()[:6]
        colleague.needs.insert_many([{k: v for k, v in row.items() if k in colleague.needs.writable} for row in mine],
                                    record_ids=[row["id"] for row in mine])
        colleague.needs.update(mine[0]["id"], {"content": "对方修改后的需求内容（示例）"})
        colleague.needs.insert({**colleague.local_defaults("needs"), "subject_name": "仓山某科技有限公司（示例）",
                                "content": "新增的需求（示例）"})
        colleague.set_profile({**colleague.profile(), "unit": "福州市仓山区市场监督管理局（示例）",
                               "district": "仓山区"})
        path = tmp / "2023年万里行需求清单_福州市仓山区_20230521.xlsx"
        export_needs_xlsx(colleague, path)
        colleague.close()
        previews = preview_files(store, [path])
        self.dialog("dialog-import-preview", lambda: PreviewDialog(previews, window))

        def history():
            apply_previews(store, previews)
            return HistoryDialog(store, window)

        self.dialog("dialog-import-history", history)


def readme() -> int:
    """The README's three pictures, as before: 1500×800, full colour."""
    from ui.app import ensure_app
    from ui.main_window import MainWindow

    app = ensure_app()
    with tempfile.TemporaryDirectory() as tmp:
        store = sample_store(Path(tmp) / "shots.db")
        window = MainWindow(store)
        window.resize(1500, 800)
        window.show()
        app.processEvents()
        window.grab().save(str(HERE / "window-needs.png"))
        window.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(HERE / "window-case.png"))
        window.tabs.setCurrentIndex(2)
        window.consolidation_page.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(HERE / "window-consolidation.png"))
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
