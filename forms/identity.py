"""How records are recognised across files: digests and matching keys."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

from forms.fields import Form
from forms.reference import fold

_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司")


def record_digest(form: Form, record: Mapping[str, object]) -> str:
    """A short hash of the visible field values: equal digests mean equal records."""
    values = []
    for f in form.fields:
        v = record.get(f.key)
        if v is None or v == "":
            v = ""
        elif isinstance(v, str):
            v = v.strip()
        values.append(v)
    blob = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: a lone surrogate pasted from a broken file must not crash a digest.
    return hashlib.sha1(blob.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def group_digest(form: Form, record: Mapping[str, object], owner: str) -> str:
    """A short hash of one owner group's values (``Form.owners``): equal digests mean that
    side's part of the record is equal. A field's default counts as blank, so a file
    with an empty 办理状态 column equals a record still 待对接."""
    values = []
    for f in form.owner_fields(owner):
        v = record.get(f.key)
        if isinstance(v, str):
            v = v.strip()
        if v is None or v == "" or (f.default is not None and v == f.default):
            v = ""
        values.append(v)
    blob = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(blob.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def group_digests(form: Form, record: Mapping[str, object]) -> dict[str, str]:
    return {owner: group_digest(form, record, owner) for owner in form.owner_groups}


def subject_key(name: str) -> str:
    """Enterprise name folded for duplicate detection: width, spaces, brackets and
    the company-form suffix (有限公司 / 有限责任公司 ...) do not count."""
    key = fold(name)
    key = re.sub(r"[()（）\[\]【】]", "", key)
    for suffix in _COMPANY_SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    return key


def natural_key(unit: str, subject_name: str, content: str) -> str:
    """Identity of a hand-filled need that carries no UUID."""
    return "|".join((fold(unit), subject_key(subject_name), fold(content)))


def record_key(form: Form, unit: str, values: Mapping[str, object]) -> str:
    """Identity of a row that carries no UUID: its unit and the form's identity fields, folded."""
    parts = [fold(unit)]
    for key in form.identity_fields:
        text = str(values.get(key) or "")
        parts.append(subject_key(text) if key == form.subject_field else fold(text))
    return "|".join(parts)
