"""Nothing the officer needs is clipped at 1280×800 (and so at 1920×1080 with 150 %, 1280×720)."""

from __future__ import annotations

import pytest

from storage.sample import fill
from ui.qt import QTableView


def _with_duplicates(store) -> None:
    fill(store, needs=60, cases=2, seed=2023)
    rows = store.needs.rows()
    for i, district in enumerate(("鼓楼区", "台江区", "仓山区")):
        ids = [r["id"] for r in rows[i * 20:(i + 1) * 20]]
        store.db.execute(f"update needs set origin='import', district=?, unit=? where id in ({','.join('?' * 20)})",
                         [district, f"福州市{district}市场监督管理局", *ids])
    for row in rows[:3]:  # the same enterprises again, from another district: 疑似重复
        twin = store.needs.insert({k: v for k, v in row.items() if k in store.needs.writable})
        store.db.execute("update needs set origin='import', district='晋安区', unit='福州市晋安区市场监督管理局' "
                         "where id=?", [twin])


@pytest.mark.parametrize("size", [(1280, 800), (1280, 720)])
def test_window_fits_and_consolidation_shows_every_tab_and_total(qtbot, app_window, size):
    window = app_window()
    _with_duplicates(window.store)
    window.reload_all()
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    assert window.minimumSizeHint().width() <= size[0]
    page = window.consolidation_page
    window.tabs.setCurrentWidget(page)
    page.tabs.setCurrentWidget(page.duplicates_tab)
    bar = page.tabs.tabBar()
    qtbot.waitUntil(lambda: bar.tabText(page.tabs.indexOf(page.duplicates_tab)).startswith("疑似重复（"))
    # Every tab, 汇总清单 the last, is in view: no scroll arrows.
    last = bar.tabRect(bar.count() - 1)
    assert bar.tabText(bar.count() - 1) == "汇总清单" and last.right() < bar.width()

    page.tabs.setCurrentIndex(1)  # 统计图表
    tables = [t for t in page.tabs.currentWidget().findChildren(QTableView)]
    assert len(tables) == 2

    def totals_in_view() -> bool:
        for table in tables:
            header = table.horizontalHeader()
            column = header.count() - 1
            if table.model().headerData(column, header.orientation()) != "合计":
                return False
            if header.sectionViewportPosition(column) + header.sectionSize(column) > table.viewport().width():
                return False
        return True

    qtbot.waitUntil(totals_in_view)
