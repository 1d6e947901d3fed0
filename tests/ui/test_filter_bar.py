"""汇总清单's filter bar at 1280×800 (and 1920×1080 at 150 %, 1280×720): every filter shows its current
value whole, the default "需求类别：全部" and a long chosen value alike."""

from __future__ import annotations

import pytest

from storage.sample import fill
from ui.qt import QComboBox, QFontMetrics, QStyle, QStyleOptionComboBox


def readable_width(box: QComboBox) -> int:
    """The width the style gives the combo's text (its frame and arrow taken off)."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    return field.width()


def clipped(boxes: list[QComboBox]) -> dict[str, tuple[str, int, int]]:
    """The filters whose current text does not fit: name -> (text, needed, has)."""
    out = {}
    for box in boxes:
        needed = QFontMetrics(box.font()).horizontalAdvance(box.currentText())
        if box.width() < needed or readable_width(box) < needed:
            out[box.objectName()] = (box.currentText(), needed, readable_width(box))
    return out


@pytest.mark.parametrize("size", [(1280, 800), (1280, 720)])
def test_consolidated_filters_show_their_current_value_whole(qtbot, app_window, size):
    window = app_window()
    fill(window.store, needs=40, cases=0, seed=2023)
    window.reload_all()
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    page = window.consolidation_page
    window.tabs.setCurrentWidget(page)
    page.tabs.setCurrentWidget(page.needs)
    needs = page.needs
    boxes = [*needs.filter_boxes.values(), needs.drafts_only, needs.feedback_box]
    assert len(boxes) == 7 and all(box.isVisible() for box in boxes)
    qtbot.waitUntil(lambda: all(box.width() > 0 for box in boxes))
    assert [box.currentText() for box in boxes[:5]] == [
        "设区市：全部", "县（市、区）：全部", "需求类别：全部", "协调层级：全部", "办理状态：全部"]
    assert clipped(boxes) == {}

    # The longest value of each filter chosen at once: still whole, and the window still fits.
    needs.city_box.setCurrentIndex(1)  # the district filter lists that city's districts
    for box in boxes:
        longest = max(range(box.count()), key=lambda i, b=box: QFontMetrics(b.font()).horizontalAdvance(b.itemText(i)))
        box.setCurrentIndex(longest)
    assert needs.filter_boxes["category"].currentText() == max(
        window.store.choices.values("need_categories"), key=lambda t: QFontMetrics(needs.font()).horizontalAdvance(t))
    qtbot.waitUntil(lambda: clipped(boxes) == {}, timeout=2000)
    assert window.minimumSizeHint().width() <= size[0]
    assert needs.search.width() >= 300  # the search keeps room for a few words


def test_needs_page_filters_also_show_their_current_value(qtbot, app_window):
    window = app_window()
    fill(window.store, needs=10, cases=0, seed=2023)
    window.reload_all()
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    needs = window.needs_page
    boxes = [*needs.filter_boxes.values(), needs.drafts_only, needs.feedback_box]
    qtbot.waitUntil(lambda: all(box.width() > 0 for box in boxes))
    assert clipped(boxes) == {}
