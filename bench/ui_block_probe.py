"""How long the window's UI thread is blocked by a sort, a search and opening 汇总, and how
long until the rows are shown, on a large database (issue 9: "scrolling and sorting never
block"). Run from the repository root on a copy of a sample database:

    python main.py sample --db /tmp/s150.db --needs 150000 --cases 5
    QT_QPA_PLATFORM=offscreen python bench/ui_block_probe.py /tmp/s150.db

"UI thread" is the time the call that starts the work takes (the event loop cannot run
meanwhile); "shown after" runs until the rows or figures are on screen, the event loop
turning. Before the work moved to worker threads both were the same number.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


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

    def settle(done) -> float:
        while not done():
            app.processEvents()
            time.sleep(0.001)
        return time.perf_counter()

    def query(label: str, **q) -> None:
        t = time.perf_counter()
        model.set_query(**q)
        blocked = time.perf_counter() - t
        shown = settle(lambda: model._pending is None) - t
        print(f"{label:28s} UI thread {blocked * 1000:7.1f} ms   shown after {shown * 1000:7.0f} ms   "
              f"{len(model.ids):,} rows")

    for _ in range(2):
        query("sort 需求内容 ascending", order_by="content", descending=False)
        query("sort 需求内容 descending", order_by="content", descending=True)
        query("search 专利 (2 characters)", search="专利")
        query("search 东南亚", search="东南亚")
        query("search 闽江智能", search="闽江智能")
        query("clear", search="", order_by="", descending=False)

    page = window.consolidation_page
    t = time.perf_counter()
    window.tabs.setCurrentWidget(page)
    blocked = time.perf_counter() - t
    shown = settle(lambda: page.board_summary.text().startswith("已报送") and page.needs.model._pending is None) - t
    print(f"{'open 汇总':28s} UI thread {blocked * 1000:7.1f} ms   shown after {shown * 1000:7.0f} ms")
    t = time.perf_counter()
    page.tabs.setCurrentWidget(page.duplicates_tab)
    blocked = time.perf_counter() - t
    shown = settle(lambda: not page.duplicates_hint.text().startswith("正在")) - t
    print(f"{'open 疑似重复':28s} UI thread {blocked * 1000:7.1f} ms   shown after {shown * 1000:7.0f} ms")
    window.close()
    store.close()


if __name__ == "__main__":
    main(sys.argv[1])
