"""The case form counts each section next to it, and keeps its layout when a message appears."""

from __future__ import annotations

from tests.ui.keyboard_typing import type_text
from tests.ui.test_cases_window import fill_case


def test_each_section_counts_next_to_itself(qtbot, app_window):
    window = app_window()
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    page.add_case()
    editor = page.editor
    fill_case(qtbot, editor)
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
    window = app_window()
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    page.add_case()
    editor = page.editor
    fill_case(qtbot, editor)
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
