from __future__ import annotations

from openpyxl import load_workbook

from storage.sample import fill


def test_export_from_the_window_runs_in_background(qtbot, app_window, tmp_path, monkeypatch):
    from ui import export_actions

    window = app_window()
    fill(window.store, needs=30, cases=1)
    window.needs_page.model.reload()
    asked = {}

    def ask(parent, title, name, ext):
        asked["name"] = name
        return tmp_path / name

    opened = {}
    monkeypatch.setattr(export_actions, "_ask_path", ask)
    monkeypatch.setattr(export_actions, "offer_to_open", lambda parent, path, text: opened.update(path=path, text=text))
    export_actions.export(window, window.store, "needs", "xlsx")
    qtbot.waitUntil(lambda: "path" in opened, timeout=30000)
    assert asked["name"].startswith("2023年万里行需求清单_福州市鼓楼区_") and asked["name"].endswith(".xlsx")
    assert opened["text"] == "已导出需求 30 条。"
    ws = load_workbook(opened["path"])["需求清单"]
    assert ws["B6"].value == window.store.needs.rows()[0]["subject_name"]

    opened.clear()
    case_id = window.store.cases.rows()[0]["id"]
    export_actions.export(window, window.store, "cases", "pdf", ids=[case_id])
    qtbot.waitUntil(lambda: "path" in opened, timeout=30000)
    assert opened["path"].read_bytes().startswith(b"%PDF") and opened["text"] == "已导出案例 1 个。"


def test_export_error_is_a_sentence(qtbot, app_window, tmp_path, monkeypatch):
    from ui import export_actions
    from ui.qt import QMessageBox

    window = app_window()
    blocked = tmp_path / "是文件夹.xlsx"
    blocked.mkdir()  # writing over a folder fails like a file locked by Excel
    monkeypatch.setattr(export_actions, "_ask_path", lambda *a: blocked)
    shown = {}
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.update(title=title, text=text))
    export_actions.export(window, window.store, "needs", "xlsx")
    qtbot.waitUntil(lambda: "text" in shown, timeout=30000)
    assert shown["title"] == "导出失败" and "Traceback" not in shown["text"]
    assert shown["text"] == f"“{blocked}”是一个文件夹，不能作为文件保存。请换一个文件名。"


def test_no_automatic_garbage_collection_on_a_worker_thread(qtbot):
    """A worker that collected Qt wrappers of closed windows destroyed them off the UI thread."""
    import gc
    import threading

    from ui.tasks import run_task

    seen = {}

    def job(progress):
        seen["enabled_in_worker"] = gc.isenabled()
        seen["thread"] = threading.current_thread().name
        return 1

    assert gc.isenabled()
    run_task(None, "检查", job, on_done=lambda r: seen.setdefault("done", r))
    qtbot.waitUntil(lambda: "done" in seen, timeout=10000)
    assert seen["enabled_in_worker"] is False and seen["thread"].startswith("task:")
    qtbot.waitUntil(gc.isenabled, timeout=5000)  # the UI thread collected and resumed


def test_progress_report_from_the_file_menu(qtbot, app_window, tmp_path, monkeypatch):
    """文件 → 导出需求办理进展（Excel）…: its own default name, title and columns."""
    from ui import export_actions

    window = app_window()
    fill(window.store, needs=5, cases=0)
    window.needs_page.model.reload()
    asked, opened = {}, {}

    def ask(parent, title, name, ext):
        asked.update(title=title, name=name)
        return tmp_path / name

    monkeypatch.setattr(export_actions, "_ask_path", ask)
    monkeypatch.setattr("ui.preflight_dialog.confirm_export", lambda *a: True)
    monkeypatch.setattr(export_actions, "offer_to_open", lambda parent, path, text: opened.update(path=path))
    action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "导出需求办理进展（Excel）…")
    action.trigger()
    qtbot.waitUntil(lambda: "path" in opened, timeout=30000)
    assert asked["title"] == "导出需求办理进展"
    assert asked["name"].startswith("2023年万里行需求办理进展_福州市鼓楼区_")
    ws = load_workbook(opened["path"])["需求清单"]
    assert ws["A1"].value.endswith("需求清单（办理进展）")
    assert [c.value for c in ws[5] if c.value][-3:] == ["对接反馈", "反馈单位", "反馈日期"]
    assert ws.max_column == 10
