"""Time a search keystroke in the 汇总 list, or the raw FTS5 query it builds on.

    python bench/search_probe.py ours DB WORD...
    python bench/search_probe.py fts DB WORD...
    python bench/search_probe.py browse DB
    python bench/search_probe.py split DB WORD...

``ours``: the window's needs list (NeedsPage, consolidated, shown offscreen):
set the search text, run the query the 250 ms debounce would run (on a worker
for a large list), and paint the first screen of matching rows — keystroke →
updated view, minus the debounce; stderr also says when the complete list was in.
``fts``: ``select rowid from needs_fts where needs_fts match ?`` on the same
database, the floor SQLite itself sets (words of 3+ characters only).
Prints one line per word: ``word hits wall-ms cpu-ms``; the best of 3 runs.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

# The app measured: this checkout, or another one named by WLX_APP (bench/compare.py --app).
sys.path.insert(0, os.environ.get("WLX_APP") or str(Path(__file__).resolve().parent.parent))
from paint_watch import PaintWatch  # noqa: E402  (this folder; the app's path first)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def best_of(fn, repeat: int = 3) -> tuple[float, float, int]:
    """Best wall ms, best CPU ms (this process, all threads), and what ``fn`` returned."""
    best, best_cpu, hits = float("inf"), float("inf"), 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        hits = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best * 1000, best_cpu * 1000, hits


def _page(db: str):
    """The 汇总 needs list (NeedsPage, consolidated) on ``db``, shown offscreen."""
    import main

    getattr(main, "import_sqlite_utils_lean", lambda: None)()  # absent before this change
    from storage import Store
    from ui.app import ensure_app
    from ui.needs_page import NeedsPage

    try:
        from ui.undo import EditHistory
    except ImportError:  # before the edit history
        from ui.qt import QUndoStack as EditHistory  # noqa: N813
    app = ensure_app()
    store = Store.open(db)
    try:
        history = EditHistory(store)
    except TypeError:
        history = EditHistory()
    page = NeedsPage(store, history, consolidated=True)
    page.resize(1400, 800)
    page.show()
    app.processEvents()
    return app, page


def ours(db: str, words: list[str]) -> None:
    """Per word: keystroke (the query the 250 ms debounce would start) → the first screen of
    matching rows painted, and → the complete list in the model (the count in the summary).
    Prints ``word hits shown-ms cpu-ms`` (best of 3; CPU of this process, all threads) and,
    on stderr, the time until the complete list."""
    app, page = _page(db)
    model = page.model
    watch = PaintWatch(model, page.view)

    def complete() -> bool:
        return getattr(model, "_pending", None) is None and not getattr(model, "partial", False)

    def wait(done) -> None:
        while not done():
            app.processEvents()
            time.sleep(0.0005)

    def type_word(word: str) -> None:
        page.search.blockSignals(True)  # no debounce timer: run the query now
        page.search.setText(word)
        page.search.blockSignals(False)
        watch.reset()
        page.apply_query()

    def keystroke(word: str) -> tuple[float, float, float]:
        """(wall until the first screen is painted, CPU until then, wall until complete), s."""
        start, start_cpu = time.perf_counter(), time.process_time()
        type_word(word)
        wait(lambda: watch.painted)  # the event loop has painted the first screen of the new rows
        shown, shown_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        wait(complete)
        return shown, shown_cpu, time.perf_counter() - start

    for word in words:
        runs = []
        for _ in range(3):
            type_word("")  # from the full list, as typing starts
            wait(complete)
            app.processEvents()
            runs.append(keystroke(word))
        hits = model.rowCount()
        shown, cpu, full = (min(r[i] for r in runs) * 1000 for i in range(3))
        print(f"{word}\t{hits}\t{shown:.1f}\t{cpu:.1f}", flush=True)
        print(f"{word}: first screen painted {shown:.1f} ms, complete list {full:.1f} ms", file=sys.stderr,
              flush=True)
    os._exit(0)  # skip Qt teardown at interpreter exit (it can crash offscreen; nothing to save)


def browse(db: str, _words: list[str]) -> None:
    """Open the 汇总 list on a large database, scroll and sort it: ms per step, and peak RSS."""
    import resource

    from ui.qt import Qt

    start = time.perf_counter()
    app, page = _page(db)
    print(f"open list\t{page.model.rowCount()}\t{(time.perf_counter() - start) * 1000:.1f}", flush=True)
    bar = page.view.verticalScrollBar()

    def step(label: str, action) -> None:
        start = time.perf_counter()
        action()
        page.view.viewport().repaint()
        app.processEvents()
        print(f"{label}\t-\t{(time.perf_counter() - start) * 1000:.1f}", flush=True)

    step("scroll one page", lambda: bar.setValue(bar.value() + bar.pageStep()))
    step("scroll to the middle", lambda: bar.setValue(bar.maximum() // 2))
    step("scroll to the end", lambda: bar.setValue(bar.maximum()))
    header = page.view.horizontalHeader()
    column = page.model.column_of("subject_name")
    step("sort by name", lambda: header.setSortIndicator(column, Qt.SortOrder.AscendingOrder))
    step("sort by name, descending", lambda: header.setSortIndicator(column, Qt.SortOrder.DescendingOrder))
    step("scroll to the end", lambda: bar.setValue(bar.maximum()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS MB\t-\t{peak:.0f}", flush=True)
    os._exit(0)  # skip Qt teardown at interpreter exit (it can crash offscreen; nothing to save)


def split(db: str, words: list[str]) -> None:
    """A keystroke taken apart: the query alone, query + model reset + summary, the repaint (wall/CPU ms)."""
    app, page = _page(db)
    store = page.store

    def reset(word: str) -> int:
        page.search.blockSignals(True)
        page.search.setText(word)
        page.search.blockSignals(False)
        page.apply_query()
        return page.model.rowCount()

    def repaint() -> int:
        page.model._cache.clear()
        page.view.viewport().repaint()
        app.processEvents()
        return 0

    for word in words:
        q = best_of(lambda w=word: len(store.needs.ids(search=w)))
        r = best_of(lambda w=word: reset(w))
        p = best_of(repaint)
        print(f"{word}\thits {r[2]}\tquery {q[0]:.1f}/{q[1]:.1f}\treset {r[0]:.1f}/{r[1]:.1f}"
              f"\trepaint {p[0]:.1f}/{p[1]:.1f}", flush=True)
    os._exit(0)  # skip Qt teardown at interpreter exit


def fts(db: str, words: list[str]) -> None:
    conn = sqlite3.connect(db)
    indexed = conn.execute("select 1 from sqlite_master where name = 'needs_fts'").fetchone()
    for word in words:
        if len(word) < 3 or not indexed:
            print(f"{word}\t-\t-\t-", flush=True)
            continue
        phrase = '"' + word.replace('"', '""') + '"'
        ms, cpu, hits = best_of(lambda p=phrase: len(conn.execute(
            "select rowid from needs_fts where needs_fts match ?", [p]).fetchall()))
        print(f"{word}\t{hits}\t{ms:.1f}\t{cpu:.1f}", flush=True)


if __name__ == "__main__":
    {"ours": ours, "fts": fts, "browse": browse, "split": split}[sys.argv[1]](sys.argv[2], sys.argv[3:])
