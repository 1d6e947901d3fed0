"""The needs table answers the keys an Excel/WPS user presses without thinking."""

from __future__ import annotations

import pytest

from tests.ui.keyboard_typing import type_text
from tests.ui.test_needs_window import open_editor
from ui.qt import QApplication, QGuiApplication, QLineEdit, Qt

ROWS = [
    {"subject_name": "福州甲科技有限公司", "credit_code": "914403001922038216", "phone": "0591-87530216"},
    {"subject_name": "福州乙食品有限公司", "credit_code": "123", "phone": "13812345678"},
    {"subject_name": "福州丙材料有限公司", "credit_code": "", "phone": ""},
]


@pytest.fixture
def page(qtbot, app_window):
    window = app_window()
    window.undo.run(lambda ops: ops.add_records("needs", [dict(r) for r in ROWS], "测试"))
    window.undo.clear()
    window.activateWindow()
    page = window.needs_page
    page.view.setFocus()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.window_ = window
    return page


def col(page, key: str) -> int:
    return page.model.column_of(key)


def stored(page, row: int, key: str):
    return page.store.needs.get(page.model.ids[row])[key]


def test_ctrl_f_focuses_the_search_box(qtbot, page):
    qtbot.waitUntil(lambda: page.view.hasFocus() or QApplication.focusWidget() is not None)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()


def test_enter_commits_and_moves_down_tab_moves_right(qtbot, page):
    index = page.model.index(0, col(page, "subject_name"))
    editor = open_editor(page, index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    type_text(qtbot, editor, "福州丁电子有限公司")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view.currentIndex().row() == 1)
    assert stored(page, 0, "subject_name") == "福州丁电子有限公司"
    assert page.view.currentIndex().column() == col(page, "subject_name")
    assert page.view.state() != page.view.State.EditingState

    # Tab while editing: commits and moves right, with no editor open.
    editor = open_editor(page, page.view.currentIndex())
    editor.selectAll()
    type_text(qtbot, editor, "福州戊有限公司")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: page.view.currentIndex().column() == col(page, "subject_name") + 1)
    assert stored(page, 1, "subject_name") == "福州戊有限公司"
    assert page.view.currentIndex().row() == 1

    # Not editing: Enter moves down, Tab right, Shift+Tab left.
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.view.currentIndex().row() == 2
    qtbot.keyClick(page.view, Qt.Key.Key_Tab)
    assert page.view.currentIndex().column() == col(page, "subject_name") + 2
    qtbot.keyClick(page.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert page.view.currentIndex().column() == col(page, "subject_name") + 1


def test_f2_and_typing_start_editing(qtbot, page):
    page.view.setCurrentIndex(page.model.index(2, col(page, "phone")))
    qtbot.keyClick(page.view, Qt.Key.Key_F2)
    assert page.view.state() == page.view.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert page.view.state() != page.view.State.EditingState

    # Typing on a cell replaces its value, like Excel.
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(2, col(page, "phone")))
    qtbot.keyClick(page.view, Qt.Key.Key_0)  # the first key opens the editor and lands in it
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "591")  # the rest are typed into the editor, which now has the focus
    assert isinstance(editor, QLineEdit) and editor.text() == "0591"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored(page, 2, "phone") == "0591")


def select_block(page, top: int, left: int, bottom: int, right: int) -> None:
    from ui.qt import QItemSelection, QItemSelectionModel

    selection = QItemSelection(page.model.index(top, left), page.model.index(bottom, right))
    page.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    page.view.setCurrentIndex(page.model.index(top, left))
    page.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_delete_clears_the_selected_cells_in_one_undoable_step(qtbot, page):
    window = page.window_
    select_block(page, 0, col(page, "subject_name"), 1, col(page, "credit_code"))
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert [stored(page, r, "subject_name") for r in range(2)] == ["", ""]
    assert [stored(page, r, "credit_code") for r in range(2)] == ["", ""]
    assert stored(page, 2, "subject_name") == "福州丙材料有限公司"
    assert page.model.rowCount() == 3  # cells cleared, rows kept
    window.undo_edit()  # one step brings all four back
    assert stored(page, 0, "subject_name") == "福州甲科技有限公司"
    assert stored(page, 1, "credit_code") == "123"
    assert not window.undo.canUndo()


def test_ctrl_delete_deletes_the_rows_with_undo(qtbot, page):
    window = page.window_
    select_block(page, 0, col(page, "phone"), 1, col(page, "phone"))
    qtbot.keyClick(page.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 1
    assert [r["subject_name"] for r in page.store.needs.rows()] == ["福州丙材料有限公司"]
    window.undo_edit()
    assert page.model.rowCount() == 3
    assert len(page.store.needs.rows()) == 3


def test_ctrl_c_copies_the_block_and_ctrl_shift_c_adds_the_header(qtbot, page):
    select_block(page, 0, col(page, "subject_name"), 1, col(page, "credit_code"))
    qtbot.keyClick(page.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == (
        "福州甲科技有限公司\t914403001922038216\n福州乙食品有限公司\t123\n")
    qtbot.keyClick(page.view, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0] == "需求主体名称\t统一社会信用代码"
    assert lines[1:] == ["福州甲科技有限公司\t914403001922038216", "福州乙食品有限公司\t123"]

    # What was copied pastes back as new needs (header recognised), like a block from Excel.
    page.paste_text(QGuiApplication.clipboard().text())
    names = [r["subject_name"] for r in page.store.needs.rows()]
    assert names.count("福州乙食品有限公司") == 2


def test_the_current_cells_problem_shows_in_the_status_bar(qtbot, page):
    window = page.window_
    page.view.setCurrentIndex(page.model.index(1, col(page, "credit_code")))
    assert "统一社会信用代码应为18位，现在是3位" in window.statusBar().currentMessage()
    page.view.setCurrentIndex(page.model.index(0, col(page, "credit_code")))
    assert window.statusBar().currentMessage() == ""
    page.view.setCurrentIndex(page.model.index(2, 0))  # 完整性: every problem of the row
    message = window.statusBar().currentMessage()
    assert "“需求类别”必填" in message and "“需求内容”必填" in message
