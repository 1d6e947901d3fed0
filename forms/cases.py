"""附件2 优秀案例推荐表: one form per case."""

from __future__ import annotations

from forms.fields import Field, Form, Kind, Layout

CONTENT_GROUP = "content"
CONTENT_LIMIT = 2000
MAX_IMAGES = 6

CASES = Form(
    id="cases",
    title="知识产权服务万里行活动优秀案例推荐表",
    fields=(
        Field("name", "案例名称", required=True, max_len=60, width=30),
        Field("recommender", "推荐单位", required=True, max_len=60, width=20),
        Field("city", "所属地区（设区市）", Kind.CITY, width=10),
        Field("district", "所属地区（县区）", Kind.DISTRICT, width=10),
        Field("category", "案例类别", Kind.CHOICE, choices="case_categories", required=True, width=26),
        Field("implementer", "实施主体", max_len=200, width=24),
        Field("contact", "联系人", max_len=30, width=9),
        Field("position", "职务", max_len=30, width=10),
        Field("phone", "联系电话", Kind.PHONE, max_len=60, width=15),
        Field("email", "电子邮箱", Kind.EMAIL, max_len=100, width=20),
        Field("enterprises", "服务企业数（家）", Kind.INT, width=10),
        Field("activities", "开展活动（场）", Kind.INT, width=10),
        Field("participants", "参与人数（人次）", Kind.INT, width=10),
        Field("background", "背景情况", Kind.LONGTEXT, group=CONTENT_GROUP, in_table=False),
        Field("practice", "主要做法", Kind.LONGTEXT, group=CONTENT_GROUP, in_table=False),
        Field("results", "取得成效", Kind.LONGTEXT, group=CONTENT_GROUP, in_table=False),
        Field("lessons", "经验启示", Kind.LONGTEXT, group=CONTENT_GROUP, in_table=False),
        Field("opinion", "推荐单位意见", Kind.LONGTEXT, max_len=500, in_table=False),
    ),
    group_limits={CONTENT_GROUP: CONTENT_LIMIT},
    noun="案例",
    measure_word="个",
    short_title="优秀案例",
    document_name="优秀案例推荐表",
    annex="附件2",
    layout=Layout.SHEETS,
    header_fields=("name",),
    group_labels={CONTENT_GROUP: ("案例内容", "主要内容", "案例正文", "案例材料")},
    unit_fields=("recommender",),
    max_images=MAX_IMAGES,
    identity_fields=("name",),
    required_any=("name", "background", "practice", "results", "lessons"),
    region_in_fields=True,
)
