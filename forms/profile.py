"""The submission header: who reports, set up once per database."""

from __future__ import annotations

from forms.fields import Field, Form, Kind

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
