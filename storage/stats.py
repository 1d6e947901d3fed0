"""Consolidation figures: counts by region, level and category, and who has reported.

Used by the 汇总 tab, the statistics page and the consolidated exports: every figure
they show is computed here (:func:`summary`) and only rendered there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forms.needs import (
    FLAG_NATIONAL,
    FLAG_PROVINCIAL,
    FLAGGED_LEVELS,
    STATUS_MATCHED,
    STATUS_SOLVED,
    feedback_line,
    summary_line,
)
from forms.reference import regions
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


# ---- the consolidated figures -----------------------------------------------------
#
# Computed here once; the 统计图表 tab, the xlsx 汇总统计 sheet and the PDF summary page
# render these rows as they are (labels, order, columns), so the three always agree.

OTHER_LEVEL = "其他/未填"  # a coordination level outside the choice list, or none
UNKNOWN_CATEGORY = "（未填类别）"  # "其他" is a real category, so a blank one needs its own name
OUTSIDE_AREA = "辖区外"  # needs from beyond the supervisor's area: one line, last
CITY_OWN_UNITS = "市本级"  # needs of a city's own units, in a city supervisor's district view
TOTAL = "合计"
BY_CITY = "设区市"
BY_DISTRICT = "县（市、区）"

# (city, district, coordination level, category) -> number of needs
Facts = Counter[tuple[str, str, str, str]]


@dataclass(frozen=True)
class CountRow:
    """One line of a count table: a place or a category, its count per level column, the total."""

    label: str
    counts: tuple[int, ...]  # one per ``Summary.levels``

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Summary:
    """Every figure of the consolidated statistics, ready to render."""

    grouping: str  # the head of the places' column: 设区市 or 县（市、区）
    levels: tuple[str, ...]  # the count columns; OTHER_LEVEL last when any need falls outside the list
    regions: tuple[CountRow, ...]
    categories: tuple[CountRow, ...]
    national: int = 0
    provincial: int = 0

    @property
    def total(self) -> CountRow:
        """The 合计 line; the same under both tables (every need has one place and one category)."""
        return CountRow(TOTAL, tuple(sum(col) for col in zip(*(r.counts for r in self.regions), strict=True))
                        if self.regions else (0,) * len(self.levels))

    def flagged(self, row: CountRow) -> int:
        """How many of the row's needs ask the national or the provincial office to coordinate."""
        return sum(n for level, n in zip(self.levels, row.counts, strict=True) if level in FLAGGED_LEVELS)


def summary(store: Store, rows: Iterable[dict] | None = None) -> Summary:
    """The consolidated figures of every live need, or of ``rows`` (the needs an export writes).

    A city-level supervisor (profile with a city and no district) compares the city's
    districts, "市本级" first; anyone else compares cities. Needs from beyond that area
    still count, on one last line "辖区外", so the 合计 always equals the list's length.
    """
    facts: Facts = Counter()
    if rows is None:
        sql = ("select ifnull(city, ''), ifnull(district, ''), ifnull(coord_level, ''), ifnull(category, ''), "
               "count(*) from needs where deleted_at is null group by 1, 2, 3, 4")
        for city, district, level, category, n in store.db.execute(sql):
            facts[city, district, level, category] += n
    else:
        for r in rows:
            facts[r.get("city") or "", r.get("district") or "", r.get("coord_level") or "",
                  r.get("category") or ""] += 1
    profile = store.profile()
    own_city = str(profile.get("city") or "") if not profile.get("district") else ""
    return summarise(facts, store.choices.values("coord_levels"), store.choices.values("need_categories"),
                     own_city)


def summarise(facts: Facts, known_levels: Sequence[str], known_categories: Sequence[str],
              own_city: str = "") -> Summary:
    """The rules in one place: which columns, which labels, which order."""
    used_levels = {level for (_c, _d, level, _k) in facts}
    levels = tuple(known_levels) + ((OTHER_LEVEL,) if used_levels - set(known_levels) else ())
    column = {level: i for i, level in enumerate(levels)}

    def place(city: str, district: str) -> tuple[tuple, str]:
        """(sort key, label) of the row a need counts in."""
        if own_city and city == own_city:
            districts = regions().districts.get(city, ())
            if not district:
                return (0, -1, ""), CITY_OWN_UNITS
            return (0, districts.index(district) if district in districts else len(districts), district), district
        if not city:
            return (3, 0, ""), UNKNOWN_REGION
        if own_city:  # a city supervisor compares its districts; other cities are 辖区外
            return (4, 0, ""), OUTSIDE_AREA
        cities = regions().cities
        return ((1, cities.index(city), city) if city in cities else (2, 0, city)), city

    category_rank = {c: i for i, c in enumerate(known_categories)}

    def category(name: str) -> tuple[tuple, str]:
        if not name:
            return (2, 0, ""), UNKNOWN_CATEGORY
        return ((0, category_rank[name], name) if name in category_rank else (1, 0, name)), name

    by_place: dict[tuple, list[int]] = {}
    by_category: dict[tuple, list[int]] = {}
    for (city, district, level, cat), n in facts.items():
        i = column.get(level, len(levels) - 1)
        by_place.setdefault(place(city, district), [0] * len(levels))[i] += n
        by_category.setdefault(category(cat), [0] * len(levels))[i] += n

    def table(counts: dict[tuple, list[int]]) -> tuple[CountRow, ...]:
        return tuple(CountRow(label, tuple(c)) for (_key, label), c in sorted(counts.items(), key=lambda kv: kv[0][0]))

    nat = sum(n for (_c, _d, level, _k), n in facts.items() if level == FLAG_NATIONAL)
    prov = sum(n for (_c, _d, level, _k), n in facts.items() if level == FLAG_PROVINCIAL)
    return Summary(BY_DISTRICT if own_city else BY_CITY, levels, table(by_place), table(by_category), nat, prov)


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
    matched: int = 0  # 办理状态 已匹配资源
    solved: int = 0  # 办理状态 已解决


def need_counts(store: Store) -> NeedCounts:
    """The list's summary figures in one pass (the window asks after every edit)."""
    sql = ("select count(*), sum(coord_level = ?), sum(coord_level = ?), sum(complete = 0), "
           "sum(status = ?), sum(status = ?) from needs where deleted_at is null")
    total, national, provincial, drafts, matched, solved = store.db.execute(
        sql, [FLAG_NATIONAL, FLAG_PROVINCIAL, STATUS_MATCHED, STATUS_SOLVED]).fetchone()
    return NeedCounts(total, national or 0, provincial or 0, drafts or 0, matched or 0, solved or 0)


def list_line(rows: Sequence[dict], figures: Summary) -> str:
    """The summary line an exported list prints: the counts, and the matching step's outcomes
    once there are any (a progress report for the 10/30 written summary)."""
    line = summary_line(len(rows), figures.national, figures.provincial)
    matched = sum(1 for r in rows if r.get("status") == STATUS_MATCHED)
    solved = sum(1 for r in rows if r.get("status") == STATUS_SOLVED)
    return f"{line}；{feedback_line(matched, solved)}" if matched or solved else line
