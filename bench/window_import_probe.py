"""The window's import of a folder, measured: preview every file, keep the previews while the
officer looks, then import them. From the repository root (a file, not ``python -``: the
reading pool spawns processes that import this script again):

    python bench/window_import_probe.py /tmp/wlx-bench/files-nation
    python bench/window_import_probe.py /tmp/wlx-bench/files-nation --limit 300 --tracemalloc
    python bench/window_import_probe.py /tmp/wlx-bench/files-nation --window

Runs, in a child process with a fresh database, what the import dialog runs on its
worker: ``exports.importing.preview_files`` (the reading pool included), then — with the
previews still held, as the open dialog holds them — the dialog itself (``--dialog``, Qt
offscreen) and ``apply_previews``. Automatic garbage collection is off during each step,
as ``ui.tasks`` turns it off while a task runs. Prints wall and CPU time per step and the
peak RSS of the child's process tree (it and its reading processes, sampled every 0.1 s
from /proc, as bench/compare.py does), then checks the database holds what the preview said.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from compare import tree_rss_kb  # noqa: E402


def _cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _say(kind: str, **fields) -> None:
    print(f"@{kind} " + json.dumps(fields, ensure_ascii=False), flush=True)


NATIONAL = {"unit": "国家知识产权局知识产权保护司", "city": "", "district": "", "reporter": "测试",
            "phone": "010-62083114", "year": 2023, "report_date": "2023-05-20"}


def window_child(args: argparse.Namespace) -> None:
    """Inside the measured process: the real main window, its 导入 path (ui.import_dialog.import_paths:
    the preview on a worker, the dialog, the import on a worker), the dialog accepted as it opens."""
    from storage import Store
    from ui import import_dialog
    from ui.app import register_fonts
    from ui.main_window import MainWindow
    from ui.qt import QApplication, QDialog, QMessageBox

    app = QApplication.instance() or QApplication([])
    register_fonts()
    store = Store.open(Path(args.db))
    store.set_profile(NATIONAL)  # the national office: it consolidates every unit's needs
    window = MainWindow(store)
    window.show()
    app.processEvents()
    marks = {"start": time.perf_counter(), "cpu": _cpu()}
    seen: dict = {}

    def mark(name: str) -> None:
        now, cpu = time.perf_counter(), _cpu()
        _say("done", name=name, wall=now - marks["start"], cpu=cpu - marks["cpu"])
        marks.update(start=now, cpu=cpu)

    def exec_(dialog):
        mark("preview")
        _say("step", name="dialog")
        dialog.show()
        app.processEvents()
        seen["summary"], seen["conflicts"] = dialog.summary.text(), len(dialog.conflicts.conflicts)
        seen["planned_new"] = sum(p.plan.counts["new"] for p in dialog.selected_previews())
        mark("dialog")
        _say("step", name="apply")
        return QDialog.DialogCode.Accepted

    def done(*_a, **_k):
        mark("apply")
        seen["done"] = True

    import_dialog.PreviewDialog.exec = exec_
    QMessageBox.information = done
    QMessageBox.warning = lambda *a, **k: seen.update(done=True, error=a[2])
    _say("step", name="preview")
    import_dialog.import_paths(window, store, [args.folder], lambda: None)
    while "done" not in seen:
        app.processEvents()
        time.sleep(0.02)
    if "error" in seen:
        raise SystemExit(seen["error"])
    needs = store.needs.count()
    batches = store.db["import_batches"].count
    window.close()
    store.close()
    _say("result", files=len(import_dialog.collect_files([args.folder])[0]), refused=0,
         planned_new=seen["planned_new"], needs=needs, batches=batches, lines=0, summary=seen["summary"],
         conflicts=seen["conflicts"])


def child(args: argparse.Namespace) -> None:
    """Inside the measured process: the dialog's steps, one after another."""
    if args.window:
        window_child(args)
        return
    from exports.importing import apply_previews, collect_files, preview_files
    from storage import Store

    files, _ = collect_files([args.folder])
    files = files[: args.limit] if args.limit else files
    db = Path(args.db)
    Store.open(db).close()  # a fresh database, created as the window creates it
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(12)

    def step(name: str, fn):
        _say("step", name=name)
        gc.disable()  # ui.tasks: no automatic collection while a task runs
        start, cpu = time.perf_counter(), _cpu()
        try:
            out = fn()
        finally:
            gc.enable()
        _say("done", name=name, wall=time.perf_counter() - start, cpu=_cpu() - cpu)
        return out

    def on_store(fn):
        """A step that runs ``fn(store)`` on a connection of its own, as the dialog's workers do."""
        def run():
            store = Store.open(db)
            try:
                return fn(store)
            finally:
                store.close()
        return run

    previews = step("preview", on_store(lambda store: preview_files(store, files)))
    if args.replan:  # the first file unticked: the rest planned again (and imported), as in the dialog
        from exports.importing import replan_previews

        previews = step("replan", on_store(lambda store: replan_previews(store, previews[1:])))
    if args.tracemalloc:
        snapshot = tracemalloc.take_snapshot()
        held = sum(s.size for s in snapshot.statistics("filename"))
        lines = [f"{s.size / 2**20:8.1f} MB {s.traceback.format()[-1].strip()}"
                 for s in snapshot.statistics("lineno")[:15]]
        _say("held", mb=held / 2**20, top=lines)
        tracemalloc.stop()
    shown = {}
    if args.dialog:
        def dialog():
            from ui.import_dialog import PreviewDialog
            from ui.qt import QApplication

            app = QApplication.instance() or QApplication([])
            window = PreviewDialog(previews, db_path=str(db))
            window.show()
            app.processEvents()
            shown["summary"] = window.summary.text()
            shown["conflicts"] = len(window.conflicts.conflicts)
            chosen = window.selected_previews()
            window.close()
            window.deleteLater()
            app.processEvents()
            return chosen

        previews = step("dialog", dialog)

    lines = step("apply", on_store(lambda store: apply_previews(store, previews)))
    planned_new = sum(p.plan.counts["new"] for p in previews if p.plan)
    store = Store.open(db)
    try:
        needs = store.needs.count()
        batches = store.db["import_batches"].count
    finally:
        store.close()
    _say("result", files=len(files), refused=sum(1 for p in previews if p.plan is None), planned_new=planned_new,
         needs=needs, batches=batches, lines=len(lines), **shown)


def parent(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="wlx-window-import-") as tmp:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--db", str(Path(tmp) / "window.db"),
               str(args.folder), "--limit", str(args.limit)]
        cmd += ["--tracemalloc"] if args.tracemalloc else []
        cmd += [] if args.dialog else ["--no-dialog"]
        cmd += ["--window"] if args.window else []
        cmd += ["--replan"] if args.replan else []
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        current = ["start"]
        peaks: dict[str, int] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                kb = tree_rss_kb(proc.pid)
                peaks[current[0]] = max(peaks.get(current[0], 0), kb)
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        steps: list[dict] = []
        result: dict = {}
        assert proc.stdout is not None
        for line in proc.stdout:
            if not line.startswith("@"):
                print(line, end="")
                continue
            kind, _, data = line[1:].partition(" ")
            fields = json.loads(data)
            if kind == "step":
                current[0] = fields["name"]
            elif kind == "done":
                steps.append(fields)
                current[0] = f"after {fields['name']}"
            elif kind == "held":
                print(f"traced Python memory held by the previews: {fields['mb']:.0f} MB; largest sites:")
                print("\n".join(fields["top"]))
            elif kind == "result":
                result = fields
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the measured process failed ({os.waitstatus_to_exitcode(status)})")
    print(f"{result.get('files')} files ({result.get('refused')} refused): {result.get('needs'):,} needs in the "
          f"database, {result.get('planned_new'):,} planned new; {result.get('batches')} batches")
    if "summary" in result:
        print(f"dialog: {result['summary']} ({result['conflicts']} conflicts listed)")
    print(f"{'step':<10} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12}")
    for s in steps:
        print(f"{s['name']:<10} {s['wall']:8.1f} {s['cpu']:8.1f} {peaks.get(s['name'], 0) / 1024:12.0f}")
    print(f"{'whole':<10} {wall:8.1f} {usage.ru_utime + usage.ru_stime:8.1f} {max(peaks.values()) / 1024:12.0f}"
          f"   (process tree; load {os.getloadavg()[0]:.1f})")
    if result.get("needs") != result.get("planned_new"):
        raise SystemExit("the import did not add what the preview said it would")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (name order)")
    parser.add_argument("--tracemalloc", action="store_true", help="also list where the previews' memory is")
    parser.add_argument("--no-dialog", dest="dialog", action="store_false",
                        help="skip building the preview dialog (Qt) between preview and import")
    parser.add_argument("--replan", action="store_true",
                        help="also untick the first file: the rest are planned again, then imported")
    parser.add_argument("--window", action="store_true",
                        help="drive the real main window and its 导入 path instead (the whole folder; Qt loaded first)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    (child if args.child else parent)(args)


if __name__ == "__main__":
    main()
