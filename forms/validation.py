"""Record-level validation, driven by the field declarations.

An invalid record is never refused: it is kept as a draft and the problems are
shown next to the fields. ``problems`` returns {field key: Chinese sentence}.
"""

from __future__ import annotations

from collections.abc import Mapping

from forms import rules
from forms.fields import Field, Form, Kind
from forms.reference import ChoiceLists, builtin_choices, regions


def normalise(field: Field, raw: object, choices: ChoiceLists | None = None) -> object:
    """What gets stored for a typed, pasted or imported value.

    Choice values are mapped to their canonical spelling when recognised
    ("国家局" -> "需国家知识产权局协调"); unrecognised text is kept as typed so
    that nothing the officer wrote is lost, and validation flags it.
    """
    if field.is_number:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        parsed = rules.parse_int(raw)
        return parsed if parsed is not None else rules.clean_text(raw)
    if field.kind == Kind.DATE:
        parsed_date = rules.parse_date(raw)
        if parsed_date:
            return parsed_date.isoformat()
        return rules.clean_text(raw)
    text = rules.clean_text(raw, multiline=field.kind == Kind.LONGTEXT)
    if field.kind == Kind.CREDIT_CODE and text:
        return rules.normalise_credit_code(text)
    if field.kind == Kind.PHONE and text:
        return rules.normalise_phone(text)
    if field.is_choice and field.choices and text:
        canonical = (choices or builtin_choices()).normalise(field.choices, text)
        return canonical or text
    return text


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_field(field: Field, value: object, choices: ChoiceLists | None = None) -> str | None:
    if _empty(value):
        return f"“{field.label}”必填。" if field.required else None
    if field.is_number:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"“{field.label}”应填整数，现在是“{value}”。"
        if value < 0:
            return f"“{field.label}”不能为负数。"
        if field.kind == Kind.YEAR and not 2000 <= value <= 2100:
            return f"“{field.label}”应为四位年份，如 2023。"
        return None
    text = str(value)
    if field.max_len and len(text) > field.max_len:
        return f"“{field.label}”最多 {field.max_len} 个字，现在 {len(text)} 个字。"
    if field.kind == Kind.CREDIT_CODE:
        return rules.check_credit_code(text)
    if field.kind == Kind.PHONE:
        return rules.check_phone(text)
    if field.kind == Kind.EMAIL:
        return rules.check_email(text)
    if field.kind == Kind.DATE and rules.parse_date(text) is None:
        return f"“{field.label}”应为日期，如 2023-05-18。"
    if field.kind == Kind.CHOICE and field.choices:
        allowed = (choices or builtin_choices()).values(field.choices)
        if text not in allowed:
            return f"“{field.label}”应从下拉列表中选择，“{text}”不在列表中。"
    if field.kind == Kind.CITY and text not in regions().districts:
        return f"“{text}”不是福建省的设区市。"
    return None


def problems(form: Form, record: Mapping[str, object], choices: ChoiceLists | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for field in form.fields:
        message = check_field(field, record.get(field.key), choices)
        if message:
            out[field.key] = message
    city_field = next((f for f in form.fields if f.kind == Kind.CITY), None)
    district_field = next((f for f in form.fields if f.kind == Kind.DISTRICT), None)
    if city_field and district_field and district_field.key not in out:
        city = str(record.get(city_field.key) or "")
        district = str(record.get(district_field.key) or "")
        if district and not regions().is_valid(city, district):
            out[district_field.key] = f"“{district}”不属于“{city or '（未选设区市）'}”。"
    for group, limit in form.group_limits.items():
        used = group_length(form, record, group)
        if used > limit:
            first = form.group_fields(group)[0]
            labels = "、".join(f.label for f in form.group_fields(group))
            out.setdefault(first.key, f"{labels}合计最多 {limit} 字，现在 {used} 字，请精简。")
    return out


def group_length(form: Form, record: Mapping[str, object], group: str) -> int:
    return sum(len(str(record.get(f.key) or "")) for f in form.group_fields(group))


def is_complete(form: Form, record: Mapping[str, object], choices: ChoiceLists | None = None) -> bool:
    return not problems(form, record, choices)
