"""Backups, restores and the read-only check of a database before anything is written."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage import DatabaseError, DatabaseTooNew, Store
from storage import backup as bk
from storage.db import DatabaseReadOnly, inspect_database
from storage.sample import fill

DATA = Path(__file__).resolve().parent.parent / "data"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def filled(path: Path, needs: int = 6, cases: int = 1) -> Path:
    s = Store.open(path)
    fill(s, needs=needs, cases=cases, seed=3)
    s.close()
    return path


def test_auto_backup_daily_once_a_day_and_rotates(db_path):
    assert bk.auto_backup(db_path, "daily") is None  # no file yet
    Store.open(db_path).close()
    assert bk.auto_backup(db_path, "daily") is None  # a database without records is not copied
    filled(db_path)
    day = dt.datetime(2026, 5, 20, 9, 30, 0)
    first = bk.auto_backup(db_path, "daily", now=day)
    assert first == db_path.parent / "backups" / "wanlixing-20260520-093000-daily.db"
    assert bk.auto_backup(db_path, "daily", now=day.replace(hour=17)) is None  # same day
    assert bk.auto_backup(db_path, "daily", now=day + dt.timedelta(days=1)) is not None
    # The copy is a complete, self-contained database with the same records.
    info = bk.describe(first)
    assert (info.needs, info.cases, info.reason_label) == (6, 1, "每日自动备份")
    assert info.unit == "福州市鼓楼区市场监督管理局（示例）"
    conn = sqlite3.connect(first)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert not list(first.parent.glob(".~*"))

    for n in range(14):  # a busy afternoon of imports
        assert bk.auto_backup(db_path, "import", now=day + dt.timedelta(days=2, minutes=n))
    kept = bk.list_backups(db_path)
    assert len(kept) == bk.KEEP + 2  # ten newest, plus the two older daily ones
    assert [b.reason for b in kept[:bk.KEEP]] == ["import"] * bk.KEEP
    assert {b.taken_at.date() for b in kept if b.reason == "daily"} == {day.date(), (day + dt.timedelta(days=1)).date()}


def test_migration_of_a_database_with_records_is_backed_up_first(tmp_path):
    old = tmp_path / "v1.db"
    shutil.copy(DATA / "wanlixing-v1.db", old)
    before = sha(old)
    assert inspect_database(old).needs_upgrade
    Store.open(old).close()
    backups = bk.list_backups(old)
    assert [b.reason for b in backups] == ["migration"]
    conn = sqlite3.connect(backups[0].path)  # the backup is the file as it was, before the upgrade
    assert {r[0] for r in conn.execute("select name from _sqlite_migrations")} == {
        r[0] for r in sqlite3.connect(DATA / "wanlixing-v1.db").execute("select name from _sqlite_migrations")}
    conn.close()
    assert sha(old) != before  # and the database itself was upgraded
    Store.open(old).close()
    assert len(bk.list_backups(old)) == 1  # nothing pending any more: no new backup


def test_newer_database_in_rollback_mode_is_refused_without_a_byte_changed(tmp_path):
    path = tmp_path / "future.db"
    s = Store.open(path)
    s.db["_sqlite_migrations"].insert({"migration_set": "wanlixing", "name": "m999_future", "applied_at": "2030"})
    s.db.execute("pragma journal_mode = delete")
    s.close()
    before = sha(path)
    names = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DatabaseTooNew, match="更新版本.*没有修改该文件"):
        Store.open(path)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no -wal, no backups folder


def test_foreign_sqlite_file_is_not_adopted(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table customers (name text)")
    conn.commit()
    conn.close()
    before = sha(other)
    with pytest.raises(DatabaseError, match="不是本软件的数据库"):
        Store.open(other)
    assert sha(other) == before


def test_restore_backs_up_current_state_first(db_path):
    filled(db_path, needs=6)
    saved = bk.take_backup(db_path, "manual")
    s = Store.open(db_path)
    s.needs.set_deleted(s.needs.ids(), True)
    s.needs.purge_deleted()
    s.needs.insert({"subject_name": "恢复后不应存在"})
    before = bk.restore(saved, db_path)
    assert before is not None and bk.describe(before).needs == 1
    # The window's open connection sees the restored data too.
    assert len(s.needs.rows()) == 6 and not any(r["subject_name"] == "恢复后不应存在" for r in s.needs.rows())
    s.close()
    s = Store.open(db_path)
    assert len(s.needs.rows()) == 6
    assert s.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert s.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    s.close()


def test_restore_refuses_foreign_newer_and_itself(db_path, tmp_path):
    filled(db_path)
    text = tmp_path / "x.db"
    text.write_bytes(b"not a database" * 100)
    with pytest.raises(DatabaseError, match="不是本软件的数据库"):
        bk.restore(text, db_path)
    future = tmp_path / "future.db"
    s = Store.open(future)
    s.db["_sqlite_migrations"].insert({"migration_set": "wanlixing", "name": "m999_future", "applied_at": "2030"})
    s.close()
    with pytest.raises(DatabaseTooNew):
        bk.restore(future, db_path)
    with pytest.raises(DatabaseError, match="就是当前的数据库"):
        bk.restore(db_path, db_path)
    assert not bk.list_backups(db_path)  # nothing was replaced, so nothing needed saving


def test_read_only_file_is_not_called_damaged(db_path):
    filled(db_path)
    db_path.chmod(0o444)
    try:
        with pytest.raises(DatabaseReadOnly) as caught:
            Store.open(db_path)
    finally:
        db_path.chmod(0o644)
    assert "是只读的" in str(caught.value) and "损坏" not in str(caught.value).replace("没有损坏", "")


def test_backup_to_a_full_disk_names_the_file(db_path, tmp_path, monkeypatch):
    filled(db_path)
    out = tmp_path / "copy.db"
    err = sqlite3.OperationalError("database or disk is full")
    err.sqlite_errorcode = 13  # SQLITE_FULL, as SQLite reports it
    monkeypatch.setattr(bk, "_open_source", lambda source: _Raising(err))
    with pytest.raises(bk.BackupError) as caught:
        bk.copy_database(db_path, out)
    assert str(caught.value) == (f"磁盘空间已满，无法写入“{out}”。请清理磁盘（删除不需要的文件、清空回收站）"
                                 "或换一个有空间的位置后重试。")
    assert not out.exists() and not list(tmp_path.glob(".~*"))


class _Raising:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def backup(self, target, *args, **kwargs):
        target.execute("create table half (x)")  # something was written before the disk filled
        raise self.exc

    def close(self) -> None:
        pass


def test_killed_backup_leaves_no_temporary_file_after_next_start(db_path, tmp_path, monkeypatch):
    from storage import tempfiles

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    filled(db_path)
    folder = bk.backup_dir(db_path)
    folder.mkdir()
    dead_pid = 2**22 + 12345  # above any pid this machine hands out
    stale = folder / f".~wanlixing-20260101-000000-daily.db.{dead_pid}.tmp"
    stale.write_bytes(b"half")
    export_tmp = tmp_path / ".~清单abc123.pdf"
    export_tmp.write_bytes(b"%PDF half")
    copy_tmp = tmp_path / f".~copy.db.{dead_pid}.tmp"  # a killed backup to a chosen file, in WAL mode
    copy_wal = tmp_path / f".~copy.db.{dead_pid}.tmp-wal"
    copy_wal.write_bytes(b"")
    note = tempfiles.pending_dir() / f"{dead_pid}-x.txt"
    note.parent.mkdir(parents=True)
    note.write_text(str(export_tmp), encoding="utf-8")
    (note.parent / f"{dead_pid}-y.txt").write_text(str(copy_tmp), encoding="utf-8")
    mine = tmp_path / ".~still-writing.pdf"
    mine.write_bytes(b"")
    live = tempfiles.register(mine)  # this process is alive: its file stays
    removed = bk.clean_stale_temp_files(db_path)
    assert set(removed) == {stale, export_tmp.resolve(), copy_wal.resolve()}
    assert not stale.exists() and not export_tmp.exists() and not note.exists()
    assert mine.exists() and live is not None and live.exists()
    tempfiles.unregister(live)


def test_odd_file_names_survive_the_read_only_uri(tmp_path):
    folder = tmp_path / "林晓 的#数据 100%"
    folder.mkdir()
    path = filled(folder / "万里行 v2.db")
    copy = bk.take_backup(path, "manual")
    assert bk.describe(copy).needs == 6 and copy.parent == folder / "backups"
