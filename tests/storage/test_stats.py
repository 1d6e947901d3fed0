from __future__ import annotations

from storage.stats import OTHER_LEVEL, UNKNOWN_CATEGORY, UNKNOWN_REGION, submissions, summary

BASE = {"category": "商标品牌建设", "content": "x", "subject_name": "某公司"}


def add(store, n, city, district, unit, level, **extra):
    store.needs.insert_many([{**BASE, "city": city, "district": district, "unit": unit, "coord_level": level,
                              **extra}] * n, origin="import")


def test_counts_by_city_and_level_in_region_order(store):
    add(store, 2, "厦门市", "思明区", "思明区局", "需国家知识产权局协调")
    add(store, 3, "福州市", "鼓楼区", "鼓楼区局", "本地解决")
    add(store, 1, "福州市", "台江区", "台江区局", "需省知识产权局协调")
    s = summary(store)
    assert s.grouping == "设区市"
    assert s.levels == ("需国家知识产权局协调", "需省知识产权局协调", "本地解决")  # nothing outside: no 其他 column
    assert [(r.label, r.counts, r.total) for r in s.regions] == [("福州市", (0, 1, 3), 4), ("厦门市", (2, 0, 0), 2)]
    assert (s.total.label, s.total.counts, s.total.total) == ("合计", (2, 1, 3), 6)
    assert (s.national, s.provincial) == (2, 1)


def test_by_category_counts_flagged(store):
    add(store, 2, "福州市", "鼓楼区", "鼓楼区局", "需国家知识产权局协调")
    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "本地解决", category="地理标志培育与运用")
    s = summary(store)
    # The choice list's order (商标品牌建设 comes before 地理标志培育与运用 there).
    assert [(r.label, r.total, s.flagged(r)) for r in s.categories] == [("商标品牌建设", 2, 2),
                                                                      ("地理标志培育与运用", 1, 0)]


def test_blank_and_unknown_values_have_one_label_each(store):
    add(store, 1, "", "", "某单位", "本地解决", category="")
    add(store, 1, "福州", "", "某单位", "", category="自创类别")  # a city outside the region list
    add(store, 1, "莆田市", "", "莆田市局", "乱填的层级")
    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "需国家知识产权局协调", category="其他")
    s = summary(store)
    assert s.levels[-1] == OTHER_LEVEL
    assert [(r.label, r.counts) for r in s.regions] == [
        ("福州市", (1, 0, 0, 0)), ("莆田市", (0, 0, 0, 1)), ("福州", (0, 0, 0, 1)), (UNKNOWN_REGION, (0, 0, 1, 0))]
    assert [r.label for r in s.categories] == ["商标品牌建设", "其他", "自创类别", UNKNOWN_CATEGORY]
    assert s.total.total == 4
    # The same figures from the rows an export writes as from the database.
    assert summary(store, store.needs.rows()) == s


def test_levels_added_by_the_officer_are_columns(store):
    store.add_choice("coord_levels", "需市局协调")
    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "需市局协调")
    s = summary(store)
    assert s.levels == ("需国家知识产权局协调", "需省知识产权局协调", "本地解决", "需市局协调")
    assert s.regions[0].counts == (0, 0, 0, 1)


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
    store.set_profile({**store.profile(), "unit": "福州市市场监督管理局", "district": ""})
    add(store, 2, "福州市", "台江区", "台江区局", "本地解决")
    add(store, 1, "福州市", "鼓楼区", "鼓楼区局", "需国家知识产权局协调")
    add(store, 1, "福州市", "", "福州市局", "本地解决")
    add(store, 5, "厦门市", "思明区", "思明区局", "本地解决")  # another city: 辖区外, last
    s = summary(store)
    assert s.grouping == "县（市、区）"
    assert [(r.label, r.total) for r in s.regions] == [("市本级", 1), ("鼓楼区", 1), ("台江区", 2), ("辖区外", 5)]
    assert s.total.total == 9
    store.set_profile({**store.profile(), "city": ""})
    assert summary(store).grouping == "设区市"


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
