"""storage.provenance: the file, unit and import time each record came from."""

from __future__ import annotations

import pytest

from exports.importing import import_entries, read_each
from storage.merge import undo_batch
from storage.provenance import provenance
from storage.store import Store
from tests.listings import ORIGINAL, listing, revised

TAIJIANG = "福州市台江区市场监督管理局"


pytestmark = pytest.mark.usefixtures("city_store")  # ``store`` is a city's: it consolidates districts


def test_provenance_follows_each_import(store, tmp_path):
    original = listing(tmp_path / "台江区.xlsx", ORIGINAL)
    revision = listing(tmp_path / "台江区（修订）.xlsx", revised(category_b="商标品牌建设"))
    import_entries(store, read_each(store, [original]), total=1)
    by_name = {r["subject_name"]: r["id"] for r in store.needs.rows()}
    first = store.db.execute("select imported_at from import_batches").fetchone()[0]
    a = provenance(store, "needs", by_name["福州台江甲科技有限公司"])
    assert (a.origin, a.source_file, a.unit, a.file_unit, a.imported_at) == ("import", "台江区.xlsx", TAIJIANG,
                                                                            TAIJIANG, first)
    assert [(s.file_name, s.action_label, s.unit) for s in a.steps] == [("台江区.xlsx", "新增", TAIJIANG)]
    assert not a.edited_here

    import_entries(store, read_each(store, [revision]), total=1)
    a = provenance(store, "needs", by_name["福州台江甲科技有限公司"])
    b = provenance(store, "needs", by_name["福州台江乙食品有限公司"])
    assert a.source_file == "台江区（修订）.xlsx" and a.imported_at > first
    assert [(s.file_name, s.action) for s in a.steps] == [("台江区.xlsx", "insert"), ("台江区（修订）.xlsx", "update")]
    assert b.source_file == "台江区.xlsx" and len(b.steps) == 1  # unchanged by the revision

    store.needs.update(by_name["福州台江乙食品有限公司"], {"phone": "0591-88881111"})
    assert provenance(store, "needs", by_name["福州台江乙食品有限公司"]).edited_here

    latest = store.db.execute("select id from import_batches order by rowid desc").fetchone()[0]
    undo_batch(store, latest)
    a = provenance(store, "needs", by_name["福州台江甲科技有限公司"])
    assert a.source_file == "台江区.xlsx" and a.imported_at == first
    assert [s.undone for s in a.steps] == [False, True]


def test_a_record_entered_here_has_no_file(store):
    record = store.needs.insert({**store.local_defaults("needs"), "subject_name": "甲", "content": "乙"})
    origin = provenance(store, "needs", record)
    assert (origin.origin, origin.source_file, origin.steps) == ("local", "", [])
    assert provenance(store, "needs", "no-such-id") is None


def test_the_imports_of_a_record_are_looked_up_by_index(tmp_path):
    """来源 asks for one record's import steps on every click: by index, not a scan of every
    change of every import (migration m007)."""
    store = Store.open(tmp_path / "city.db")
    plan = store.db.execute(
        "explain query plan select b.file_name from import_changes c join import_batches b on b.id = c.batch_id "
        "where c.record_table = ? and c.record_id = ?", ["needs", "x"]).fetchall()
    assert any("import_changes_record" in str(row[-1]) for row in plan), plan
    store.close()
