"""Sending feedback down: one file per reporting unit with its own needs and the matching fields.

The city (or the province) records 办理状态, 匹配资源/对接单位, 对接反馈, 反馈单位 and 反馈日期
on the needs it gathered; each reporting unit gets back a needs list of *its own* needs
only, named ``2023年万里行需求反馈_福州市鼓楼区_20230612.xlsx``. The file is an ordinary
needs list of this app (with its record ids), so the district imports it like any other
file and takes the matching fields of its needs (storage/bases.py decides group by group).

Worker functions: run on whatever thread owns ``store``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from exports.filenames import default_filename
from forms.progress import Progress, check
from forms.reference import fold, region_label
from storage.stats import region_order_key
from storage.store import Store


class FeedbackError(Exception):
    """A feedback export that cannot be done, in a Chinese sentence."""


@dataclass(frozen=True)
class ReportingUnit:
    unit: str
    city: str
    district: str
    needs: int
    with_feedback: int  # needs that carry any matching field beyond 待对接

    @property
    def label(self) -> str:
        region = region_label(self.city, self.district)
        return f"{self.unit}（{region}）" if region and self.unit else (self.unit or region or "（未填单位）")


def reporting_units(store: Store) -> list[ReportingUnit]:
    """The units whose needs are here, in region order, with how many have feedback."""
    sql = ("select ifnull(unit, '') as unit, ifnull(city, '') as city, ifnull(district, '') as district, "
           "count(*) as n, sum(case when ifnull(feedback, '') != '' or ifnull(matched_resource, '') != '' "
           "or ifnull(status, '待对接') not in ('', '待对接') then 1 else 0 end) as fb "
           "from needs where deleted_at is null group by 1, 2, 3")
    units = [ReportingUnit(r["unit"], r["city"], r["district"], r["n"], r["fb"] or 0) for r in store.db.query(sql)]
    return sorted(units, key=lambda u: (region_order_key(u.city, u.district), u.unit))


def select_units(units: list[ReportingUnit], names: list[str] | None) -> list[ReportingUnit]:
    """The units named (by unit name, or by region such as 福州市鼓楼区 / 鼓楼区); None: all.
    Raises FeedbackError naming what matched nothing."""
    if not names:
        return units
    chosen: list[ReportingUnit] = []
    missing: list[str] = []
    for name in names:
        key = fold(name)
        found = [u for u in units if key in (fold(u.unit), fold(region_label(u.city, u.district)), fold(u.district))
                 and u.unit]
        if not found:
            missing.append(name)
        chosen += [u for u in found if u not in chosen]
    if missing:
        known = "、".join(u.unit for u in units if u.unit) or "（无）"
        raise FeedbackError(f"没有找到这些单位的需求：{'、'.join(missing)}。数据库中的填报单位有：{known}。")
    return chosen


def export_feedback(store: Store, folder: str | Path, names: list[str] | None = None,
                    today: dt.date | None = None, progress: Progress | None = None) -> list[tuple[ReportingUnit, Path]]:
    """Write one feedback file per chosen unit into ``folder``; returns (unit, file) pairs."""
    from exports.xlsx_needs import export_needs_xlsx  # openpyxl: not loaded at window start-up

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    units = select_units(reporting_units(store), names)
    units = [u for u in units if u.unit]  # needs without a unit cannot be sent to anyone
    if not units:
        raise FeedbackError("数据库中没有注明填报单位的需求，无法按单位导出反馈。")
    mine = store.profile()
    today = today or dt.date.today()
    written: list[tuple[ReportingUnit, Path]] = []
    taken: set[str] = set()
    for n, u in enumerate(units):
        check(progress)
        if progress:
            progress.update(n, len(units), f"正在导出“{u.unit}”的反馈（{n + 1}/{len(units)}）……")
        ids = [r[0] for r in store.db.execute(
            "select id from needs where deleted_at is null and ifnull(unit, '') = ? and ifnull(city, '') = ? "
            "and ifnull(district, '') = ? order by seq", [u.unit, u.city, u.district]).fetchall()]
        # The header names the unit the file goes to, so that it recognises its own needs.
        profile = {"unit": u.unit, "city": u.city, "district": u.district, "year": mine.get("year"),
                   "reporter": "", "phone": "", "report_date": today.isoformat()}
        name = default_filename("feedback", profile, "xlsx", today)
        if name in taken:  # two units in one region: the unit's name tells them apart
            name = name.replace(".xlsx", f"_{u.unit}.xlsx")
        taken.add(name)
        path = folder / name
        export_needs_xlsx(store, path, ids=ids, today=today, profile=profile, title_suffix="（对接反馈）",
                          sent_to=None if fold(u.unit) == fold(mine.get("unit") or "") else u.unit)
        written.append((u, path))
    if progress:
        progress.update(len(units), len(units), "完成")
    return written
