"""附件1 需求清单: one row per enterprise need."""

from __future__ import annotations

from forms.fields import REPORTER, Field, Form, Kind, Layout

# The owner group of the matching step (6/1–6/15): written by whoever matched the need,
# the city or the province, never by the reporting unit's files.
MATCHER = "matcher"

NEEDS = Form(
    id="needs",
    title="知识产权服务万里行活动需求清单",
    fields=(
        Field("subject_name", "需求主体名称", required=True, max_len=100, width=22,
              header_aliases=("需求主体", "企业名称", "单位名称", "主体名称", "企业（单位）名称")),
        Field("credit_code", "统一社会信用代码", Kind.CREDIT_CODE, width=21,
              header_aliases=("信用代码", "社会信用代码", "统一信用代码")),
        Field("subject_type", "主体类型", Kind.CHOICE, choices="subject_types", width=12,
              header_aliases=("主体类别", "单位类型")),
        Field("industry", "所属产业领域", Kind.CHOICE_FREE, choices="industries", max_len=30, width=12,
              header_aliases=("产业领域", "所属产业", "所属领域", "行业领域")),
        Field("category", "需求类别", Kind.CHOICE, choices="need_categories", required=True, width=18,
              header_aliases=("需求类型", "需求分类")),
        Field("content", "需求内容", Kind.LONGTEXT, required=True, max_len=2000, width=40,
              header_aliases=("需求描述", "具体需求", "需求内容描述", "需求事项")),
        Field("coord_level", "协调层级（重点标注）", Kind.CHOICE, choices="coord_levels", required=True,
              width=21, header_aliases=("协调层级", "需协调层级", "重点标注", "是否需国家或省局协调",
                                        "需协调部门", "协调部门")),
        Field("contact", "联系人", max_len=30, width=9),
        Field("phone", "联系电话", Kind.PHONE, max_len=60, width=15, header_aliases=("电话", "联系方式")),
        Field("remark", "备注", max_len=500, width=14),
        Field("status", "办理状态", Kind.CHOICE, choices="statuses", default="待对接", width=10, owner=MATCHER,
              header_aliases=("状态", "对接状态")),
        Field("matched_resource", "匹配资源/对接单位", max_len=200, width=14, owner=MATCHER,
              header_aliases=("匹配资源", "对接单位", "匹配资源（对接单位）", "对接资源", "匹配的资源")),
        Field("feedback", "对接反馈", Kind.LONGTEXT, max_len=2000, width=20, owner=MATCHER,
              header_aliases=("反馈", "对接情况", "反馈情况", "反馈意见")),
        Field("feedback_unit", "反馈单位", Kind.CHOICE_FREE, choices="feedback_units", max_len=60, width=9,
              owner=MATCHER, header_aliases=("反馈部门",)),
        Field("feedback_date", "反馈日期", Kind.DATE, width=10, owner=MATCHER, header_aliases=("反馈时间",)),
    ),
    noun="需求",
    measure_word="条",
    short_title="需求清单",
    document_name="需求清单",
    annex="附件1",
    layout=Layout.TABLE,
    header_fields=("subject_name", "content"),
    identity_fields=("subject_name", "content"),
    subject_field="subject_name",
    hint_fields=("subject_name", "content", "credit_code", "category"),
    required_any=("subject_name", "content"),
    owners={REPORTER: "填报单位", MATCHER: "对接单位"},
    own_records_only=True,
)

# The coordination levels that the list exists to make stand out.
FLAG_NATIONAL = "需国家知识产权局协调"
FLAG_PROVINCIAL = "需省知识产权局协调"
FLAGGED_LEVELS = (FLAG_NATIONAL, FLAG_PROVINCIAL)


def summary_line(total: int, national: int, provincial: int) -> str:
    return f"共 {total} 项，需国家局协调 {national} 项，需省局协调 {provincial} 项"


# The matching step's outcomes that the summary line counts (values of the ``statuses`` list).
STATUS_MATCHED = "已匹配资源"
STATUS_SOLVED = "已解决"
STATUS_UNSOLVABLE = "无法解决"


def feedback_line(matched: int, solved: int) -> str:
    return f"已匹配资源 {matched} 项，已解决 {solved} 项"


# The progress report (办理进展) a unit prints for its 10/30 written summary: each need by
# enterprise and content, with what the matching step did about it. Identifiers and
# contacts are left out so the content and the feedback have room on A4.
PROGRESS_FIELDS = ("subject_name", "category", "content", "coord_level", "status", "matched_resource",
                   "feedback", "feedback_unit", "feedback_date")
PROGRESS_SUFFIX = "（办理进展）"
