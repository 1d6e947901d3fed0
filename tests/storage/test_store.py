from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage import DatabaseError, DatabaseTooNew, Store
from storage.db import schema_names

DATA = Path(__file__).resolve().parents[1] / "data"

NEED = {"subject_name": "福建闽江智能装备有限公司", "credit_code": "914403001922038216", "subject_type": "企业",
        "industry": "先进制造", "category": "专利导航与分析评议", "content": "希望开展产业专利导航。",
        "coord_level": "需国家知识产权局协调", "contact": "王经理", "phone": "13812345678"}


def test_records_survive_reopening(db_path):
    s = Store.open(db_path)
    need_id = s.needs.insert(NEED)
    case_id = s.cases.insert({"name": "专利导航助力产业升级", "enterprises": 12})
    s.cases.update(case_id, {"background": "背景\n第二段"})
    s.close()
    s2 = Store.open(db_path)
    row = s2.needs.get(need_id)
    assert {k: row[k] for k in NEED} == NEED
    assert row["status"] == "待对接"  # the declared default
    assert row["origin"] == "local" and row["complete"] == 1
    case = s2.cases.get(case_id)
    assert case["enterprises"] == 12 and case["background"] == "背景\n第二段"
    assert case["complete"] == 0  # 推荐单位/案例类别 missing: kept as a draft
    assert s2.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    s2.close()


def test_uuid_and_timestamps(store):
    a = store.needs.insert(NEED)
    row = store.needs.get(a)
    assert len(row["id"]) == 36 and row["created_at"] == row["updated_at"]
    updated = store.needs.update(a, {"remark": "已电话沟通"})
    assert updated["updated_at"] >= row["updated_at"]
    assert store.needs.get(a)["remark"] == "已电话沟通"


def test_search_filter_sort(store):
    ids = store.needs.insert_many([
        {**NEED, "subject_name": "甲公司", "category": "商标品牌建设", "coord_level": "本地解决"},
        {**NEED, "subject_name": "乙公司", "content": "100%_特殊字符"},
        {**NEED, "subject_name": "丙公司", "coord_level": "需省知识产权局协调"},
    ])
    assert store.needs.ids() == ids
    assert store.needs.ids(search="乙") == [ids[1]]
    assert store.needs.ids(search="100%_") == [ids[1]]
    assert store.needs.ids(search="%") == [ids[1]]  # LIKE wildcards are literal
    assert store.needs.ids(search="公司 商标品牌") == [ids[0]]  # every word must match
    assert store.needs.ids(search="公司 专利导航") == ids
    assert store.needs.ids(filters={"coord_level": "需省知识产权局协调"}) == [ids[2]]
    assert store.needs.ids(filters={"category": "商标品牌建设", "coord_level": ""}) == [ids[0]]
    assert store.needs.ids(order_by="subject_name") == sorted(ids, key=lambda i: store.needs.get(i)["subject_name"])
    assert store.needs.count_by("coord_level") == {"本地解决": 1, "需国家知识产权局协调": 1, "需省知识产权局协调": 1}


def test_soft_delete_and_restore(store):
    a, b = store.needs.insert_many([NEED, NEED])
    store.needs.set_deleted([a], True)
    assert store.needs.ids() == [b]
    assert [r["id"] for r in store.needs.rows(deleted=True)] == [a]
    store.needs.set_deleted([a], False)
    assert store.needs.ids() == [a, b]
    store.needs.set_deleted([b], True)
    assert store.needs.purge_deleted() == 1
    assert store.needs.get(b) is None


def test_profile_updates_local_records(store):
    a = store.needs.insert({**NEED, **store.local_defaults("needs")})
    assert store.needs.get(a)["unit"] == "福州市鼓楼区市场监督管理局"
    store.set_profile({**store.profile(), "unit": "福州市台江区市场监督管理局", "district": "台江区"})
    row = store.needs.get(a)
    assert (row["unit"], row["city"], row["district"]) == ("福州市台江区市场监督管理局", "福州市", "台江区")


def test_officer_extends_a_choice_list(store):
    a = store.needs.insert({**NEED, "category": "数据知识产权登记"})
    assert store.needs.get(a)["complete"] == 0
    store.add_choice("need_categories", "数据知识产权登记")
    assert "数据知识产权登记" in store.choices.values("need_categories")
    assert store.needs.get(a)["complete"] == 1
    store.remove_choice("need_categories", "数据知识产权登记")
    assert store.needs.get(a)["complete"] == 0


def test_images_limit(store):
    case_id = store.cases.insert({"name": "x"})
    for i in range(6):
        store.add_image(case_id, f"{i}.png", b"\x89PNG", "image/png")
    with pytest.raises(ValueError, match="最多 6 张"):
        store.add_image(case_id, "7.png", b"\x89PNG", "image/png")
    assert [r["name"] for r in store.images(case_id)] == [f"{i}.png" for i in range(6)]


def test_upgrade_saved_v1_database(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(DATA / "wanlixing-v1.db", path)
    s = Store.open(path)
    applied = [m.name for m in __import__("storage.migrations", fromlist=["MIGRATIONS"]).MIGRATIONS.applied(s.db)]
    assert applied == schema_names()
    row = s.needs.get("0b7f7a52-8f3c-4c55-9d0e-1d2a3b4c5d6e")
    assert row["content"] == "旧版本录入的需求，升级后必须还在。"
    assert row["natural_key"] is None  # column added by a later migration
    assert s.profile()["unit"] == "福州市鼓楼区市场监督管理局"
    assert "needs_live_seq" in {i.name for i in s.db["needs"].indexes}
    s.close()


def test_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    s = Store.open(path)
    s.needs.insert(NEED)
    s.db["_sqlite_migrations"].insert({"migration_set": "wanlixing", "name": "m999_future", "applied_at": "2030"})
    s.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="更新版本"):
        Store.open(path)
    assert path.read_bytes() == before


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(DatabaseError, match="不是本软件的数据库"):
        Store.open(path)


def test_committed_edit_is_visible_to_another_connection(db_path):
    """What the window acknowledges is on disk: a second process sees it at once."""
    s = Store.open(db_path)
    a = s.needs.insert(NEED)
    s.needs.update(a, {"remark": "立即可见"})
    other = sqlite3.connect(db_path)
    assert other.execute("select remark from needs where id = ?", [a]).fetchone()[0] == "立即可见"
    other.close()
    s.close()
