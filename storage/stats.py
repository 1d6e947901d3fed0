"""Consolidation figures: counts by region, level and category, and who has reported.

Used by the 汇总 tab, the statistics page and the consolidated exports.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL
from forms.reference import builtin_choices, regions
from storage.store import Store

UNKNOWN_REGION = "（未填地区）"


def region_order_key(city: str | None, district: str | None) -> tuple:
    """Sort key in the official order of the region list; unknown places last."""
    r = regions()
    cities = r.cities
    ci = cities.index(city) if city in cities else len(cities)
    districts = r.districts.get(city or "", ())
    di = -1 if not district else (districts.index(district) if district in districts else len(districts))
    return (ci, di, city or "", district or "")


def by_city_and_level(store: Store) -> list[tuple[str, dict[str, int]]]:
    """[(city, {level: count, ..., "合计": n})] in region order, only cities present."""
    return _by_level(store, "ifnull(city, '')", None)


def by_district_and_level(store: Store, city: str) -> list[tuple[str, dict[str, int]]]:
    """The same within one city, by district; needs of the city's own units count as "市本级"."""
    rows = _by_level(store, "case when ifnull(district, '') = '' then '市本级' else district end", city)
    return sorted(rows, key=lambda item: region_order_key(city, "" if item[0] == "市本级" else item[0]))


def by_region_and_level(store: Store) -> tuple[str, list[tuple[str, dict[str, int]]]]:
    """What a supervisor compares: districts for a city-level unit, cities otherwise.
    Returns (name of the grouping, rows)."""
    profile = store.profile()
    if profile.get("city") and not profile.get("district"):
        return "县（市、区）", by_district_and_level(store, str(profile["city"]))
    return "设区市", by_city_and_level(store)


def _by_level(store: Store, group_sql: str, city: str | None) -> list[tuple[str, dict[str, int]]]:
    levels = store.choices.values("coord_levels")
    out: dict[str, dict[str, int]] = {}
    where = "deleted_at is null" + (" and city = ?" if city else "")
    sql = f"select {group_sql}, ifnull(coord_level, ''), count(*) from needs where {where} group by 1, 2"
    for place, level, n in store.db.execute(sql, [city] if city else []).fetchall():
        row = out.setdefault(place or UNKNOWN_REGION, {lv: 0 for lv in levels} | {"其他": 0, "合计": 0})
        row[level if level in levels else "其他"] += n
        row["合计"] += n
    return sorted(out.items(), key=lambda item: region_order_key(item[0], None))


def by_category(store: Store) -> list[tuple[str, int, int]]:
    """[(category, all, flagged)] most frequent first."""
    sql = ("select ifnull(category, ''), count(*), sum(coord_level in (?, ?)) from needs "
           "where deleted_at is null group by 1 order by 2 desc, 1")
    return [(c or "（未填）", n, f or 0) for c, n, f in store.db.execute(sql, [FLAG_NATIONAL, FLAG_PROVINCIAL])]


@dataclass
class Submission:
    city: str
    district: str
    unit: str
    needs: int = 0
    national: int = 0
    provincial: int = 0
    cases: int = 0
    last_import: str = ""

    @property
    def region(self) -> str:
        return f"{self.city}{self.district}" or UNKNOWN_REGION

    @property
    def reported(self) -> bool:
        return bool(self.needs or self.cases)


def submissions(store: Store) -> list[Submission]:
    """One row per reporting unit present, plus a row for every expected region that has
    sent nothing: the districts of the supervisor's city, or every city for the province."""
    rows: dict[tuple[str, str, str], Submission] = {}

    def get(city, district, unit) -> Submission:
        key = (city or "", district or "", unit or "")
        if key not in rows:
            rows[key] = Submission(*key)
        return rows[key]

    sql = ("select city, district, unit, count(*), sum(coord_level = ?), sum(coord_level = ?), "
           "max(ifnull(imported_at, '')) from needs where deleted_at is null group by 1, 2, 3")
    for city, district, unit, n, nat, prov, last in store.db.execute(sql, [FLAG_NATIONAL, FLAG_PROVINCIAL]):
        s = get(city, district, unit)
        s.needs, s.national, s.provincial, s.last_import = n, nat or 0, prov or 0, last or ""
    sql = ("select ifnull(c.city, ''), ifnull(c.district, ''), c.unit, count(*), max(ifnull(c.imported_at, '')) "
           "from cases c where deleted_at is null group by 1, 2, 3")
    for city, district, unit, n, last in store.db.execute(sql):
        s = get(city, district, unit)
        s.cases = n
        s.last_import = max(s.last_import, last or "")
    profile = store.profile()
    own_city = profile.get("city") or ""
    if own_city and not profile.get("district"):
        expected = [(own_city, d) for d in regions().districts.get(own_city, ())]
    elif not own_city:
        expected = [(c, "") for c in regions().cities]
    else:
        expected = []
    present = {(s.city, s.district) for s in rows.values()}
    present_cities = {s.city for s in rows.values()}
    for city, district in expected:
        if (city, district) in present or (not district and city in present_cities):
            continue
        get(city, district, "")
    return sorted(rows.values(), key=lambda s: (region_order_key(s.city, s.district), s.unit))


def level_names() -> list[str]:
    return builtin_choices().values("coord_levels")


def likely_duplicates(store: Store) -> list[list[dict]]:
    """Groups of live needs from DIFFERENT units about the same enterprise (equal credit
    code, or equal name after folding width, spaces and 有限公司-style suffixes) with the
    same category or similar content. For review only: nothing is merged."""
    from forms.identity import subject_key
    from storage.merge import similar_content

    buckets: dict[str, list[dict]] = {}
    sql = ("select id, unit, city, district, subject_name, credit_code, category, content from needs "
           "where deleted_at is null")
    for row in store.db.query(sql):
        keys = {f"n:{subject_key(row['subject_name'] or '')}"}
        if row["credit_code"]:
            keys.add(f"c:{row['credit_code']}")
        for key in keys:
            if len(key) > 2:
                buckets.setdefault(key, []).append(row)
    groups: list[list[dict]] = []
    seen: set[frozenset] = set()
    for rows in buckets.values():
        if len({r["unit"] for r in rows}) < 2:
            continue
        members = {a["id"]: a for a in rows if any(
            b["unit"] != a["unit"] and (a["category"] == b["category"]
                                        or similar_content(a["content"] or "", b["content"] or ""))
            for b in rows)}
        ids = frozenset(members)
        if len(ids) >= 2 and ids not in seen:
            seen.add(ids)
            groups.append(sorted(members.values(), key=lambda r: region_order_key(r["city"], r["district"])))
    return sorted(groups, key=lambda g: region_order_key(g[0]["city"], g[0]["district"]))


@dataclass
class NeedCounts:
    total: int = 0
    national: int = 0
    provincial: int = 0
    drafts: int = 0


def need_counts(store: Store) -> NeedCounts:
    """The list's summary figures in one pass (the window asks after every edit)."""
    sql = ("select count(*), sum(coord_level = ?), sum(coord_level = ?), sum(complete = 0) "
           "from needs where deleted_at is null")
    total, national, provincial, drafts = store.db.execute(sql, [FLAG_NATIONAL, FLAG_PROVINCIAL]).fetchone()
    return NeedCounts(total, national or 0, provincial or 0, drafts or 0)
