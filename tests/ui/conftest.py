from __future__ import annotations

import pytest

from storage import Store
from tests.conftest import PROFILE


@pytest.fixture
def app_window(qtbot, db_path):
    """The real main window on a file database; returns a factory so tests can reopen."""
    from ui.app import register_fonts
    from ui.main_window import MainWindow

    register_fonts()
    opened: list = []

    def open_window():
        store = Store.open(db_path)
        if not store.has_profile():
            store.set_profile(PROFILE)
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()
        opened.append((window, store))
        return window

    yield open_window
    for window, store in opened:
        window.close()
        store.close()
