"""What the window's start-up leaves for later (issue 9).

ui/qt.py looks its names up on first use: the list type checkers see and the list served at run
time must be the same, every name must resolve, and the window's start must not pay for the classes
only dialogs use. Automatic garbage collection is paused during the start and resumes once the
window is shown (or the command starts)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import ui.qt

ROOT = Path(__file__).resolve().parents[2]


def _type_checking_names() -> set[str]:
    tree = ast.parse((ROOT / "ui" / "qt.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    return {alias.name for node in block.body if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_the_names_type_checkers_see_are_the_names_served():
    served = set(ui.qt._MODULE_OF)
    assert _type_checking_names() == served
    assert len(served) > 80


def test_every_name_resolves_to_the_pyside6_object():
    import importlib

    for name, module in ui.qt._MODULE_OF.items():
        assert getattr(ui.qt, name) is getattr(importlib.import_module(f"PySide6.{module}"), name)
    assert "QLabel" in dir(ui.qt)


def test_an_unknown_name_is_an_import_error():
    try:
        from ui.qt import QNoSuchWidget  # noqa: F401
    except ImportError as exc:
        assert "QNoSuchWidget" in str(exc)
    else:
        raise AssertionError("an unknown Qt name was served")


def test_opening_the_window_does_not_build_the_dialogs_classes(tmp_path):
    """The first screen resolves only what it shows; printing and the dialogs' widgets wait."""
    code = (
        "import sys, main\n"
        "main.import_sqlite_utils_lean()\n"
        "from ui import main_window\n"
        "from ui.qt import QApplication, QTimer\n"
        "shown = main_window.MainWindow.showEvent\n"
        "import gc\n"
        "def show_event(self, event):\n"
        "    shown(self, event)\n"
        "    paused = not gc.isenabled()\n"
        "    def report():\n"
        "        import ui.qt\n"
        "        print('paused at show' if paused else 'collecting at show', "
        "'collecting after' if gc.isenabled() else 'paused after')\n"
        "        names = sorted(n for n in ui.qt._MODULE_OF if n in vars(ui.qt))\n"
        "        print(' '.join(names))\n"
        "        print(' '.join(sorted(m for m in sys.modules if m in (\n"
        "            'PySide6.QtPrintSupport', 'importlib.metadata', 'openpyxl', 'reportlab', 'numpy'))))\n"
        "        QApplication.quit()\n"
        "    QTimer.singleShot(0, lambda: QTimer.singleShot(0, report))  # after the app's own first turn\n"
        "main_window.MainWindow.showEvent = show_event\n"
        f"main.main(['--db', {str(tmp_path / 'w.db')!r}])\n"
    )
    # A profile, so the first-run dialog does not wait for the officer.
    subprocess.run([sys.executable, str(ROOT / "main.py"), "sample", "--db", str(tmp_path / "w.db"),
                    "--needs", "3", "--cases", "0"], check=True, capture_output=True, cwd=ROOT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    collection, resolved, heavy = (out.stdout.splitlines() + ["", "", ""])[:3]
    assert collection == "paused at show collecting after"
    resolved_names = set(resolved.split())
    assert {"QMainWindow", "QTableView", "Qt"} <= resolved_names
    # Classes that only dialogs, printing and the import preview use.
    assert not resolved_names & {"QPrinter", "QPrintPreviewDialog", "QListWidget", "QTextBrowser", "QSplitter",
                                 "QInputDialog", "QScrollArea"}
    assert heavy == "", heavy  # sqlite-utils plugins (importlib.metadata), exports' libraries, printing


def test_a_command_runs_with_garbage_collection_on(tmp_path, monkeypatch):
    import gc

    import main

    seen = []
    monkeypatch.setitem(main.__dict__, "cmd_sample", lambda args: seen.append(gc.isenabled()) or 0)
    assert main.main(["sample", "--db", str(tmp_path / "s.db")]) == 0
    assert seen == [True] and gc.isenabled()
    try:  # a bad command line exits with collection on, too
        main.main(["no-such-command"])
    except SystemExit:
        pass
    assert gc.isenabled()


def test_quit_when_shown_ends_the_program_cleanly(tmp_path):
    """WANLIXING_QUIT_WHEN_SHOWN=1: shown, then closed as by 文件 → 退出 (for timing the built
    program's start and its smoke test); the database is closed and unlocked."""
    db = tmp_path / "q.db"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "sample", "--db", str(db), "--needs", "3", "--cases", "0"],
                   check=True, capture_output=True, cwd=ROOT)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WANLIXING_QUIT_WHEN_SHOWN": "1", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "q.db.lock").exists()
