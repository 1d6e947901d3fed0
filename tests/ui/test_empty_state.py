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
    page.apply_query()
    assert page.empty_hint.isVisible() and page.empty_text.text() == strings.EMPTY_FILTERED
    assert not any(b.isVisible() for b in page.empty_buttons)
