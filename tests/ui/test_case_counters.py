"""The case form counts each section next to it, and keeps its layout when a message appears."""

from __future__ import annotations

from tests.ui.keyboard_typing import type_text
from tests.ui.test_cases_window import fill_case


def filled_case_editor(qtbot, app_window, size: tuple[int, int] | None = None):
    """附件2 with a new case typed in full (tests.ui.test_cases_window.fill_case): its editor."""
    window = app_window()
    if size is not None:
        window.resize(*size)
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    page.add_case()
    fill_case(qtbot, page.editor)
    return page.editor


def test_each_section_counts_next_to_itself(qtbot, app_window):
    editor = filled_case_editor(qtbot, app_window)
    # 智能装备产业是本区重点产业。 14 + 组织专利导航，形成分析报告。 14 + 促成专利许可3项。 9 + 精准对接需求是关键。 10
    assert editor.section_counters["background"].text() == "本部分 14 字 · 四部分合计 47 / 2000 字"
    assert editor.section_counters["lessons"].text() == "本部分 10 字 · 四部分合计 47 / 2000 字"
    # On the label row of its own section, at the right.
    grid = editor.form.layout()
    for key, label in editor.section_counters.items():
        label_row = grid.getItemPosition(grid.indexOf(label))[0]
        editor_row = grid.getItemPosition(grid.indexOf(editor.form.editors[key]))[0]
        assert label_row == editor_row - 1

    type_text(qtbot, editor.form.editors["background"], "长" * 2000)
    assert "超出" in editor.counter.text()
    assert editor.section_counters["practice"].text() == "本部分 14 字 · 四部分合计 2047 / 2000 字"
    assert "c0392b" in editor.section_counters["practice"].styleSheet()


def test_layout_does_not_jump_when_a_message_appears(qtbot, app_window):
    editor = filled_case_editor(qtbot, app_window)
    qtbot.wait(10)
    practice = editor.form.editors["practice"]
    before = practice.geometry()
    # A one-line message appears in the space kept for it. (A message longer than one line, such as
    # the phone number's how-to, still takes a second line.)
    editor.form.editors["contact"].setText("")
    editor.form.editors["enterprises"].setValue(-1)
    type_text(qtbot, editor.form.editors["name"], "长" * 70)
    qtbot.waitUntil(lambda: editor.form.errors["name"].isVisible())
    editor.form.layout().activate()
    assert practice.geometry() == before


def test_long_messages_keep_the_layout_and_show_in_full_as_tooltip(qtbot, app_window):
    from ui.case_editor import ERROR_LINES, line_height

    editor = filled_case_editor(qtbot, app_window, size=(1280, 800))
    qtbot.wait(10)
    editor.form.layout().activate()
    keys = ("name", "phone", "email", "enterprises", "background", "practice", "lessons")
    before = {key: editor.form.editors[key].geometry() for key in keys}
    # The phone number's how-to is four lines long in its column.
    for key, text in (("phone", "0591-8753021612345678"), ("email", "chen.example.com")):
        editor.form.editors[key].clear()
        type_text(qtbot, editor.form.editors[key], text)
    editor.form.editors["name"].setText("")
    qtbot.waitUntil(lambda: editor.form.errors["phone"].isVisible())
    editor.form.layout().activate()
    assert {key: editor.form.editors[key].geometry() for key in keys} == before
    phone = editor.form.errors["phone"]
    full = phone.toolTip()
    assert full.startswith("联系电话“0591-8753021612345678”格式不对") and "分机" in full
    assert phone.text().endswith("…") and full.startswith(phone.text()[:-1])
    metrics = phone.fontMetrics()
    assert phone.height() == ERROR_LINES * line_height(metrics) + 2
    used = metrics.boundingRect(phone.contentsRect(), int(phone.alignment()) | 0x1000, phone.text()).height()
    assert line_height(metrics) < used <= phone.height()  # two lines of it, not one
    assert editor.form.errors["name"].text() == "“案例名称”必填。"  # short: whole


def test_long_case_name_shows_its_start(qtbot, app_window):
    from ui.qt import Qt

    long_name = "“专利导航+知识产权服务进园区”助力闽江智能装备产业链升级暨全市知识产权服务万里行试点工作（示例）"
    window = app_window()
    window.store.cases.insert({"name": long_name, "recommender": "福州市鼓楼区市场监督管理局", "recommended": 1})
    window.reload_all()
    window.resize(1280, 800)
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    page.select(page.model.ids[0])
    qtbot.wait(10)
    name = page.editor.form.editors["name"]
    assert name.text() == long_name and name.cursorPosition() == 0
    assert page.view.textElideMode() == Qt.TextElideMode.ElideRight
    # 推荐意见 is in view beside the name, without scrolling the list.
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    column = headers.index("推荐意见")
    assert page.model.index(0, column).data() == "推荐"
    header = page.view.horizontalHeader()
    assert header.sectionViewportPosition(column) + header.sectionSize(column) <= page.view.viewport().width()
