"""The part of planning a file that does not depend on the database: done once per row, and,
in a folder import, inside the processes that read the files (exports.importing), so the one
process that plans and writes does only what needs the state.

``prepare(result, choices)`` returns a :class:`PreparedResult`: the file as read plus, per row,
its values against the choice lists, its owner, matching key, version, whether it can be a
record at all and — were it new — its values, digest, problems and group digests. Planning
uses them when present and computes the same thing itself otherwise (storage.merge._plan), so
a prepared and an unprepared file plan alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from forms import FORMS
from forms.fields import Form
from forms.identity import group_digests, record_digest, record_key, subject_key
from forms.incoming import IncomingRow, ReadResult
from forms.reference import ChoiceLists, region_in_text
from forms.validation import normalise, problems
from storage.merge_state import parse_when

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(slots=True)
class Prepared:
    """What planning needs of one row, whatever the database holds."""

    incoming: dict
    unit: str
    city: str
    district: str
    natural_key: str
    version: str
    invalid: str | None  # the Chinese reason when the row cannot be a record, else None
    values: dict | None = None  # as a new record: every field, defaults filled in
    digest: str = ""
    problems: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    subject: str | None = None  # subject_key of the new record's 需求主体名称 (forms with hints)

    def as_new(self, form: Form, choices: ChoiceLists, checked: dict[str, str] | None = None) -> Prepared:
        """Fill the new-record part (when the row turns out to be new and it was not done ahead).
        ``checked``: the problems of these very values with these choices, when known."""
        if self.values is None:
            defaults = {f.key: f.default for f in form.fields if f.default is not None}
            self.values = {f.key: self.incoming.get(f.key, defaults.get(f.key)) for f in form.fields}
            self.digest = record_digest(form, self.values)
            self.problems = dict(checked) if checked is not None else problems(form, self.values, choices)
        return self


@dataclass
class PreparedResult(ReadResult):
    prepared: list[Prepared] = field(default_factory=list)  # one per row of ``rows``


def prepare(result: ReadResult, choices: ChoiceLists, ahead: bool = True) -> PreparedResult:
    """``result`` with each row prepared; ``ahead`` also works out each row as a new record.
    ``choices`` must be the lists ``result`` was read with."""
    form = FORMS[result.form_id]
    out = PreparedResult(**{k: getattr(result, k) for k in ReadResult.__dataclass_fields__})
    out.prepared = prepare_rows(form, result, choices, ahead)
    return out


def prepare_rows(form: Form, result: ReadResult, choices: ChoiceLists, ahead: bool = False) -> list[Prepared]:
    cache: dict[tuple[str, str], object] = {}
    out: list[Prepared] = []
    for row in result.rows:
        incoming = _renormalise(form, row.values, choices, cache)
        unit, city, district = _provenance(form, result, row, incoming)
        nk = record_key(form, unit, incoming)
        version = _version(row, result)
        invalid = None
        if row.invalid or _unusable(form, incoming):
            invalid = "；".join(row.invalid) if row.invalid else _invalid_reason(form, row)
        p = Prepared(incoming, unit, city, district, nk, version, invalid)
        if ahead and invalid is None:
            # The reader checked the row with these choices and the defaults filled in
            # (exports.reading.tables.row_problems): the same check, unless renormalising changed a value.
            p.as_new(form, choices, row.problems if incoming == row.values else None)
            p.groups = group_digests(form, p.values)
            if form.hint_fields:
                p.subject = subject_key(str(p.values.get("subject_name") or ""))
        out.append(p)
    return out


def _version(row: IncomingRow, result: ReadResult) -> str:
    """When this row's values were last changed: the record's own time in an app export whose
    row is unchanged since, else the time the file was saved (a row edited after export included)."""
    if row.meta_updated_at and row.id_source == "digest":
        return row.meta_updated_at
    candidates = [t for t in (row.meta_updated_at, result.saved_at) if t]
    if not candidates:
        return ""
    return max(candidates, key=lambda t: parse_when(t) or _EPOCH)


def _renormalise(form: Form, values: dict, choices: ChoiceLists, cache: dict[tuple[str, str], object]) -> dict:
    """Choice values again, against this database's lists (officers add their own values)."""
    out = dict(values)
    for key, value in values.items():
        f = form.field(key)
        if f.is_choice and isinstance(value, str) and value:
            if (key, value) not in cache:
                cache[(key, value)] = normalise(f, value, choices)
            out[key] = cache[(key, value)]
    return out


def _provenance(form: Form, result: ReadResult, row: IncomingRow, values: dict) -> tuple[str, str, str]:
    """(unit, city, district) the record belongs to: the row's own columns in a consolidated
    list, else the file's header block, else its metadata; a case falls back to 推荐单位."""
    header = result.header
    unit = row.extra.get("unit") or header.unit
    if form.region_in_fields:
        unit = unit or str(values.get("recommender") or "")
        return unit, str(values.get("city") or ""), str(values.get("district") or "")
    if row.extra.get("city"):
        return unit, row.extra["city"], row.extra.get("district", "")
    if row.extra.get("unit") and row.extra["unit"] != header.unit:
        city, district = region_in_text(row.extra["unit"])
        return unit, city, district
    return unit, header.city, header.district


def _unusable(form: Form, values: dict) -> bool:
    return all(_blank(values.get(key)) for key in form.required_any)


def _invalid_reason(form: Form, row: IncomingRow) -> str:
    where = row.where(next((k for k in form.required_any if k in row.cells), form.required_any[0]))
    first, *rest = [form.field(k).label for k in form.required_any]
    named = f"“{first}”和{form.noun}内容" if len(rest) > 1 else f"“{first}”和“{rest[0]}”"
    return f"{where}：{named}都没有填写，无法作为一条{form.noun}导入。"


