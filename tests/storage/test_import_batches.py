"""Many files in one import: one pipeline, one state.

A folder import must end where importing its files one at a time ends, in any
order; importing it again writes nothing; a crash part-way and a rerun end where
an uninterrupted import ends.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from exports.importing import apply_previews, collect_files, import_entries, preview_files, read_each
from exports.xlsx_needs import export_needs_xlsx
from forms import NEEDS
from storage import merge_apply
from storage.store import Store
from tests.conftest import PROFILE

ROOT = Path(__file__).resolve().parents[2]
TAIJIANG = {**PROFILE, "unit": "福州市台江区市场监督管理局", "district": "台江区"}


def needs_rows(n: int, tag: str = "") -> list[dict]:
    return [{"subject_name": f"福州台江第{i}号科技有限公司", "category": "专利导航与分析评议",
             "content": f"需要开展专利导航分析{tag}（第{i}项）。", "coord_level": "本地解决",
             "phone": f"1390591{i:04d}"} for i in range(n)]


def content(store: Store, ids: bool = False) -> list[tuple]:
    """What the officer sees: every live need's unit and values, order-free; times aside, and
    ids unless asked (a record first met in the .csv has no id from its sender)."""
    rows = store.needs.rows()
    return sorted(tuple([*([r["id"]] if ids else []), r["unit"], r["city"], r["district"],
                         *[r[f.key] or "" for f in NEEDS.fields]]) for r in rows)


def import_folder(db: Path, paths: list[Path]) -> Store:
    store = Store.open(db)
    files, _ = collect_files(paths)
    import_entries(store, read_each(store, files))
    return store


@pytest.fixture
def folder(tmp_path) -> Path:
    """An original export of 40 needs, an identical copy 清单(1).xlsx, a revised export (a phone
    fixed in 5 needs), and the original as .csv too: what a supervisor's inbox folder looks like."""
    colleague = Store.open(tmp_path / "colleague.db")
    colleague.set_profile(TAIJIANG)
    colleague.needs.insert_many([{**colleague.local_defaults("needs"), **r} for r in needs_rows(40)])
    folder = tmp_path / "收件箱"
    folder.mkdir()
    export_needs_xlsx(colleague, folder / "清单.xlsx")
    shutil.copy(folder / "清单.xlsx", folder / "清单(1).xlsx")
    wb = openpyxl.load_workbook(folder / "清单.xlsx")
    ws = wb.worksheets[0]
    with open(folder / "清单.csv", "w", encoding="utf-8-sig") as fh:
        for row in ws.iter_rows(values_only=True):
            fh.write(",".join("" if v is None else str(v).replace(",", "，") for v in row) + "\n")
    # Versions are compared to the millisecond (records carry ms times): the colleague's correction
    # comes a little after the files above were saved, as any real one does.
    time.sleep(0.02)
    for rid in colleague.needs.ids()[:5]:
        colleague.needs.update(rid, {"phone": "0591-87530216"})
    export_needs_xlsx(colleague, folder / "清单（修改版）.xlsx")
    colleague.close()
    return folder


def test_folder_of_copies_and_revisions_gives_each_need_once(folder, tmp_path):
    store = import_folder(tmp_path / "city.db", [folder])
    assert store.needs.count() == 40
    assert sum(1 for r in store.needs.rows() if r["phone"] == "0591-87530216") == 5
    store.close()


@pytest.mark.parametrize("order", list(itertools.permutations(range(4)))[::5])
def test_one_at_a_time_in_any_order_ends_like_the_folder(folder, tmp_path, order):
    whole = import_folder(tmp_path / "whole.db", [folder])
    files = sorted(folder.iterdir())
    single = Store.open(tmp_path / "single.db")
    for i in order:  # one command per file, each its own session
        import_entries(single, read_each(single, [files[i]]))
    assert content(single) == content(whole)
    assert single.needs.count() == 40
    whole.close()
    single.close()


def test_rows_without_ids_get_the_same_ids_in_any_order(folder, tmp_path):
    """Files that carry no ids (a .csv, a hand-filled template): the ids a batch gives equal the
    ids the same files get one at a time, in either order, and in another database."""
    revised = tmp_path / "修改版.csv"
    wb = openpyxl.load_workbook(folder / "清单（修改版）.xlsx")
    with open(revised, "w", encoding="utf-8-sig") as fh:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            fh.write(",".join("" if v is None else str(v).replace(",", "，") for v in row) + "\n")
    files = [folder / "清单.csv", revised]
    whole = Store.open(tmp_path / "whole.db")
    import_entries(whole, read_each(whole, files))
    for n, order in enumerate((files, files[::-1])):
        single = Store.open(tmp_path / f"single{n}.db")
        for path in order:
            import_entries(single, read_each(single, [path]))
        assert content(single, ids=True) == content(whole, ids=True)
        single.close()
    assert whole.needs.count() == 40
    whole.close()


def test_importing_the_same_folder_again_writes_nothing(folder, tmp_path):
    store = import_folder(tmp_path / "city.db", [folder])
    batches = store.db["import_batches"].count
    data = content(store)
    for _ in range(2):
        files, _ = collect_files([folder])
        summaries = import_entries(store, read_each(store, files))
        assert [s.batch_id for s in summaries] == [None] * len(files)
        assert store.db["import_batches"].count == batches
    assert content(store) == data
    store.close()


def test_preview_plans_each_file_against_the_files_before_it(folder, tmp_path):
    store = Store.open(tmp_path / "city.db")
    files, _ = collect_files([folder])
    previews = preview_files(store, files)
    by_name = {p.path.name: p for p in previews}
    assert by_name["清单(1).xlsx"].plan.counts["new"] == 40  # the first file in name order
    twin = by_name["清单.xlsx"].plan
    assert twin.counts["new"] == 0 and twin.counts["identical"] == 40
    assert any("与本次导入的另一个文件“清单(1).xlsx”内容完全相同" in w for w in twin.warnings)
    assert all("与本次导入的另一个文件“清单(1).xlsx”中的同一条需求相同" in i.reason for i in twin.items)
    assert by_name["清单（修改版）.xlsx"].plan.counts["changed"] == 5
    assert store.needs.count() == 0, "a preview writes nothing"
    lines = apply_previews(store, previews)
    assert len(lines) == 4 and store.needs.count() == 40
    store.close()


def test_a_crash_part_way_then_a_rerun_ends_like_an_uninterrupted_import(folder, tmp_path, monkeypatch):
    whole = import_folder(tmp_path / "whole.db", [folder])
    files, _ = collect_files([folder])
    store = Store.open(tmp_path / "crashed.db")
    real_finish = merge_apply._Writer._write
    calls = {"n": 0}

    def crash_in_the_revision(self):  # files in name order: (1), .csv, .xlsx, （修改版）
        calls["n"] += 1
        real_finish(self)
        if calls["n"] == 4:
            assert self.updates, "the revised file writes"
            raise OSError("power cut")

    monkeypatch.setattr(merge_apply._Writer, "_write", crash_in_the_revision)
    with pytest.raises(OSError):
        import_entries(store, read_each(store, files))
    monkeypatch.undo()
    # The revision's transaction was rolled back; the files before it are complete.
    assert store.db.execute("select count(*) from import_batches").fetchone()[0] == 1  # the copies were identical
    assert store.needs.count() == 40 and not any(r["phone"] == "0591-87530216" for r in store.needs.rows())
    import_entries(store, read_each(store, files))
    assert content(store) == content(whole)
    whole.close()
    store.close()


def test_killed_import_process_then_rerun_converges(folder, tmp_path):
    """A real process killed while importing a folder of 30 files; the rerun ends like an uninterrupted one."""
    many = tmp_path / "many"
    many.mkdir()
    colleague = Store.open(tmp_path / "c2.db")
    for k in range(30):
        colleague.set_profile({**TAIJIANG, "unit": f"福州市台江区第{k}监督所"})
        colleague.needs.set_deleted(colleague.needs.ids(), True)
        colleague.needs.insert_many([{**colleague.local_defaults("needs"), **r} for r in needs_rows(20, str(k))])
        export_needs_xlsx(colleague, many / f"单位{k:02d}.xlsx")
    colleague.close()
    db = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, str(ROOT / "main.py"), "import", str(many), "--db", str(db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # kill once a few files are in
        if line.startswith("[4/"):
            proc.kill()
            break
    proc.wait(60)
    partial = Store.open(db)
    assert partial.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    batches = partial.db.execute("select id from import_batches").fetchall()
    for (batch_id,) in batches:  # no half batch: every batch has all of its file's rows
        assert partial.db.execute("select count(*) from needs where batch_id = ?", [batch_id]).fetchone()[0] == 20
    assert 3 <= len(batches) < 30
    partial.close()
    rerun = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    done = Store.open(db)
    whole = import_folder(tmp_path / "whole.db", [many])
    assert content(done) == content(whole) and done.needs.count() == 600
    done.close()
    whole.close()


def test_a_row_the_reader_marked_invalid_is_never_imported(store):
    from forms.incoming import HeaderInfo, IncomingRow, ReadResult
    from storage.merge import INVALID, apply, preview

    row = IncomingRow("清单", 5, {"subject_name": "福州某某有限公司", "content": "需" * 10, "category": "其他",
                                  "coord_level": "本地解决"},
                      invalid=["工作表“清单”第 5 行 D 列（需求内容）有 5000000 个字，超过 2000 字的上限。"])
    result = ReadResult("needs", "超长.xlsx", "h", None, HeaderInfo(unit="单位"), [row])
    plan = preview(store, result)
    (item,) = plan.items
    assert item.status == INVALID and "超过 2000 字" in item.reason
    assert apply(store, plan).inserted == 0 and store.needs.count() == 0
