"""Exporting a list with problems asks first, in one dialog: 仍然导出 or 去修改."""

from __future__ import annotations

from tests.exports.test_preflight import DRAFT, GOOD
from ui.qt import QApplication, QTimer


def answer_preflight(button: str, seen: dict) -> None:
    def click() -> None:
        from ui.preflight_dialog import PreflightDialog

        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PreflightDialog)
        seen["text"] = dialog.details.toPlainText()
        seen["buttons"] = [dialog.export_button.text(), dialog.fix_button.text()]
        (dialog.export_button if button == "仍然导出" else dialog.fix_button).click()

    QTimer.singleShot(0, click)


def test_preflight_dialog_before_export(qtbot, app_window, tmp_path, monkeypatch):
    from ui import export_actions

    window = app_window()
    window.store.needs.insert_many([GOOD, DRAFT])
    asked: list[str] = []
    opened: dict = {}
    monkeypatch.setattr(export_actions, "_ask_path", lambda parent, title, name, ext: asked.append(name)
                        or tmp_path / name)
    monkeypatch.setattr(export_actions, "offer_to_open", lambda parent, path, text: opened.update(path=path))

    seen: dict = {}
    answer_preflight("去修改", seen)
    export_actions.export(window, window.store, "needs", "xlsx")
    assert seen["buttons"] == ["仍然导出", "去修改"]
    assert "1 条需求是草稿（共 2 条）" in seen["text"] and "厦门鹭岛生物科技有限公司" in seen["text"]
    assert "没有选择协调层级" in seen["text"]
    assert asked == []  # 去修改: no file chosen, nothing written

    answer_preflight("仍然导出", seen)
    export_actions.export(window, window.store, "needs", "xlsx")
    assert len(asked) == 1
    qtbot.waitUntil(lambda: "path" in opened, timeout=30000)
    assert opened["path"].exists()


def test_a_ready_list_exports_without_asking(qtbot, app_window, tmp_path, monkeypatch):
    from ui import export_actions
    from ui.preflight_dialog import PreflightDialog

    window = app_window()
    window.store.needs.insert_many([GOOD])
    monkeypatch.setattr(PreflightDialog, "exec", lambda self: (_ for _ in ()).throw(AssertionError("asked")))
    opened: dict = {}
    monkeypatch.setattr(export_actions, "_ask_path", lambda parent, title, name, ext: tmp_path / name)
    monkeypatch.setattr(export_actions, "offer_to_open", lambda parent, path, text: opened.update(path=path))
    export_actions.export(window, window.store, "needs", "pdf")
    qtbot.waitUntil(lambda: "path" in opened, timeout=30000)


def test_go_fix_shows_the_drafts(qtbot, app_window, monkeypatch):
    from ui import export_actions

    window = app_window()
    window.store.needs.insert_many([GOOD, DRAFT, GOOD])
    window.reload_all()
    window.tabs.setCurrentIndex(1)
    monkeypatch.setattr(export_actions, "_ask_path", lambda *a: (_ for _ in ()).throw(AssertionError("asked")))
    seen: dict = {}
    answer_preflight("去修改", seen)
    window._export("needs", "xlsx")
    page = window.needs_page
    assert window.tabs.currentWidget() is page
    assert page.drafts_only.currentText() == "只看未完成"
    assert [page.store.needs.get(i)["subject_name"] for i in page.model.ids] == [DRAFT["subject_name"]]

    answer_preflight("去修改", seen)
    window._export("needs", "pdf", consolidated=True)
    consolidated = window.consolidation_page.needs
    assert window.tabs.currentWidget() is window.consolidation_page
    assert window.consolidation_page.tabs.currentWidget() is consolidated
    assert len(consolidated.model.ids) == 1
