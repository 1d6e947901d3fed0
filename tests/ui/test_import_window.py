from __future__ import annotations

from openpyxl import Workbook

from storage import Store
from ui.qt import QDialog, QMessageBox

CITY = {"unit": "福州市市场监督管理局", "city": "福州市", "district": "", "reporter": "王强",
        "phone": "0591-87000000", "year": 2023, "report_date": "2023-05-20"}


def as_city(db_path) -> None:
    """The window's database belongs to a city, which consolidates its districts' needs
    (a district takes only its own: tests/ui/test_feedback_window.py)."""
    store = Store.open(db_path)
    store.set_profile(CITY)
    store.close()


def hand_filled(path, unit="福州市台江区市场监督管理局"):
    """A template filled by hand: title, header block on one row, header with a line break."""
    wb = Workbook()
    ws = wb.active
    ws.title = "需求清单"
    ws.append(["2023年知识产权服务万里行活动需求清单"])
    ws.append([f"填报单位：{unit}", None, "所属地区：福州市台江区", None, "填报人：郑"])
    ws.append([])
    ws.append(["序号", "需求主体\n名称", "需求类别", "需求内容", "协调层级（重点标注）", "联系电话"])
    ws.append([1, "福州台江甲科技有限公司", "专利导航", "希望开展专利导航", "国家局", "13812345678"])
    ws.append([2, "福州台江乙食品有限公司", "商标品牌建设", "商标被抢注需要维权", "本地解决", "0591-87530216"])
    ws.append([])
    ws.append(["注：本表由区县市场监管局填写。"])
    wb.save(path)


def test_import_through_the_window(qtbot, app_window, db_path, tmp_path, monkeypatch):
    from ui import import_dialog

    as_city(db_path)
    window = app_window()
    path = tmp_path / "台江区需求清单.xlsx"
    hand_filled(path)
    seen = {}

    def accept(dialog):
        seen["counts"] = dialog.previews[0].plan.counts_text
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog.PreviewDialog, "exec", accept)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: seen.setdefault("done", a[2]))
    import_dialog.import_paths(window, window.store, [path], window.reload_all)
    qtbot.waitUntil(lambda: "done" in seen, timeout=20000)
    assert seen["counts"].startswith("新增 2 条")
    rows = window.store.needs.rows()
    assert [r["subject_name"] for r in rows] == ["福州台江甲科技有限公司", "福州台江乙食品有限公司"]
    assert rows[0]["coord_level"] == "需国家知识产权局协调" and rows[0]["unit"] == "福州市台江区市场监督管理局"
    assert rows[0]["origin"] == "import" and rows[0]["source_file"] == "台江区需求清单.xlsx"
    board = {r[0]: r for r in window.consolidation_page.board_model.rows}
    assert board["福州市台江区"][2] == 2 and board["福州市台江区"][-1] == "已报送"

    # The same file again adds nothing.
    seen.clear()
    import_dialog.import_paths(window, window.store, [path], window.reload_all)
    qtbot.waitUntil(lambda: "done" in seen, timeout=20000)
    assert seen["counts"].startswith("新增 0 条，相同 2 条")
    assert len(window.store.needs.rows()) == 2

    # Undo the first batch from the history dialog.
    dialog = import_dialog.HistoryDialog(window.store, window)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.table.selectRow(len(dialog.batches) - 1)
    dialog.undo_selected()
    assert window.store.needs.rows() == []


def test_duplicates_tab_lists_same_enterprise_from_two_units(qtbot, app_window, db_path, tmp_path, monkeypatch):
    from ui import import_dialog

    as_city(db_path)
    window = app_window()
    monkeypatch.setattr(import_dialog.PreviewDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    done = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: done.append(a[2]))
    hand_filled(tmp_path / "a.xlsx")
    hand_filled(tmp_path / "b.xlsx", unit="福州市鼓楼区市场监督管理局（另一单位）")
    import_dialog.import_paths(window, window.store, [tmp_path / "a.xlsx", tmp_path / "b.xlsx"], window.reload_all)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    page = window.consolidation_page
    assert len(window.store.needs.rows()) == 4  # flagged, not merged
    assert page.duplicates_model.rows == []  # computed only when the tab is opened
    page.tabs.setCurrentWidget(page.duplicates_tab)
    units = {row[2] for row in page.duplicates_model.rows}
    assert units == {"福州市台江区市场监督管理局", "福州市鼓楼区市场监督管理局（另一单位）"}
    assert {row[0] for row in page.duplicates_model.rows} == {1, 2}
    assert page.tabs.tabText(2) == "疑似重复（2）"


def test_a_locked_file_asks_for_its_password(qtbot, app_window, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    from exports.reading import formats
    from ui import import_dialog

    window = app_window()
    locked = tmp_path / "加密.xlsx"
    shutil.copy(Path(__file__).resolve().parent.parent / "data" / "encrypted_needs.xlsx", locked)
    typed = iter(["0000", "1234"])  # a wrong password first, then the right one
    prompts = []

    def ask(parent, label):
        prompts.append(label)
        return next(typed)

    seen = {}

    def accept(dialog):
        seen["counts"] = dialog.previews[0].plan.counts_text
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog, "ask_password", ask)
    monkeypatch.setattr(import_dialog.PreviewDialog, "exec", accept)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: seen.setdefault("done", a[2]))
    try:
        import_dialog.import_paths(window, window.store, [locked], window.reload_all)
        qtbot.waitUntil(lambda: "done" in seen, timeout=20000)
    finally:
        formats.forget_passwords()
    assert prompts == ["“加密.xlsx”设置了打开密码。请输入密码（取消则不导入这个文件）：",
                       "密码不正确，“加密.xlsx”无法打开。请重新输入密码（取消则不导入这个文件）："]
    assert seen["counts"].startswith("新增 4 条")
    assert window.store.needs.count() == 4


def test_a_locked_file_whose_password_is_not_given_is_refused(qtbot, app_window, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    from ui import import_dialog
    from ui.qt import QInputDialog

    window = app_window()
    locked = tmp_path / "加密.xlsx"
    shutil.copy(Path(__file__).resolve().parent.parent / "data" / "encrypted_needs.xlsx", locked)
    seen = {}

    def look(dialog):
        seen["error"] = dialog.previews[0].error
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QInputDialog, "exec", lambda self: QDialog.DialogCode.Rejected)  # 取消
    monkeypatch.setattr(import_dialog.PreviewDialog, "exec", look)
    import_dialog.import_paths(window, window.store, [locked], window.reload_all)
    qtbot.waitUntil(lambda: "error" in seen, timeout=20000)
    assert seen["error"] == "“加密.xlsx”设置了打开密码，无法读取。请输入打开密码后再导入，或让对方取消密码后重新发送。"
    assert window.store.needs.count() == 0


def test_password_prompt_has_chinese_buttons(qtbot, monkeypatch, tmp_path):
    from ui import import_dialog
    from ui.qt import QDialogButtonBox, QInputDialog, QLineEdit

    shown = {}

    def exec_(dialog):
        buttons = dialog.findChild(QDialogButtonBox)
        shown["buttons"] = sorted(b.text() for b in buttons.buttons())
        shown["echo"] = dialog.textEchoMode()
        dialog.setTextValue("1234")
        dialog.grab().save(str(tmp_path / "password-prompt.png"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QInputDialog, "exec", exec_)
    assert import_dialog.ask_password(None, "“加密.xlsx”设置了打开密码。") == "1234"
    assert shown["buttons"] == ["取消", "打开"] and shown["echo"] == QLineEdit.EchoMode.Password
