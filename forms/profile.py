"""The submission header: who reports, set up once per database."""

from __future__ import annotations

from forms.fields import Field, Form, Kind
from forms.reference import fold

PROFILE = Form(
    id="profile",
    title="填报单位信息",
    fields=(
        Field("unit", "填报单位", required=True, max_len=60, placeholder="如：福州市鼓楼区市场监督管理局"),
        Field("city", "所属地区（设区市）", Kind.CITY, placeholder="省级单位不选"),
        Field("district", "所属地区（县区）", Kind.DISTRICT, placeholder="市级单位不选"),
        Field("reporter", "填报人", required=True, max_len=30),
        Field("phone", "联系电话", Kind.PHONE, required=True, max_len=60),
        Field("year", "活动年度", Kind.YEAR, required=True),
        Field("report_date", "填报日期", Kind.DATE, placeholder="留空则导出时用当天日期"),
    ),
)


def consolidates(profile: dict) -> bool:
    """True for a unit that gathers other units' records (a city or the province); a district
    (or county) keeps only its own, and takes from files the feedback on them."""
    return not profile.get("district")


def is_own(profile: dict, unit: str, city: str, district: str) -> bool:
    """Whether a record reported by ``unit`` in ``city``/``district`` is this profile's own.
    A record naming no unit and no region is taken to be the unit's own (a colleague's
    sheet without a header)."""
    if not unit and not city and not district:
        return True
    if unit and profile.get("unit") and fold(unit) == fold(str(profile["unit"])):
        return True
    return bool(district) and district == profile.get("district") and (not city or city == profile.get("city"))
