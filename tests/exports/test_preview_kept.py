"""A preview keeps what it shows in memory and what was read on disk (exports.importing.Kept):
a national folder must preview in a few hundred MB, and the import must still write exactly
what was previewed — also when a file changes on disk in between."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from exports.importing import FilePreview, apply_previews, collect_files, import_entries, preview_files, read_each
from forms.incoming import IncomingRow, ReadResult
from storage.merge import ItemView, MergeSession, PlanItem, PlanView
from storage.merge_prepare import Prepared
from storage.store import Store
from tests.listings import CITY, ORIGINAL, listing, revised
from tests.storage.test_import_batches import content, folder  # noqa: F401  (fixture)
from tests.storage.test_import_pool import inbox  # noqa: F401  (fixture)

pytest.importorskip("exports.xlsx_needs")


def reachable(roots: list) -> list:
    """Every object reachable from ``roots`` (not through modules, classes or functions)."""
    seen: dict[int, object] = {}
    todo = list(roots)
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, type | type(sys) | type(reachable)):
            continue
        seen[id(obj)] = obj
        todo.extend(gc.get_referents(obj))
    return list(seen.values())


def test_a_preview_holds_what_it_shows_not_the_rows_it_read(inbox, tmp_path):  # noqa: F811
    store = Store.open(tmp_path / "city.db")
    files, _ = collect_files([inbox])
    assert len(files) == 12  # read by the pool of processes
    previews = preview_files(store, files)
    kinds = {type(o) for o in reachable(previews)}
    assert not kinds & {IncomingRow, ReadResult, PlanItem, Prepared}
    assert {PlanView, ItemView} <= kinds
    assert sum(p.plan.counts["new"] for p in previews) == 240  # 40 + 8 units x 25
    assert len({id(p.kept.spill) for p in previews}) == 1  # one temporary file for the lot
    # What was read comes back whole from the disk, as the reader gave it.
    again = previews[0].kept.result(store, previews[0].path)
    assert isinstance(again, ReadResult) and again.file_hash == previews[0].plan.file_hash
    assert len(again.rows) == sum(previews[0].plan.counts.values()) == 25
    store.close()


def test_the_temporary_file_goes_with_the_previews(tmp_path):
    store = Store.open(tmp_path / "city.db")
    previews = preview_files(store, [listing(tmp_path / "a.xlsx", ORIGINAL)])
    handle = previews[0].kept.spill._file
    assert not handle.closed
    del previews
    gc.collect()
    assert handle.closed
    store.close()


def test_a_previewed_state_keeps_the_pending_records_on_disk(tmp_path):
    store = Store.open(tmp_path / "city.db")
    store.set_profile(CITY)
    result = read_each(store, [listing(tmp_path / "a.xlsx", ORIGINAL)])
    (_path, read, _error), = list(result)
    session = MergeSession(store)
    plan = session.plan(read)  # a preview: nothing written, the state holds what would be
    state = session.state("needs")
    new = plan.items_with("new")
    assert len(new) == 2 and all(isinstance(ref, int) for ref in state.pending.values())
    record = state.record(new[0].insert_id)
    assert record is not None and record["subject_name"] == ORIGINAL[0][0] and record["unit"] == plan.unit
    session.close()
    assert store.needs.count() == 0
    store.close()


def test_a_folder_previewed_then_imported_ends_like_one_file_at_a_time(inbox, tmp_path):  # noqa: F811
    files, _ = collect_files([inbox])
    window = Store.open(tmp_path / "window.db")
    previews = preview_files(window, files)
    lines = apply_previews(window, previews)
    assert len(lines) == len(files) and not any("注意" in line for line in lines)
    single = Store.open(tmp_path / "single.db")
    for path in files:
        import_entries(single, read_each(single, [path]))
    assert content(window) == content(single)
    assert window.needs.count() == sum(p.plan.counts["new"] for p in previews) == 240
    window.close()
    single.close()


def _two_files(tmp_path: Path) -> tuple[Store, Path, Path]:
    store = Store.open(tmp_path / "city.db")
    store.set_profile(CITY)
    first = listing(tmp_path / "a.xlsx", ORIGINAL)
    second = listing(tmp_path / "b.xlsx", revised(phone_a="13900000001", category_b="商标品牌建设"))
    return store, first, second


def test_a_file_changed_after_its_preview_is_imported_as_previewed_and_said(tmp_path):
    store, first, second = _two_files(tmp_path)
    previews = preview_files(store, [first, second])
    assert previews[1].plan.counts["changed"] == 1
    hash_then = previews[1].plan.file_hash
    listing(second, revised(phone_a="13900000002", category_b="商标品牌建设"))  # saved again meanwhile
    lines = apply_previews(store, previews)
    assert lines[1] == ("注意：“b.xlsx”在预览之后被修改过或已移走，导入的是预览时看到的内容；"
                        "如需导入修改后的内容，请再导入一次这个文件。")
    assert lines[2].startswith("“b.xlsx”导入完成：新增 0 条，更新 1 条")
    phones = {r["subject_name"]: r["phone"] for r in store.needs.rows()}
    assert phones[ORIGINAL[0][0]] == "13900000001"  # what the preview showed, not what the file says now
    assert store.db.execute("select file_hash from import_batches where file_name = 'b.xlsx'").fetchone()[0] \
        == hash_then
    store.close()


def test_a_lost_temporary_file_reads_an_unchanged_file_again_and_refuses_a_changed_one(tmp_path):
    store, first, second = _two_files(tmp_path)
    previews = preview_files(store, [first, second])
    previews[0].kept.spill.close()  # as if the temporary file were gone
    listing(second, revised(phone_a="13900000002", category_b="商标品牌建设"))
    lines = apply_previews(store, previews)
    assert lines[0].startswith("“a.xlsx”导入完成：新增 2 条")  # unchanged: read again
    assert lines[1] == ("预览时读取的“b.xlsx”已无法取回，而这个文件在预览之后被修改过或已移走。"
                        "请关闭预览，重新导入这个文件。")
    assert len(lines) == 2
    assert [b[0] for b in store.db.execute("select file_name from import_batches")] == ["a.xlsx"]
    store.close()


def test_a_file_that_cannot_be_read_is_kept_out(tmp_path):
    store = Store.open(tmp_path / "city.db")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    (preview,) = preview_files(store, [broken])
    assert preview == FilePreview(preview.path, error=preview.error) and preview.error
    assert apply_previews(store, [preview]) == []
    store.close()
