"""Before a list leaves the app: what is not ready yet, in sentences an officer can act on.

The window shows these in one dialog (仍然导出 / 去修改); the command line prints them as
warnings. Nothing here stops an export: the officer decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from forms import FORMS, PROFILE
from forms.validation import problems
from storage import Store
from storage.merge_apply import table_of
from storage.stats import likely_duplicates

SHOWN = 8  # records named per heading; the rest are counted


@dataclass
class Draft:
    record_id: str
    name: str
    problems: list[str]


@dataclass
class Preflight:
    form_id: str
    total: int = 0
    drafts: list[Draft] = field(default_factory=list)
    profile_problems: list[str] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)  # per group: "name（unit）"
    no_level: list[str] = field(default_factory=list)  # names of needs without a coordination level

    @property
    def ready(self) -> bool:
        return not (self.drafts or self.profile_problems or self.duplicates or self.no_level)

    def sections(self) -> list[tuple[str, list[str]]]:
        """(heading, lines) per kind of problem, in the order they are worth fixing."""
        noun = FORMS[self.form_id].noun
        out: list[tuple[str, list[str]]] = []
        if self.profile_problems:
            out.append(("填报单位信息不完整，导出的文件表头会缺项。请在“设置 → 填报单位信息”中补全：",
                        self.profile_problems))
        if self.drafts:
            lines = [f"{d.name}：{'；'.join(p.rstrip('。') for p in d.problems)}。" for d in self.drafts[:SHOWN]]
            out.append((f"{len(self.drafts)} 条{noun}是草稿（共 {self.total} 条），填写有误或缺项的内容会在 Excel 中标红：",
                        _more(lines, len(self.drafts))))
        if self.no_level:
            out.append((f"{len(self.no_level)} 条{noun}没有选择协调层级，上级无法判断是否需要协调：",
                        _more(self.no_level[:SHOWN], len(self.no_level))))
        if self.duplicates:
            lines = ["、".join(group) for group in self.duplicates[:SHOWN]]
            out.append((f"{len(self.duplicates)} 组疑似重复（不同单位报了同一企业的同类需求），"
                        "可在“汇总 → 疑似重复”中核对：", _more(lines, len(self.duplicates))))
        return out

    def text(self) -> str:
        return "\n".join(f"{heading}\n" + "\n".join(f"  · {line}" for line in lines)
                         for heading, lines in self.sections())


def _more(lines: list[str], total: int) -> list[str]:
    return lines + ([f"……另有 {total - len(lines)} 条"] if total > len(lines) else [])


def check(store: Store, form_id: str, ids: Sequence[str] | None = None, consolidated: bool = False) -> Preflight:
    """What exporting these records would send out that is not ready. Reads only."""
    form = FORMS[form_id]
    rows = table_of(store, form_id).rows(ids)
    name_key = form.subject_field or form.fields[0].key
    level = next((f for f in form.fields if f.choices == "coord_levels"), None)
    report = Preflight(form_id, total=len(rows))
    for n, row in enumerate(rows, 1):
        name = str(row.get(name_key) or "").strip() or f"第 {n} 条（未填名称）"
        if consolidated and row.get("unit"):
            name = f"{name}（{row['unit']}）"
        # ``complete`` is kept up to date on every write; only drafts need their problems spelled out.
        found = {} if row.get("complete") else problems(form, row, store.choices)
        if found:
            report.drafts.append(Draft(row["id"], name, list(found.values())))
        if level is not None and not row.get(level.key):
            report.no_level.append(name)
    if not store.has_profile():
        report.profile_problems = ["还没有填写填报单位信息。"]
    elif not consolidated:
        report.profile_problems = list(problems(PROFILE, store.profile(), store.choices).values())
    if form.hint_fields:
        exported = {row["id"] for row in rows}
        for group in likely_duplicates(store):
            if any(r["id"] in exported for r in group):
                report.duplicates.append([f"{r['subject_name']}（{r['unit'] or '未知单位'}）" for r in group])
    return report
