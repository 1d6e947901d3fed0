"""Start the app (or a bare QMainWindow) and exit as soon as the window is shown.

    python bench/startup_probe.py ours --db FILE
    python bench/startup_probe.py bare
    python bench/startup_probe.py floor --db FILE

"floor" is the least any window on this stack can do: the bare window, plus importing sqlite-utils
and opening the database with it, plus the ``Qt`` namespace (its first use builds all its Python
enums; every model role and alignment is there). No code of the app runs.

Run by bench/compare.py as a child process: the parent times spawn → exit, so
interpreter start and imports count, as they do for the officer. Prints the
process's peak RSS in MB when the window is shown.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

# The app measured: this checkout, or another one named by WLX_APP (bench/compare.py --app).
sys.path.insert(0, os.environ.get("WLX_APP") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _report_and_quit() -> None:
    from PySide6.QtWidgets import QApplication

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"shown peak_rss_mb={peak:.1f}", flush=True)
    QApplication.quit()


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 800)
    window.show()
    QTimer.singleShot(0, _report_and_quit)
    return app.exec()


def floor(db: str) -> int:
    import sqlite3

    for name in ("numpy", "pandas"):  # as main.import_sqlite_utils_lean does, without importing main
        sys.modules[name] = None  # type: ignore[assignment]
    import sqlite_utils

    for name in ("numpy", "pandas"):
        del sys.modules[name]

    database = sqlite_utils.Database(sqlite3.connect(db), execute_plugins=False)
    database.execute("select count(*) from needs").fetchone()
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    Qt.AlignmentFlag  # noqa: B018 - the namespace's first use is the cost measured
    window = QMainWindow()
    window.resize(1200, 800)
    window.show()
    QTimer.singleShot(0, _report_and_quit)
    return app.exec()


def ours(db: str) -> int:
    import main

    # What main.main() does first (when it exists); this probe imports the window before calling it.
    getattr(main, "import_sqlite_utils_lean", lambda: None)()
    from ui import main_window
    from ui.qt import QTimer

    shown = main_window.MainWindow.showEvent

    def show_event(self, event) -> None:  # first show: leave once the event loop is idle
        shown(self, event)
        QTimer.singleShot(0, _report_and_quit)

    main_window.MainWindow.showEvent = show_event
    return main.main(["--db", db])


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        sys.exit(bare())
    sys.exit((floor if sys.argv[1] == "floor" else ours)(sys.argv[3]))
