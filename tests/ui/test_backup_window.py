"""文件 → 备份数据库… / 恢复备份… / 打开其他数据库… in the real window."""

from __future__ import annotations

import datetime as dt

from storage import Store
from storage import backup as bk
from storage.sample import fill


def test_backup_database_to_a_chosen_file(qtbot, app_window, tmp_path, monkeypatch):
    from ui import backup_dialog
    from ui.qt import QFileDialog, QMessageBox

    window = app_window()
    fill(window.store, needs=9, cases=1)
    out = tmp_path / "U盘" / "我的备份"
    (tmp_path / "U盘").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    shown = {}
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.update(title=title, text=text))
    assert backup_dialog.backup_database(window) == out.with_name("我的备份.db")
    assert shown["text"] == f"已备份到：\n{out}.db\n（需求 9 条，案例 1 个）"
    copy = Store.open(out.with_name("我的备份.db"))
    assert len(copy.needs.rows()) == 9
    copy.close()

    # Over the database itself: refused with a sentence.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (window.store.path, ""))
    warned = {}
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.update(text=text))
    assert backup_dialog.backup_database(window) is None
    assert warned["text"] == "备份文件不能与当前数据库是同一个文件，请换一个文件名。"


def test_restore_dialog_previews_and_restores(qtbot, app_window, db_path, monkeypatch):
    from ui import backup_dialog
    from ui.qt import QMessageBox

    window = app_window()
    fill(window.store, needs=5, cases=1)
    old = bk.take_backup(db_path, "daily", now=dt.datetime(2026, 5, 20, 8, 0))
    fill(window.store, needs=4, cases=0)
    bk.take_backup(db_path, "import", now=dt.datetime(2026, 5, 21, 9, 15))
    window.needs_page.model.reload()

    dialog = backup_dialog.RestoreDialog(window.store, window)
    qtbot.addWidget(dialog)
    dialog.show()
    cells = [[dialog.table.item(r, c).text() for c in range(5)] for r in range(dialog.table.rowCount())]
    assert cells == [["2026-05-21 09:15", "导入前自动备份", "9", "1", "福州市鼓楼区市场监督管理局"],
                     ["2026-05-20 08:00", "每日自动备份", "5", "1", "福州市鼓楼区市场监督管理局"]]
    dialog.table.selectRow(1)
    assert dialog.preview.text().splitlines()[:2] == ["所选备份：2026-05-20 08:00（每日自动备份）",
                                                      "内容：需求 5 条，案例 1 个；填报单位：福州市鼓楼区市场监督管理局"]
    assert dialog.preview.text().splitlines()[-1] == "当前数据库：需求 9 条，案例 1 个"
    dialog.grab().save("/tmp/restore-dialog.png")
    dialog.close()

    asked = {}

    def yes(parent, title, text):
        asked["text"] = text
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    monkeypatch.setattr(backup_dialog.RestoreDialog, "exec",
                        lambda self: (self.table.selectRow(1), self.restore_selected(), self.result())[-1])
    new = backup_dialog.restore_backup(window)
    assert new is not None and new is not window
    qtbot.addWidget(new)
    assert "当前数据库（需求 9 条，案例 1 个）会先自动备份" in asked["text"]
    assert new.needs_page.model.rowCount() == 5
    assert new.statusBar().currentMessage().startswith("已恢复：需求 5 条，案例 1 个。 恢复前的数据库已备份到：")
    assert [b.reason for b in bk.list_backups(db_path)][0] == "restore"
    assert old.exists()
    new.grab().save("/tmp/after-restore.png")


def test_open_other_database_and_refuse_a_newer_one(qtbot, app_window, tmp_path, monkeypatch):
    from tests.conftest import PROFILE
    from ui import backup_dialog
    from ui.qt import QFileDialog, QMessageBox

    window = app_window()
    other = tmp_path / "其他.db"
    s = Store.open(other)
    s.set_profile({**PROFILE, "unit": "福州市仓山区市场监督管理局"})
    fill(s, needs=3, cases=0)
    s.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    new = backup_dialog.open_other_database(window)
    qtbot.addWidget(new)
    assert new.store.path == str(other) and str(other) in new.windowTitle()
    assert new.needs_page.model.rowCount() == 3 and not window.isVisible()

    future = tmp_path / "future.db"
    s = Store.open(future)
    s.db["_sqlite_migrations"].insert({"migration_set": "wanlixing", "name": "m999", "applied_at": "2030"})
    s.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(future), ""))
    shown = {}
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.update(title=title, text=text))
    assert backup_dialog.open_other_database(new) is None
    assert shown["title"] == "无法打开数据库" and "更新版本" in shown["text"] and new.isVisible()
