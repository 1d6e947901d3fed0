"""The one edit history through the real widgets: waits for another writer, never claims a failed edit,
undoes case edits, refuses stale undo, follows 选项管理, and one window per database."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from storage import Store
from tests.lockholder import write_lock_held
from tests.ui.keyboard_typing import type_text
from tests.ui.test_needs_window import type_into_cell
from ui.qt import QMessageBox, Qt

ROOT = Path(__file__).resolve().parents[2]


def capture_warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


def test_cell_edit_waits_for_an_import_in_another_process(qtbot, app_window, db_path, monkeypatch):
    shown = capture_warnings(monkeypatch)
    window = app_window()
    page = window.needs_page
    page.add_need()
    page.view.setFocus()
    with write_lock_held(db_path, 2):
        type_into_cell(qtbot, window, 0, "subject_name", "福建甲科技有限公司")
    assert shown == []
    assert Store.open(db_path).needs.rows()[0]["subject_name"] == "福建甲科技有限公司"
    assert window.undo.count() == 2  # 新增需求 + 编辑


def test_failed_edit_is_shown_as_not_saved_and_keeps_no_undo(qtbot, app_window, db_path, monkeypatch):
    shown = capture_warnings(monkeypatch)
    window = app_window()
    page = window.needs_page
    page.add_need()
    page.view.setFocus()
    window.store.db.execute("PRAGMA busy_timeout = 300")  # the lock outlasts the wait
    with write_lock_held(db_path, 3):
        type_into_cell(qtbot, window, 0, "subject_name", "福建甲科技有限公司")
    assert len(shown) == 1 and "没有保存" in shown[0] and "已保存" not in shown[0]
    assert "没有保存" in window.statusBar().currentMessage()
    assert window.saved_label.text() == "⚠ 最近一次修改没有保存"
    window.grab().save("/tmp/writers_failed_edit.png")
    assert window.undo.count() == 1 and window.undo.undoText() == "新增需求"  # no entry for the failed edit
    assert page.model.index(0, page.model.column_of("subject_name")).data() == "（必填）"
    assert Store.open(db_path).needs.rows()[0]["subject_name"] is None
    # After the other writer is gone the same edit saves.
    type_into_cell(qtbot, window, 0, "subject_name", "福建甲科技有限公司")
    assert Store.open(db_path).needs.rows()[0]["subject_name"] == "福建甲科技有限公司"
    assert window.saved_label.text() == "所有修改已自动保存到本机数据库"


def test_case_edits_can_be_undone(qtbot, app_window):
    window = app_window()
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    case_id = page.add_case()
    type_text(qtbot, page.editor.form.editors["name"], "专利导航助力产业链")
    page.editor.flush()
    type_text(qtbot, page.editor.form.editors["contact"], "陈静")
    page.editor.flush()
    assert window.store.cases.get(case_id)["contact"] == "陈静"
    window.undo_edit()
    assert window.store.cases.get(case_id)["contact"] is None
    assert page.editor.form.editors["contact"].text() == ""
    assert page.editor.form.editors["name"].text() == "专利导航助力产业链"
    window.undo_edit()  # the whole typing of the name is one step
    assert not window.store.cases.get(case_id)["name"]
    window.redo_edit()
    assert page.editor.form.editors["name"].text() == "专利导航助力产业链"
    assert page.model.index(page.model.row_of(case_id), 1).data() == "专利导航助力产业链"


def test_new_case_category_reaches_the_open_case_editor(qtbot, app_window):
    """The bug: after 设置 → 选项管理 added a case category, the open case editor still offered
    the old list and marked the new value "不在列表中"."""
    from ui.choices_dialog import EXTENDABLE, ChoicesDialog
    from ui.qt import QApplication, QTimer

    window = app_window()
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    case_id = page.add_case()
    list_name = next(name for name, label in EXTENDABLE if label.startswith("优秀案例") and "类别" in label)
    seen: list[int] = []

    def in_the_dialog() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ChoicesDialog) and w.isVisible())
        dialog.list_box.setCurrentIndex(dialog.list_box.findData(list_name))
        type_text(qtbot, dialog.new_value, "数据知识产权保护")
        qtbot.keyClick(dialog.new_value, Qt.Key.Key_Return)
        seen.append(dialog.values.count())
        dialog.accept()

    QTimer.singleShot(0, in_the_dialog)
    menu = next(a for a in window.menuBar().actions() if a.text() == "设置").menu()
    next(a for a in menu.actions() if a.text() == "选项管理…").trigger()  # modal: runs in_the_dialog
    assert seen
    combo = page.editor.form.editors["category"]
    i = combo.findText("数据知识产权保护")
    assert i > 0
    combo.setCurrentIndex(i)
    page.editor.flush()
    assert page.editor.form.errors["category"].isHidden()
    assert "不在列表中" not in page.editor.form.errors["category"].text()
    assert window.store.cases.get(case_id)["category"] == "数据知识产权保护"
    page.editor.grab().save("/tmp/writers_new_category.png")


def test_undo_refuses_to_overwrite_another_windows_newer_edit(qtbot, app_window, monkeypatch):
    shown = capture_warnings(monkeypatch)
    mine = app_window()
    mine.needs_page.add_need()
    mine.needs_page.view.setFocus()
    type_into_cell(qtbot, mine, 0, "subject_name", "福建甲科技有限公司")
    theirs = app_window()
    time.sleep(0.01)
    type_into_cell(qtbot, theirs, 0, "subject_name", "福建乙食品有限公司")
    mine.undo_edit()
    assert len(shown) == 1 and "其他窗口或导入修改过" in shown[0]
    assert mine.store.needs.rows()[0]["subject_name"] == "福建乙食品有限公司"
    assert mine.undo.undoText() == "新增需求"  # the refused step left the history


HOLD_WINDOW_LOCK = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from ui import instance_lock
    lock = instance_lock.acquire(sys.argv[1])
    print("locked" if lock is not None else "refused", flush=True)
    time.sleep(60)
""")


def test_second_window_on_one_database_is_refused(qtbot, db_path, monkeypatch):
    from ui import app, instance_lock

    Store.open(db_path).close()
    first = subprocess.Popen([sys.executable, "-c", HOLD_WINDOW_LOCK, str(db_path), str(ROOT)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "locked"
        shown: list[str] = []
        monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a, **k: shown.append(text))
        monkeypatch.setattr(sys, "excepthook", sys.excepthook)
        assert app.run(db_path) == 3
        assert len(shown) == 1 and "已经在另一个万里行填报助手窗口中打开" in shown[0]
        assert f"进程号 {first.pid}" in shown[0]
        # The command line still works beside the window.
        done = subprocess.run([sys.executable, "main.py", "sample", "--db", str(db_path)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # A window that was killed leaves a stale lock: the next window takes it over.
    lock = instance_lock.acquire(db_path)
    assert lock is not None
    lock.unlock()


def test_a_bug_in_an_edit_is_never_reported_as_saved(qtbot, app_window, monkeypatch):
    shown = capture_warnings(monkeypatch)
    window = app_window()
    window.needs_page.add_need()
    (need,) = window.store.needs.ids()
    assert window.undo.run(lambda ops: ops.set_values("needs", {need: {"no_such_column": "x"}})) is None
    assert len(shown) == 1 and "没有保存" in shown[0] and "已保存" not in shown[0]
    assert window.undo.count() == 1


def test_image_limit_and_image_writes_go_through_the_history(qtbot, app_window, tmp_path, monkeypatch):
    from forms.cases import MAX_IMAGES
    from ui.qt import QImage

    shown = capture_warnings(monkeypatch)
    window = app_window()
    page = window.cases_page
    case_id = page.add_case()
    type_text(qtbot, page.editor.form.editors["name"], "图片案例")
    page.editor.flush()
    png = tmp_path / "现场.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(0xFF2060A0)
    image.save(str(png))
    for _ in range(MAX_IMAGES):
        assert page.editor.add_image(png)
    assert not page.editor.add_image(png)
    assert shown == [f"每个案例最多 {MAX_IMAGES} 张图片。"]
    assert len(window.store.images(case_id)) == MAX_IMAGES
    # Adding images changed updated_at, but it was this window: undoing the name is still allowed.
    window.undo_edit()
    assert not window.store.cases.get(case_id)["name"]
    assert len(shown) == 1


def test_undo_that_cannot_write_stays_in_the_history(qtbot, app_window, db_path, monkeypatch):
    shown = capture_warnings(monkeypatch)
    window = app_window()
    page = window.needs_page
    page.add_need()
    page.view.setFocus()
    type_into_cell(qtbot, window, 0, "subject_name", "福建甲科技有限公司")
    window.store.db.execute("PRAGMA busy_timeout = 300")
    with write_lock_held(db_path, 3):
        window.undo_edit()
    assert len(shown) == 1 and shown[0].startswith("撤销“编辑”没有完成") and "没有保存" in shown[0]
    assert window.undo.count() == 2 and window.undo.index() == 2 and window.undo.undoText() == "编辑"
    assert Store.open(db_path).needs.rows()[0]["subject_name"] == "福建甲科技有限公司"
    window.undo_edit()  # the other writer is gone: the same step now works
    assert Store.open(db_path).needs.rows()[0]["subject_name"] is None
    window.store.db.execute("PRAGMA busy_timeout = 300")
    with write_lock_held(db_path, 3):
        window.redo_edit()
    assert len(shown) == 2 and shown[1].startswith("重做“编辑”没有完成")
    assert window.undo.index() == 1 and window.undo.redoText() == "编辑"
    window.redo_edit()
    assert Store.open(db_path).needs.rows()[0]["subject_name"] == "福建甲科技有限公司"
