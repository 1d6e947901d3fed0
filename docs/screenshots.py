"""Regenerates the window screenshots in docs/ from sample data, offscreen:

    python docs/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from storage import Store  # noqa: E402
from storage.sample import fill  # noqa: E402
from ui.app import ensure_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def main() -> None:
    app = ensure_app()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "shots.db")
        fill(store, needs=120, cases=3, seed=2023)
        # A city supervisor's database: the sample's unit becomes city-level, and
        # needs from other districts arrive as imports would bring them.
        store.set_profile({**store.profile(), "unit": "福州市市场监督管理局（示例）", "district": ""})
        rows = store.needs.rows()
        for i, district in enumerate(("鼓楼区", "台江区", "仓山区", "晋安区", "福清市")):
            ids = [r["id"] for r in rows[i * 20:(i + 1) * 20]]
            store.db.execute(f"update needs set origin='import', district=?, unit=?, imported_at='2023-05-19T10:00' "
                             f"where id in ({','.join('?' * len(ids))})",
                             [district, f"福州市{district}市场监督管理局（示例）", *ids])
        # One draft, to show how an incomplete record looks.
        draft = store.needs.insert({**store.local_defaults("needs"), "subject_name": "福州某新材料有限公司（示例）",
                                    "credit_code": "91350100M000100Y4X", "content": "待补充需求类别和协调层级"})
        window = MainWindow(store)
        window.resize(1500, 800)
        window.show()
        app.processEvents()
        window.needs_page.view.scrollTo(window.needs_page.model.index(window.needs_page.model.row_of(draft), 1))
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


if __name__ == "__main__":
    main()
