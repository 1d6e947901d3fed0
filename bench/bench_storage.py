"""Storage and table-model responsiveness at consolidation scale. Run by hand:

    python bench/bench_storage.py [--needs 150000]

Prints timings of what the window does on each keystroke or click.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from storage import Store  # noqa: E402
from storage.sample import fill  # noqa: E402


def timed(label: str, fn, repeat: int = 3):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<42} {best * 1000:8.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=150_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = Store.open(path)
        start = time.perf_counter()
        fill(store, needs=args.needs, cases=0)
        print(f"generate {args.needs} needs{'':<24} {time.perf_counter() - start:8.1f} s")
        timed("all ids in display order", lambda: store.needs.ids())
        timed("search one word (全文)", lambda: store.needs.ids(search="质押"))
        timed("search two words", lambda: store.needs.ids(search="专利 东南亚"))
        timed("filter coord_level", lambda: store.needs.ids(filters={"coord_level": "需国家知识产权局协调"}))
        timed("sort by subject_name", lambda: store.needs.ids(order_by="subject_name"))
        timed("counts by coord_level (summary line)", lambda: store.needs.count_by("coord_level"))
        ids = store.needs.ids()
        timed("update one field (one edit, fsync)", lambda: store.needs.update(ids[len(ids) // 2], {"remark": "x"}))

        from ui.app import ensure_app
        from ui.main_window import MainWindow

        app = ensure_app()
        window = timed("open main window", lambda: MainWindow(store), repeat=1)
        window.show()
        app.processEvents()
        view = window.needs_page.view
        timed("scroll to middle and paint", lambda: (view.scrollTo(window.needs_page.model.index(len(ids) // 2, 1)),
                                                     app.processEvents()))
        timed("type a search and repaint", lambda: (window.needs_page.model.set_query(search="质押"),
                                                    app.processEvents()))
        import resource

        print(f"peak memory{'':<31} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")
        window.close()
        store.close()


if __name__ == "__main__":
    main()
