"""exports.importing.replan_previews: files already read, planned again in order with the
supervisor's decisions, so a later file sees what the earlier ones will really leave."""

from __future__ import annotations

import pytest

from exports import importing
from exports.importing import apply_previews, import_entries, preview_files, read_each, replan_previews
from tests.listings import ORIGINAL, listing, revised

pytestmark = pytest.mark.usefixtures("city_store")  # ``store`` is a city's: it consolidates districts


def _setup(store, tmp_path):
    original = listing(tmp_path / "a.xlsx", ORIGINAL)
    import_entries(store, read_each(store, [original]), total=1)
    record = next(r for r in store.needs.rows() if r["subject_name"] == ORIGINAL[0][0])
    store.needs.update(record["id"], {"phone": "0591-88880000"})  # corrected here
    first = listing(tmp_path / "b.xlsx", revised(phone_a="13900000001", category_b="商标品牌建设"))
    second = listing(tmp_path / "c.xlsx", revised(phone_a="13900000002", category_b="商标品牌建设"))
    return record["id"], first, second


def test_a_taken_conflict_changes_the_next_files_plan(store, tmp_path, monkeypatch):
    record_id, first, second = _setup(store, tmp_path)
    previews = preview_files(store, [first, second])
    assert [p.plan.counts["conflict"] for p in previews] == [1, 1]  # kept here, so still differing
    key = previews[0].plan.items_with("conflict")[0].key

    def not_again(*_a, **_k):
        raise AssertionError("a file was read again")

    monkeypatch.setattr(importing, "read_file", not_again)
    again = replan_previews(store, previews, {str(previews[0].path): {key: "take_theirs"}})
    assert [p.kept for p in again] == [p.kept for p in previews]  # what was read, kept aside
    assert again[0].plan.counts["conflict"] == 1
    assert again[1].plan.counts["conflict"] == 0 and again[1].plan.counts["changed"] == 1
    assert store.needs.get(record_id)["phone"] == "0591-88880000"  # a preview writes nothing
    apply_previews(store, again, {str(previews[0].path): {key: "take_theirs"}})
    assert store.needs.get(record_id)["phone"] == "13900000002"


def test_leaving_a_file_out_plans_the_rest_without_it(store, tmp_path):
    _record_id, first, second = _setup(store, tmp_path)
    copy = listing(tmp_path / "d.xlsx", revised(phone_a="13900000001", category_b="商标品牌建设"))
    previews = preview_files(store, [first, copy])
    assert previews[1].plan.counts["conflict"] == 0 and "另一个文件“b.xlsx”" in previews[1].plan.warnings[0]
    (alone,) = replan_previews(store, previews[1:])
    assert alone.plan.counts["conflict"] == 1 and not alone.plan.warnings
