from __future__ import annotations

from tests.ui.keyboard_typing import type_text
from ui.qt import QComboBox, QLineEdit, QPlainTextEdit, Qt


def open_editor(page, index):
    """Start editing a cell and return the delegate's editor widget."""
    page.view.setCurrentIndex(index)
    page.view.edit(index)
    viewport = page.view.viewport()
    editors = [w for kind in (QComboBox, QPlainTextEdit, QLineEdit) for w in viewport.findChildren(kind)
               if w.parent() is viewport and w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def type_into_cell(qtbot, window, row: int, key: str, text: str) -> None:
    page = window.needs_page
    index = page.model.index(row, page.model.column_of(key))
    editor = open_editor(page, index)
    if isinstance(editor, QComboBox):
        i = editor.findText(text)
        assert i >= 0, text
        editor.setCurrentIndex(i)
        page.view.commitData(editor)
        page.view.closeEditor(editor, page.view.itemDelegate().EndEditHint.NoHint)
        return
    assert isinstance(editor, (QLineEdit, QPlainTextEdit)), type(editor)
    editor.selectAll()
    type_text(qtbot, editor, text)
    page.view.commitData(editor)
    page.view.closeEditor(editor, page.view.itemDelegate().EndEditHint.NoHint)


def test_type_a_need_close_and_reopen(qtbot, app_window):
    window = app_window()
    page = window.needs_page
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    page.view.closePersistentEditor(page.view.currentIndex())
    page.view.setFocus()
    assert page.model.rowCount() == 1
    type_into_cell(qtbot, window, 0, "subject_name", "福州闽江智能装备有限公司")
    type_into_cell(qtbot, window, 0, "credit_code", "914403001922038216")
    type_into_cell(qtbot, window, 0, "subject_type", "企业")
    type_into_cell(qtbot, window, 0, "category", "专利导航与分析评议")
    type_into_cell(qtbot, window, 0, "content", "希望开展智能装备产业专利导航。")
    type_into_cell(qtbot, window, 0, "coord_level", "需国家知识产权局协调")
    type_into_cell(qtbot, window, 0, "phone", "0591-87530216")
    status = page.model.index(0, 0).data()
    assert status == "✔ 可提交"
    assert "共 1 项，需国家局协调 1 项，需省局协调 0 项" in page.summary.text()
    assert page.model.index(0, page.model.column_of("coord_level")).data() == "★ 需国家知识产权局协调"
    window.close()

    again = app_window()
    row = again.store.needs.rows()[0]
    assert row["subject_name"] == "福州闽江智能装备有限公司"
    assert row["credit_code"] == "914403001922038216"
    assert row["subject_type"] == "企业"
    assert row["category"] == "专利导航与分析评议"
    assert row["content"] == "希望开展智能装备产业专利导航。"
    assert row["coord_level"] == "需国家知识产权局协调"
    assert row["phone"] == "0591-87530216"
    assert row["status"] == "待对接"
    assert row["unit"] == "福州市鼓楼区市场监督管理局"


def test_invalid_value_is_kept_as_draft_with_message(qtbot, app_window):
    window = app_window()
    page = window.needs_page
    page.add_need()
    page.view.setFocus()
    type_into_cell(qtbot, window, 0, "credit_code", "91440300192203821X")
    index = page.model.index(0, page.model.column_of("credit_code"))
    assert index.data() == "91440300192203821X"
    assert "校验位" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert page.model.index(0, 0).data().startswith("草稿")
    assert page.model.index(0, page.model.column_of("subject_name")).data() == "（必填）"


PASTED = (
    "需求主体名称\t需求类别\t需求内容\t协调层级\t联系电话\n"
    "福建甲科技有限公司\t贯标\t希望参加贯标培训\t省局\t13812345678\n"
    "福建乙食品有限公司\t商标品牌建设\t\"出口遇到商标抢注，\n需要海外维权\"\t国家局\t0591-87530216\n"
    "\t\t\t\t\n"
    "福建丙茶业有限公司\t地理标志\t申请地理标志\t本地\t\n"
)


def test_paste_rows_from_a_spreadsheet(qtbot, app_window):
    window = app_window()
    page = window.needs_page
    assert page.paste_text(PASTED) == 3
    rows = window.store.needs.rows()
    assert [r["subject_name"] for r in rows] == ["福建甲科技有限公司", "福建乙食品有限公司", "福建丙茶业有限公司"]
    assert rows[0]["category"] == "知识产权管理体系贯标"
    assert rows[0]["coord_level"] == "需省知识产权局协调"
    assert rows[1]["content"] == "出口遇到商标抢注，\n需要海外维权"
    assert rows[1]["coord_level"] == "需国家知识产权局协调"
    assert rows[2]["category"] == "地理标志培育与运用" and rows[2]["coord_level"] == "本地解决"
    assert all(r["status"] == "待对接" for r in rows)
    # One undo takes the whole paste back.
    window.undo.undo()
    assert window.store.needs.rows() == []
    window.undo.redo()
    assert len(window.store.needs.rows()) == 3


def test_paste_without_header_starts_at_current_column(qtbot, app_window):
    window = app_window()
    page = window.needs_page
    page.add_need()
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, page.model.column_of("subject_name")))
    assert page.paste_text("福建丁公司\t\t企业\n福建戊公司\t914403001922038216\t高校\n") == 2
    rows = window.store.needs.rows()
    assert [r["subject_name"] or "" for r in rows] == ["", "福建丁公司", "福建戊公司"]
    assert rows[2]["credit_code"] == "914403001922038216" and rows[2]["subject_type"] == "高校"


def test_paste_one_column_fills_down(qtbot, app_window):
    window = app_window()
    page = window.needs_page
    page.paste_text(PASTED)
    page.view.setCurrentIndex(page.model.index(0, page.model.column_of("status")))
    page.paste_text("已匹配资源\n已解决\n")
    assert [r["status"] for r in window.store.needs.rows()] == ["已匹配资源", "已解决", "待对接"]


def test_delete_undo_and_filters(qtbot, app_window, monkeypatch):
    window = app_window()
    page = window.needs_page
    page.paste_text(PASTED)
    page.view.selectRow(1)
    page.delete_selected(confirm=False)
    assert [r["subject_name"] for r in window.store.needs.rows()] == ["福建甲科技有限公司", "福建丙茶业有限公司"]
    window.undo.undo()
    assert len(window.store.needs.rows()) == 3
    box = page.filter_boxes["coord_level"]
    box.setCurrentIndex(box.findData("需国家知识产权局协调"))
    assert page.model.rowCount() == 1
    assert "当前显示 1 项" in page.summary.text()
    page.search.setText("丙茶业")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=2000)
    page.clear_filters()
    assert page.model.rowCount() == 3


def test_officer_adds_a_category(qtbot, app_window):
    from ui.choices_dialog import ChoicesDialog

    window = app_window()
    page = window.needs_page
    page.paste_text("需求主体名称\t需求类别\t需求内容\t协调层级\n福建甲公司\t数据知识产权登记\t登记数据资产\t本地\n")
    assert page.model.index(0, 0).data().startswith("草稿")
    dialog = ChoicesDialog(window.undo, window)
    qtbot.addWidget(dialog)
    dialog.list_box.setCurrentIndex(dialog.list_box.findData("need_categories"))
    dialog.new_value.setText("数据知识产权登记")
    dialog.add()
    assert dialog.changed
    page.refill_filters()
    page.model.reload()
    assert page.model.index(0, 0).data() == "✔ 可提交"
    assert page.filter_boxes["category"].findData("数据知识产权登记") > 0
    # Built-in values cannot be removed.
    dialog.values.setCurrentRow(0)
    dialog.remove()
    assert "专利快速审查/优先审查" in window.store.choices.values("need_categories")
