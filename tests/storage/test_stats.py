from __future__ import annotations

from storage.stats import by_category, by_city_and_level, submissions

BASE = {"category": "商标品牌建设", "content": "x", "subject_name": "某公司"}


def add(store, n, city, district, unit, level, **extra):
    store.needs.insert_many([{**BASE, "city": city, "district": district, "unit": unit, "coord_level": level,
                              **extra}] * n, origin="import")


def test_counts_by_city_and_level_in_region_order(store):
    add(store, 2, "厦门市", "思明区", "思明区局", "需国家知识产权局协调")
    add(store, 3, "福州市", "鼓楼区", "鼓楼区局", "本地解决")
    add(store, 1, "福州市", "台江区", "台江区局", "需省知识产权局协调")
    table = by_city_and_level(store)
    assert [city for city, _ in table] == ["福州市", "厦门市"]
    fuzhou = dict(table)["福州市"]
    assert fuzhou["本地解决"] == 3 and fuzhou["需省知识产权局协调"] == 1 and fuzhou["合计"] == 4
    assert dict(table)["厦门市"]["需国家知识产权局协调"] == 2


def test_by_category_counts_flagged(store):
    add(store, 2, "福州市", "鼓楼区", "鼓楼区局", "需国家知识产权局协调")
    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "本地解决", category="地理标志培育与运用")
    assert by_category(store) == [("商标品牌建设", 2, 2), ("地理标志培育与运用", 1, 0)]


def test_submissions_board_lists_missing_districts(store):
    store.set_profile({**store.profile(), "unit": "福州市市场监督管理局", "district": ""})
    add(store, 2, "福州市", "鼓楼区", "鼓楼区局", "需国家知识产权局协调", imported_at="2023-05-18T10:00")
    store.cases.insert_many([{"name": "案例", "city": "福州市", "district": "台江区", "unit": "台江区局"}],
                            origin="import")
    board = submissions(store)
    by_region = {s.region: s for s in board}
    assert by_region["福州市鼓楼区"].needs == 2 and by_region["福州市鼓楼区"].national == 2
    assert by_region["福州市鼓楼区"].last_import == "2023-05-18T10:00"
    assert by_region["福州市台江区"].cases == 1 and by_region["福州市台江区"].reported
    assert not by_region["福州市永泰县"].reported  # expected, nothing received
    assert [s.district for s in board][:3] == ["鼓楼区", "台江区", "仓山区"]


def test_province_expects_every_city(store):
    store.set_profile({**store.profile(), "unit": "福建省知识产权局", "city": "", "district": ""})
    add(store, 1, "莆田市", "", "莆田市局", "本地解决")
    board = submissions(store)
    assert len(board) == 10
    assert [s.city for s in board if s.reported] == ["莆田市"]


def test_city_supervisor_compares_districts(store):
    from storage.stats import by_region_and_level

    store.set_profile({**store.profile(), "unit": "福州市市场监督管理局", "district": ""})
    add(store, 2, "福州市", "台江区", "台江区局", "本地解决")
    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "需国家知识产权局协调")
    add(store, 1, "福州市", "", "福州市局", "本地解决")
    add(store, 5, "厦门市", "思明区", "思明区局", "本地解决")  # another city: not in this view
    grouping, rows = by_region_and_level(store)
    assert grouping == "县（市、区）"
    assert [(place, row["合计"]) for place, row in rows] == [("市本级", 1), ("鼓楼区", 1), ("台江区", 2)]
    store.set_profile({**store.profile(), "city": ""})
    assert by_region_and_level(store)[0] == "设区市"


def test_likely_duplicates_across_units(store):
    from storage.stats import likely_duplicates

    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "本地解决", subject_name="福建闽江科技有限公司",
        content="希望开展专利导航")
    add(store, 1, "福州市", "台江区", "台江区局", "本地解决", subject_name="福建闽江科技有限责任公司",
        content="希望开展专利导航分析")
    add(store, 1, "福州市", "仓山区", "仓山区局", "本地解决", subject_name="福建其他公司",
        credit_code="914403001922038216")
    add(store, 1, "厦门市", "思明区", "思明区局", "本地解决", subject_name="另一个名字",
        credit_code="914403001922038216")
    # Same enterprise, same unit: an ordinary second need, not a duplicate.
    add(store, 2, "福州市", "晋安区", "晋安区局", "本地解决", subject_name="晋安同名公司")
    groups = likely_duplicates(store)
    assert [[r["unit"] for r in g] for g in groups] == [["鼓楼区局", "台江区局"], ["仓山区局", "思明区局"]]
    assert store.needs.count() == 6  # nothing merged


def test_need_counts_in_one_pass(store):
    from storage.stats import need_counts

    add(store, 2, "福州市", "鼓楼区", "鼓楼区局", "需国家知识产权局协调")
    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "需省知识产权局协调", content="")  # a draft
    gone = store.needs.insert({**BASE, "coord_level": "需国家知识产权局协调"})
    store.needs.set_deleted([gone], True)
    c = need_counts(store)
    assert (c.total, c.national, c.provincial, c.drafts) == (3, 2, 1, 1)
