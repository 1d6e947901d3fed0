"""What a person reads about an import: a file's preview and outcome as Chinese lines.

Shared by the command line and the window's preview dialog. A row is named by
what it is about (the enterprise of a need, the name of a case); its place in
the file (工作表“需求清单”第 7 行) follows as secondary information.
"""

from __future__ import annotations

from forms import FORMS
from forms.fields import Form
from storage.merge import ImportPlan, ItemView, PlanItem, PlanView

NAME_MAX = 40  # characters of a name shown in one line; the rest is elided with “…”


def record_name(form: Form, item: PlanItem | ItemView, limit: int = NAME_MAX) -> str:
    """What a row is about: 需求主体名称 for a need, 案例名称 for a case; the first identity
    field that has a value otherwise; “（未写名称）” when none has."""
    text = item.title(form)
    if text:
        return text if len(text) <= limit else text[: limit - 1] + "…"
    keys = [k for k in (form.subject_field, *form.identity_fields) if k]
    return f"（未写{form.field(keys[0]).label}）" if keys else "（未写名称）"


def record_label(form: Form, item: PlanItem | ItemView) -> str:
    """“福州某科技有限公司（工作表“需求清单”第 7 行）”: the name first, the place after."""
    return f"{record_name(form, item)}（{item.where()}）"


def overview(plan: ImportPlan | PlanView) -> list[str]:
    """What the file is and what it brings: form and unit, counts, warnings."""
    form = FORMS[plan.form_id]
    where_from = plan.unit or "（未写填报单位）"
    return [f"{form.short_title}，填报单位：{where_from}", plan.counts_text, *(f"提示：{w}" for w in plan.warnings)]


def duplicate_lines(plan: ImportPlan | PlanView, limit: int = 20) -> list[str]:
    """Incoming records that look like one already here (flagged for review, never merged)."""
    return [f"疑似重复：“{hint.subject_name}”（{hint.unit}，{hint.where}）与“{hint.other_subject}”"
            f"（{hint.other_unit}）：{hint.reason}" for hint in plan.duplicates[:limit]]


def describe(plan: ImportPlan | PlanView, limit: int = 20) -> list[str]:
    """Lines a person reads about one file's plan: counts, warnings, and the rows that need a look."""
    form = FORMS[plan.form_id]
    labels = {f.key: f.label for f in form.fields}
    lines = overview(plan)
    for item in plan.items_with("invalid")[:limit]:
        # The reason starts with the position; a row without any name is named by it alone.
        name = record_name(form, item)
        lines.append(f"无效：{item.reason}" if name.startswith("（未写") else f"无效：{name}：{item.reason}")
    for item in plan.items_with("conflict")[:limit]:
        diffs = "；".join(f"{d.label}：本地“{d.local or ''}” / 导入“{d.incoming or ''}”" for d in item.diffs[:4])
        lines.append(f"冲突：{record_label(form, item)}：{item.reason} {diffs}".rstrip())
    for item in plan.items_with("changed")[:limit]:
        diffs = "；".join(f"{d.label}：“{d.local or ''}” → “{d.incoming or ''}”" for d in item.diffs[:4])
        lines.append(f"更新：{record_label(form, item)}：{diffs}")
    drafts = [f"{record_name(form, item)}，{line}" for item in plan.items if item.status in ("new", "changed")
              for line in item.problem_lines(labels)]
    for line in drafts[:limit]:
        lines.append(f"待补：{line}")
    return lines + duplicate_lines(plan, limit)
