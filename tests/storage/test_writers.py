"""Writers wait, never lie: every write starts with BEGIN IMMEDIATE and waits for another process's lock;
a write that still fails raises WriteFailed (a Chinese sentence) and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import Store
from storage.ops import EditRefused, Operations
from storage.transaction import WriteFailed, write_transaction
from tests.conftest import PROFILE
from tests.lockholder import write_lock_held

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def file_store(db_path):
    s = Store.open(db_path)
    s.set_profile(PROFILE)
    yield s
    s.close()


def test_edit_and_insert_wait_for_another_writer(file_store, db_path):
    need = file_store.needs.insert({"subject_name": "甲公司"})
    with write_lock_held(db_path, 3):
        started = time.monotonic()
        file_store.needs.update(need, {"subject_name": "乙公司"})
        waited = time.monotonic() - started
        second = file_store.needs.insert({"subject_name": "丙公司"})
    # The edit did not fail at once (the old deferred BEGIN did): it waited for the lock.
    assert waited > 1.0
    again = Store.open(db_path)
    assert again.needs.get(need)["subject_name"] == "乙公司"
    assert again.needs.get(second)["subject_name"] == "丙公司"
    again.close()


def test_lock_held_past_the_timeout_fails_and_says_not_saved(file_store, db_path):
    need = file_store.needs.insert({"subject_name": "甲公司"})
    file_store.db.execute("PRAGMA busy_timeout = 300")
    with write_lock_held(db_path, 3):
        with pytest.raises(WriteFailed) as failed:
            file_store.needs.update(need, {"subject_name": "乙公司"})
        with pytest.raises(WriteFailed):
            file_store.needs.insert({"subject_name": "丙公司"})
    assert "没有保存" in str(failed.value) and str(db_path) in str(failed.value)
    assert not file_store.db.conn.in_transaction
    assert [r["subject_name"] for r in Store.open(db_path).needs.rows()] == ["甲公司"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_command_line_waits_for_the_window(file_store, db_path, tmp_path):
    """import, sample and export while another process (the window) holds the write lock."""
    source = ROOT / "tests" / "data" / "handfilled_needs_gulou.xlsx"
    with write_lock_held(db_path, 3):
        imported = run_cli("import", str(source), "--db", str(db_path))
    assert imported.returncode == 0, imported.stderr
    assert "意外错误" not in imported.stdout + imported.stderr
    assert len(Store.open(db_path).needs.rows()) == 4
    with write_lock_held(db_path, 3):
        sampled = run_cli("sample", "--db", str(db_path), "--needs", "5", "--cases", "1")
        exported = run_cli("export", "needs", "--db", str(db_path), "--out", str(tmp_path / "清单.xlsx"))
    assert sampled.returncode == 0, sampled.stderr
    assert exported.returncode == 0, exported.stderr
    assert len(Store.open(db_path).needs.rows()) == 9
    assert (tmp_path / "清单.xlsx").stat().st_size > 0


def test_nested_transactions_are_savepoints(store):
    with write_transaction(store.db):
        kept = store.needs.insert({"subject_name": "外层"})
        with pytest.raises(KeyError), write_transaction(store.db):
            store.needs.insert({"subject_name": "内层"})
            raise KeyError("inner fails")
        assert store.db.conn.in_transaction
    assert [r["id"] for r in store.needs.rows()] == [kept]
    with pytest.raises(RuntimeError), write_transaction(store.db):
        store.needs.insert({"subject_name": "整体回滚"})
        raise RuntimeError
    assert [r["id"] for r in store.needs.rows()] == [kept]


def test_every_write_begins_immediate(store):
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    need = store.needs.insert({"subject_name": "甲"})
    store.needs.update(need, {"subject_name": "乙"})
    store.needs.set_deleted([need], True)
    store.add_choice("need_categories", "数据知识产权登记")
    store.set_profile(PROFILE)
    store.db.conn.set_trace_callback(None)
    begins = [s for s in seen if s.upper().startswith("BEGIN")]
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}


def test_undo_never_overwrites_a_newer_version(db_path, file_store):
    ops = Operations(file_store)
    need = file_store.needs.insert({"subject_name": "甲公司"})
    first = ops.set_values("needs", {need: {"subject_name": "乙公司"}})
    second = ops.set_values("needs", {need: {"subject_name": "丙公司"}})
    # Our own later edits do not block undoing earlier ones, in order.
    ops.undo(second.undo)
    assert file_store.needs.get(need)["subject_name"] == "乙公司"
    other = Store.open(db_path)  # another window or an import
    time.sleep(0.01)  # updated_at has millisecond resolution
    other.needs.update(need, {"subject_name": "丁公司"})
    with pytest.raises(EditRefused) as refused:
        ops.undo(first.undo)
    assert "没有撤销" in str(refused.value)
    assert Store.open(db_path).needs.get(need)["subject_name"] == "丁公司"
    other.close()


def test_undo_and_redo_of_adds_and_deletes(store):
    ops = Operations(store)
    added = ops.add_records("needs", [{"subject_name": "甲"}, {"subject_name": "乙"}], "粘贴")
    ids = sorted(added.changes.ids)
    assert added.changes.rows and added.changes.touches("needs")
    ops.undo(added.undo)
    assert store.needs.rows() == []
    ops.redo(added.undo)
    assert len(store.needs.rows()) == 2
    deleted = ops.delete_records("needs", ids[:1], "删除")
    assert len(store.needs.rows()) == 1
    ops.undo(deleted.undo)
    assert sorted(r["id"] for r in store.needs.rows()) == ids
    nothing = ops.set_values("needs", {ids[0]: {"subject_name": store.needs.get(ids[0])["subject_name"]}})
    assert nothing.undo is None and not nothing.changes.ids
