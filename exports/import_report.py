"""What a person reads about an import: a file's preview and outcome as Chinese lines.

Shared by the command line and the window's preview dialog.
"""

from __future__ import annotations

from forms import FORMS
from storage.merge import ImportPlan


def describe(plan: ImportPlan, limit: int = 20) -> list[str]:
    """Lines a person reads about one file's plan: counts, warnings, and the rows that need a look."""
    form = FORMS[plan.form_id]
    labels = {f.key: f.label for f in form.fields}
    where_from = plan.unit or "（未写填报单位）"
    lines = [f"{form.short_title}，填报单位：{where_from}", plan.counts_text]
    lines += [f"提示：{w}" for w in plan.warnings]
    for item in plan.items_with("invalid")[:limit]:
        lines.append(f"无效：{item.reason}")  # the reason starts with the position
    for item in plan.items_with("conflict")[:limit]:
        diffs = "；".join(f"{d.label}：本地“{d.local or ''}” / 导入“{d.incoming or ''}”" for d in item.diffs[:4])
        lines.append(f"冲突：{item.row.where()}：{item.reason} {diffs}".rstrip())
    for item in plan.items_with("changed")[:limit]:
        diffs = "；".join(f"{d.label}：“{d.local or ''}” → “{d.incoming or ''}”" for d in item.diffs[:4])
        lines.append(f"更新：{item.row.where()}：{diffs}")
    drafts = [line for item in plan.items if item.status in ("new", "changed") for line in item.problem_lines(labels)]
    for line in drafts[:limit]:
        lines.append(f"待补：{line}")
    for hint in plan.duplicates[:limit]:
        lines.append(f"疑似重复：{hint.where}“{hint.subject_name}”（{hint.unit}）与“{hint.other_subject}”"
                     f"（{hint.other_unit}）：{hint.reason}")
    return lines
