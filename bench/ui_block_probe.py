"""How long the window's UI thread is blocked by a sort, a search and opening 汇总, and how
long until the rows are shown, on a large database (issue 9: "scrolling and sorting never
block"). Run from the repository root on a copy of a sample database:

    python main.py sample --db /tmp/s150.db --needs 150000 --cases 5
    QT_QPA_PLATFORM=offscreen python bench/ui_block_probe.py /tmp/s150.db

"UI thread" is the time the call that starts the work takes (the event loop cannot run
meanwhile), and the longest the event loop then went without turning until the complete
list was in and painted ("longest stall": painting a screen of rows is one); "shown after" runs until the event loop has painted the
first screen of the new rows, "complete after" until the model holds every matching row
(a large list first shows its first page). Before the work moved to worker threads
the first and the second were the same number.

    WLX_APP=/path/to/other/checkout python bench/ui_block_probe.py DB   # measure another checkout
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("WLX_APP") or str(Path(__file__).resolve().parents[1]))
from paint_watch import PaintWatch  # noqa: E402  (this folder; the app's path first)

SEARCHES = ("专利", "质押", "东南亚", "闽江智能", "企", "无此词xyz")


def main(db: str) -> None:
    from storage.store import Store
    from ui.main_window import MainWindow
    from ui.qt import QApplication

    app = QApplication(sys.argv[:1])
    store = Store.open(db)
    window = MainWindow(store)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    model = window.needs_page.model

    watch = PaintWatch(model, window.needs_page.view)

    def settle(done) -> float:
        while not done():
            app.processEvents()
            time.sleep(0.001)
        return time.perf_counter()

    def complete() -> bool:
        return model._pending is None and not getattr(model, "partial", False)

    def query(label: str, **q) -> None:
        watch.reset()
        t = time.perf_counter()
        model.set_query(**q)
        blocked = time.perf_counter() - t
        shown, stall, last = 0.0, 0.0, time.perf_counter()
        while not (watch.painted and complete()):
            app.processEvents()
            now = time.perf_counter()
            stall, last = max(stall, now - last), now
            if watch.painted and not shown:
                shown = now - t
            time.sleep(0.001)
        done = time.perf_counter() - t
        print(f"{label:24s} UI thread {blocked * 1000:5.1f} ms  longest stall {stall * 1000:5.1f} ms  "
              f"shown after {shown * 1000:5.0f} ms  complete after {done * 1000:5.0f} ms  {len(model.ids):,} rows",
              flush=True)
        app.processEvents()

    for _ in range(2):
        query("sort 需求内容 ascending", order_by="content", descending=False)
        query("sort 需求内容 descending", order_by="content", descending=True)
        query("clear sort", order_by="", descending=False)
        for word in SEARCHES:
            query(f"search {word}", search=word)
            query("clear", search="")

    page = window.consolidation_page
    t = time.perf_counter()
    window.tabs.setCurrentWidget(page)
    blocked = time.perf_counter() - t
    shown = settle(lambda: page.board_summary.text().startswith("已报送") and page.needs.model._pending is None
                   and not getattr(page.needs.model, "partial", False)) - t
    print(f"{'open 汇总':24s} UI thread {blocked * 1000:5.1f} ms  shown after {shown * 1000:5.0f} ms")
    t = time.perf_counter()
    page.tabs.setCurrentWidget(page.duplicates_tab)
    blocked = time.perf_counter() - t
    shown = settle(lambda: not page.duplicates_hint.text().startswith("正在")) - t
    print(f"{'open 疑似重复':24s} UI thread {blocked * 1000:5.1f} ms  shown after {shown * 1000:5.0f} ms")
    window.close()
    store.close()


if __name__ == "__main__":
    main(sys.argv[1])
