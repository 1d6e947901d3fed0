"""帮助 → 关于: what it says, and its button to the data folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from exports.fonts import SHIPPED_DIR
from forms import APP_VERSION
from ui import about_dialog
from ui.about_dialog import FONTS, AboutDialog

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def dialog(qtbot, db_path):
    d = AboutDialog(db_path, log_path=db_path.parent / "logs" / "wanlixing.log")
    qtbot.addWidget(d)
    d.show()
    return d


def test_about_shows_version_data_folder_and_log(dialog, db_path):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert dialog.findChild(about_dialog.QLabel, "version").text() == f"版本 {version}" == f"版本 {APP_VERSION}"
    assert dialog.data_label.text() == str(db_path.parent.resolve())
    assert dialog.db_label.text() == str(db_path.resolve())
    assert dialog.log_label.text() == str(db_path.parent / "logs" / "wanlixing.log")


def test_about_buttons_are_chinese_and_open_the_data_folder(dialog, db_path, qtbot, monkeypatch):
    opened: list[Path] = []
    monkeypatch.setattr(about_dialog, "open_folder", lambda path: opened.append(path) or True)
    buttons = [b.text() for b in dialog.findChildren(about_dialog.QPushButton)]
    assert sorted(buttons) == sorted(["打开数据文件夹", "关闭"])
    dialog.open_button.click()
    assert opened == [db_path.parent.resolve()]
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_about_lists_font_licences_whose_files_ship(dialog):
    text = dialog.licences.toPlainText()
    for name, licence, files in FONTS:
        assert name in text and licence in text
        for f in files:
            assert f in text and (SHIPPED_DIR / f).is_file()
    for library in ("PySide6", "openpyxl", "ReportLab", "sqlite-utils", "LGPL-3.0"):
        assert library in text
    # Versions come from the installed metadata, not from a hand-written list.
    assert about_dialog.installed_version("openpyxl") in text


def test_about_opens_from_the_help_menu(app_window, qtbot, monkeypatch):
    window = app_window()
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "帮助")
    next(a for a in help_menu.actions() if a.text() == "关于").trigger()
    assert len(shown) == 1 and shown[0].data_folder == Path(window.store.path).resolve().parent
