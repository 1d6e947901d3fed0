"""An empty tab says what to do next."""

from __future__ import annotations

from ui import strings
from ui.qt import Qt


def test_empty_needs_table_offers_the_three_ways_in(qtbot, app_window, monkeypatch):
    window = app_window()
    page = window.needs_page
    assert page.empty_hint.isVisible()
    assert page.empty_text.text() == strings.EMPTY_NEEDS
    assert [b.text() for b in page.empty_buttons] == ["新增需求", "从 Excel 粘贴", "导入模板…"]
    assert "全部可提交" not in page.summary.text()  # nothing to submit yet
    consolidated = window.consolidation_page.findChild(type(page))
    assert consolidated.empty_text.text() == strings.EMPTY_CONSOLIDATED

    asked = []
    monkeypatch.setattr(window, "_import", lambda folder: asked.append(folder))
    page.empty_buttons[2].click()
    assert asked == [False]

    qtbot.mouseClick(page.empty_buttons[0], Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1 and not page.empty_hint.isVisible()
    page.view.closePersistentEditor(page.view.currentIndex())

    page.search.setText("没有这样的企业")
    qtbot.waitUntil(lambda: not page.model.ids)  # the search runs 250 ms after the last key
    assert page.empty_hint.isVisible() and page.empty_text.text() == strings.EMPTY_FILTERED
    assert not any(b.isVisible() for b in page.empty_buttons)


def test_help_menu_opens_the_chinese_guide(qtbot, app_window, monkeypatch):
    from ui.help_dialog import HelpDialog

    window = app_window()
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == strings.MENU_HELP)
    titles = [a.text() for a in help_menu.actions()]
    assert titles == ["使用说明…", strings.ABOUT]
    shown = {}
    monkeypatch.setattr(HelpDialog, "exec", lambda self: shown.setdefault("text", self.browser.toPlainText()))
    help_menu.actions()[0].trigger()
    for heading in ("活动时间安排", "填写", "导出", "汇总", "对接反馈"):
        assert heading in shown["text"]
    assert "Ctrl+Shift+C" in shown["text"]
