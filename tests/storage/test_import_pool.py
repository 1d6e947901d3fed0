"""A folder import read by a pool of processes ends exactly where a one-process import ends; the
search index follows the bulk-indexed inserts; a failure or a cancel leaves whole files only."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import time
from pathlib import Path

import pytest

from exports.import_report import describe
from exports.importing import collect_files, import_entries, read_each
from forms.progress import Cancelled
from storage import merge_apply
from storage.store import Store
from storage.transaction import WriteFailed
from tests.storage.test_import_batches import TAIJIANG, content, folder, needs_rows  # noqa: F401  (fixture)

pytest.importorskip("exports.xlsx_needs")
from exports.xlsx_needs import export_needs_xlsx  # noqa: E402


@pytest.fixture
def inbox(folder: Path, tmp_path: Path) -> Path:  # noqa: F811
    """The inbox of test_import_batches (copies, a revision, a .csv) plus 8 units' own lists,
    one of them hand-filled style (no metadata sheet), so the pool has work for both processes."""
    colleague = Store.open(tmp_path / "units.db")
    for k in range(8):
        colleague.set_profile({**TAIJIANG, "unit": f"福州市台江区第{k}监督所"})
        colleague.needs.set_deleted(colleague.needs.ids(), True)
        colleague.needs.insert_many([{**colleague.local_defaults("needs"), **r} for r in needs_rows(25, f"所{k}")])
        export_needs_xlsx(colleague, folder / f"单位{k:02d}.xlsx")
    colleague.close()
    return folder


def run(db: Path, inbox: Path, workers: int, **kw) -> tuple[Store, list[str]]:
    store = Store.open(db)
    files, _ = collect_files([inbox])
    lines: list[str] = []

    def on_file(path, plan, summary, error):
        lines.append(f"{path.name} {error}")
        if plan is not None:  # “这个文件已于 <minute> 导入过”: the two runs may straddle a minute
            lines.extend(re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<time>", line) for line in describe(plan))
            lines.append(summary.text)

    import_entries(store, read_each(store, files, workers=workers), on_file=on_file, total=len(files), **kw)
    return store, lines


def batches(store: Store) -> list[tuple]:
    return [(r[0], r[1]) for r in store.db.execute("select file_name, counts from import_batches order by rowid")]


def documents(store: Store) -> list[str]:
    return sorted(r[0] for r in store.db.execute("select f.doc from needs_fts f join needs n on n.rowid = f.rowid"))


def test_pool_import_equals_one_process_import(inbox, tmp_path):
    one, one_lines = run(tmp_path / "one.db", inbox, workers=1)
    pool, pool_lines = run(tmp_path / "pool.db", inbox, workers=2)
    assert one.needs.count() == pool.needs.count() == 40 + 8 * 25
    assert content(pool) == content(one)
    complete = "select subject_name, content, complete, import_digest, natural_key from needs order by 1, 2"
    assert pool.db.execute(complete).fetchall() == one.db.execute(complete).fetchall()  # problems worked out ahead
    assert batches(pool) == batches(one)
    assert pool_lines == one_lines  # what the officer is told, file by file, hints included
    assert documents(pool) == documents(one)
    assert len(documents(pool)) == 240  # every record indexed once
    one.close()
    pool.close()
    assert not multiprocessing.active_children(), "the reading processes have ended"


def test_search_finds_bulk_indexed_records_and_the_trigger_is_back(inbox, tmp_path):
    store, _ = run(tmp_path / "city.db", inbox, workers=2)
    assert store.needs.count(search="需要开展专利导航分析所3") == 25
    triggers = {r[0] for r in store.db.execute("select name from sqlite_master where type = 'trigger'")}
    assert {"needs_fts_ai", "needs_fts_ad", "needs_fts_au"} <= triggers
    store.needs.insert({**store.local_defaults("needs"), "subject_name": "福州闽江新材料有限公司",
                        "content": "需要商标海外布局指导。"})
    assert store.needs.count(search="闽江新材料") == 1  # a record typed in later is indexed by the trigger
    store.close()


def test_a_failure_while_indexing_rolls_the_file_back_with_its_trigger(inbox, tmp_path, monkeypatch):
    real = merge_apply._search_index
    calls = {"n": 0}

    def broken(db, table):
        found = real(db, table)
        calls["n"] += 1
        if found and calls["n"] == 3:  # the third file that bulk-indexes (25+ new records)
            return found[0], "no_such_column", found[2]
        return found

    monkeypatch.setattr(merge_apply, "_search_index", broken)
    with pytest.raises(WriteFailed):
        run(tmp_path / "broken.db", inbox, workers=2)
    monkeypatch.undo()
    store = Store.open(tmp_path / "broken.db")
    triggers = {r[0] for r in store.db.execute("select name from sqlite_master where type = 'trigger'")}
    assert "needs_fts_ai" in triggers
    for batch_id, n in store.db.execute("select b.id, count(n.id) from import_batches b "
                                        "left join needs n on n.batch_id = b.id group by b.id").fetchall():
        assert n in (25, 40), batch_id  # whole files only
    assert len(documents(store)) == store.needs.count()
    assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    store.close()
    rerun, _ = run(tmp_path / "broken.db", inbox, workers=2)  # and the rerun ends like an uninterrupted import
    whole, _ = run(tmp_path / "whole.db", inbox, workers=1)
    assert content(rerun) == content(whole) and len(documents(rerun)) == 240
    rerun.close()
    whole.close()


class CancelAfter:
    def __init__(self, files: int) -> None:
        self.files = files
        self.cancelled = False
        self.reports: list[str] = []

    def update(self, done: int, total: int, text: str = "") -> None:
        self.reports.append(text)
        if text.startswith("正在导入") and done >= self.files:
            self.cancelled = True


def test_cancel_mid_pool_leaves_whole_files_and_no_processes(inbox, tmp_path):
    store = Store.open(tmp_path / "cancel.db")
    files, _ = collect_files([inbox])
    progress = CancelAfter(5)
    with pytest.raises(Cancelled):
        import_entries(store, read_each(store, files, progress, workers=2), progress=progress, total=len(files))
    written = store.db.execute("select count(*) from import_batches").fetchone()[0]
    assert 1 <= written < len(files)
    for (n,) in store.db.execute("select count(n.id) from import_batches b join needs n on n.batch_id = b.id "
                                 "group by b.id"):
        assert n in (25, 40)
    # synchronous is FULL again on this connection, as the app opens it
    assert store.db.execute("pragma synchronous").fetchone()[0] == 2
    store.close()
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not multiprocessing.active_children()


def test_statements_per_file_do_not_grow_with_its_rows(tmp_path):
    """Writing a file is a fixed number of statements (inserts prepared once), not one per row."""
    colleague = Store.open(tmp_path / "c.db")
    colleague.set_profile(TAIJIANG)
    paths = []
    for n in (30, 90):
        colleague.needs.set_deleted(colleague.needs.ids(), True)
        colleague.needs.insert_many([{**colleague.local_defaults("needs"), **r} for r in needs_rows(n, f"批{n}")])
        paths.append(tmp_path / f"清单{n}.xlsx")
        export_needs_xlsx(colleague, paths[-1])
    colleague.close()
    counts = []
    for path in paths:
        store = Store.open(tmp_path / f"t{path.stem}.db")
        entries = list(read_each(store, [path], workers=1))
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        import_entries(store, entries, total=1)
        store.db.conn.set_trace_callback(None)
        rows = int(path.stem[2:])
        assert store.needs.count() == rows
        # The prepared inserts run once per row (SQLite traces each run, and the search index's
        # own internal statements, prefixed "--"); every other statement is per file.
        per_row = ("insert into [needs]", "insert into import_changes", "--")
        assert sum(1 for s in statements if s.startswith("insert into [needs]")) == rows
        counts.append(sum(1 for s in statements if not s.startswith(per_row)))
        store.close()
    assert counts[0] == counts[1], counts


def test_bulk_index_documents_equal_the_triggers(tmp_path):
    """The INSERT ... SELECT of a big file writes the very document the trigger writes for one row."""
    store = Store.open(tmp_path / "x.db")
    store.needs.insert({**store.local_defaults("needs"), "subject_name": "福州（台江）某有限公司", "content": "内容",
                        "phone": "0591-1"})
    by_trigger = documents(store)[0]
    store.db.execute("delete from needs_fts")
    index = merge_apply._search_index(store.db, "needs")
    assert index is not None
    fts, document, _trigger = index
    conn: sqlite3.Connection = store.db.conn
    conn.execute(f"insert into [{fts}](rowid, doc) select rowid, {document} || '  ' from needs")
    assert documents(store) == [by_trigger]
    store.close()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
def test_reading_processes_end_when_the_import_is_killed(inbox, tmp_path):
    """kill -9 of the import (the task manager, a crash) must not leave its reading processes behind."""
    import os
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    many = tmp_path / "many"
    many.mkdir()
    for k in range(40):  # enough files that the import is still reading when it is killed
        (many / f"{k:02d}.xlsx").write_bytes((inbox / f"单位{k % 8:02d}.xlsx").read_bytes())
    proc = subprocess.Popen([sys.executable, str(root / "main.py"), "import", str(many), "--db", str(tmp_path / "k.db")],
                            cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if entry.isdigit() and int(fh.read().rsplit(")", 1)[1].split()[1]) == proc.pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
        return found

    deadline = time.monotonic() + 60
    readers: list[int] = []
    while proc.poll() is None and time.monotonic() < deadline and len(readers) < 2:
        readers = children()
        time.sleep(0.05)
    assert len(readers) >= 2, "the import started its reading processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 15
    alive = readers
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in readers if Path(f"/proc/{pid}").exists()
                 and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        time.sleep(0.1)
    assert not alive, f"reading processes {alive} outlived the import"
