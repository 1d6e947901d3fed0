"""Merging colleagues' files into the database without duplicates or silent overwrites.

``preview(store, result)`` compares the rows read by :func:`exports.reader.read_file`
with the records here and returns an :class:`ImportPlan`; nothing is written.
``apply(store, plan, decisions)`` writes it in one transaction as an import
batch that ``undo_batch`` can revert; ``history`` lists the batches.

Identity — which record here an incoming row is:
  1. the UUID from the file's metadata sheet (our own exports), when a record
     here has it;
  2. otherwise the natural key: for a need 填报单位 + 需求主体名称 (width, spaces,
     brackets and 有限公司-style suffixes folded) + 需求内容; for a case 填报单位 +
     案例名称. A record is found under the key it was imported with and under
     the key of its current values, so importing the same hand-filled file twice
     adds nothing even after the supervisor corrected a record here.

Classification of a matched row (``digest`` = forms.identity.record_digest of the visible fields):
  identical  the incoming values equal the record here, or equal what was last
             imported for it (the colleague changed nothing; edits made here stay);
  changed    the values differ and the record here is untouched since it was
             imported (its digest still equals ``import_digest``) → update it;
  conflict   the values differ and the record here was edited since, was entered
             here, was deleted here, or the file is older than what was imported
             → the officer decides: keep mine / take theirs / keep both.
An unmatched row is ``new``; a row that cannot be a record at all (a need with
neither 需求主体名称 nor 需求内容, a case with neither name nor content) is ``invalid``
and is reported with its position but not imported. Rows that are merely
incomplete are imported as drafts, with their problems listed, as the window
does for records typed in.

Runs on whatever thread owns ``store`` (the import worker opens its own Store).
"""

from __future__ import annotations

import difflib

from forms import FORMS
from forms.cases import CONTENT_GROUP
from forms.fields import Form
from forms.identity import record_digest, subject_key
from forms.incoming import IncomingRow, ReadResult
from forms.progress import Progress, check
from forms.reference import ChoiceLists, fold, region_in_text
from forms.validation import normalise, problems
from storage.merge_apply import apply, history, table_of, undo_batch
from storage.merge_model import (
    CHANGED,
    CONFLICT,
    DECISION_LABELS,
    DECISIONS,
    IDENTICAL,
    INVALID,
    KEEP_BOTH,
    KEEP_MINE,
    NEW,
    STATUS_LABELS,
    STATUSES,
    TAKE_THEIRS,
    BatchSummary,
    DuplicateHint,
    FieldDiff,
    ImportPlan,
    MergeError,
    PlanItem,
    UndoSummary,
    case_natural_key,
    record_natural_key,
)
from storage.records import new_id
from storage.store import Store

__all__ = [
    "CHANGED", "CONFLICT", "DECISIONS", "DECISION_LABELS", "IDENTICAL", "INVALID", "KEEP_BOTH", "KEEP_MINE", "NEW",
    "STATUSES", "STATUS_LABELS", "TAKE_THEIRS", "BatchSummary", "DuplicateHint", "FieldDiff", "ImportPlan",
    "MergeError", "PlanItem", "UndoSummary", "apply", "case_natural_key", "history", "preview", "record_natural_key", "undo_batch",
]

_SIMILAR = 0.6  # difflib ratio above which two needs' contents count as “similar”
_MAX_HINTS_PER_ROW = 3


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _same(a: object, b: object) -> bool:
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    return a == b


class _Index:
    """A light view of every record of one table, deleted ones included: enough to match rows
    and to flag likely duplicates without loading whole records."""

    def __init__(self, store: Store, form: Form) -> None:
        self.form = form
        table = table_of(store, form.id)
        names = ["subject_name", "content", "credit_code", "category"] if form.id == "needs" else ["name"]
        cols = ", ".join(f"[{c}]" for c in ["id", "unit", "origin", "deleted_at", "natural_key", *names])
        self.rows: dict[str, dict] = {}
        self.by_key: dict[str, list[str]] = {}
        sql = f"select {cols} from [{table.table}] order by deleted_at is not null, seq"
        for r in store.db.query(sql):
            self.rows[r["id"]] = r
            keys = {record_natural_key(form, r["unit"] or "", r)}
            if r["natural_key"]:
                keys.add(r["natural_key"])  # the key it was imported under
            for key in keys:
                self.by_key.setdefault(key, []).append(r["id"])


def preview(store: Store, result: ReadResult, progress: Progress | None = None) -> ImportPlan:
    """What importing ``result`` would do. Reads the database, writes nothing."""
    form = FORMS[result.form_id]
    table = table_of(store, form.id)
    choices = store.choices
    index = _Index(store, form)
    header = result.header
    plan = ImportPlan(form.id, result.file_name, result.file_hash, header.unit, header.city, header.district, [])
    _warn(store, result, plan)
    defaults = {f.key: f.default for f in form.fields if f.default is not None}
    claimed: set[str] = set()  # records already matched by an earlier row of this file
    new_ids: set[str] = set()
    cache: dict[tuple[str, str], object] = {}
    total = len(result.rows)
    for n, row in enumerate(result.rows):
        if n % 500 == 0:
            check(progress)
            if progress:
                progress.update(n, total, f"正在比对第 {n + 1:,} 条……")
        incoming = _renormalise(form, row.values, choices, cache)
        unit, city, district = _provenance(form, result, row, incoming)
        nk = record_natural_key(form, unit, incoming)
        if _unusable(form, incoming):
            plan.items.append(PlanItem(row, INVALID, incoming, unit, city, district, nk, "",
                                       reason=_invalid_reason(form, row)))
            continue
        local_id = _match(row, incoming, nk, index, table, claimed)
        if local_id is None:
            values = {f.key: incoming.get(f.key, defaults.get(f.key)) for f in form.fields}
            insert_id = row.id if row.id and row.id not in index.rows and row.id not in new_ids else new_id()
            new_ids.add(insert_id)
            plan.items.append(PlanItem(row, NEW, values, unit, city, district, nk, record_digest(form, values),
                                       insert_id=insert_id, problems=problems(form, values, choices)))
            continue
        claimed.add(local_id)
        local = table.get(local_id) or {}
        plan.items.append(_compare(form, row, incoming, local, unit, city, district, nk, choices))
    if form.id == "needs":
        plan.duplicates = _duplicates(plan, index)
    if progress:
        progress.update(total, total, plan.counts_text)
    return plan


def _warn(store: Store, result: ReadResult, plan: ImportPlan) -> None:
    for b in store.db.query("select file_name, imported_at from import_batches where file_hash = ? "
                            "and undone_at is null order by rowid", [result.file_hash]):
        plan.warnings.append(f"这个文件已于 {b['imported_at'][:16].replace('T', ' ')} 导入过（{b['file_name']}），"
                             "再次导入不会产生重复记录。")
        break
    if not result.header.unit and any(not r.extra.get("unit") for r in result.rows) and result.form_id == "needs":
        plan.warnings.append(f"“{result.file_name}”中没有找到“填报单位”。这些需求将不带填报单位导入，"
                             "建议先补填填报单位，以便识别不同单位报送的同一需求。")
    for note in result.notes:
        plan.warnings.append(note)


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
    if form.id == "cases":
        unit = unit or str(values.get("recommender") or "")
        return unit, str(values.get("city") or ""), str(values.get("district") or "")
    if row.extra.get("city"):
        return unit, row.extra["city"], row.extra.get("district", "")
    if row.extra.get("unit") and row.extra["unit"] != header.unit:
        city, district = region_in_text(row.extra["unit"])
        return unit, city, district
    return unit, header.city, header.district


def _unusable(form: Form, values: dict) -> bool:
    if form.id == "cases":
        return _blank(values.get("name")) and all(_blank(values.get(f.key)) for f in form.group_fields(CONTENT_GROUP))
    return _blank(values.get("subject_name")) and _blank(values.get("content"))


def _invalid_reason(form: Form, row: IncomingRow) -> str:
    if form.id == "cases":
        return f"{row.where('name')}：“案例名称”和案例内容都没有填写，无法作为一个案例导入。"
    where = row.where("subject_name") if "subject_name" in row.cells else row.where("content")
    return f"{where}：“需求主体名称”和“需求内容”都没有填写，无法作为一条需求导入。"


def _match(row: IncomingRow, incoming: dict, nk: str, index: _Index, table, claimed: set[str]) -> str | None:
    if row.id and row.id in index.rows and row.id not in claimed:
        known = index.rows[row.id]
        # An id taken from the row's position (the row was edited, so its digest did not
        # match) is trusted only if the record is recognisably the same one.
        if row.id_source != "position" or _recognisable(index.form, known, incoming):
            return row.id
    candidates = [i for i in index.by_key.get(nk, []) if i not in claimed]
    if len(candidates) > 1:
        # Several records share the key (the same need listed twice): prefer an equal one.
        digest = record_digest(index.form, incoming)
        for cid in candidates:
            local = table.get(cid) or {}
            if record_digest(index.form, {**{f.key: local.get(f.key) for f in index.form.fields},
                                          **incoming}) == digest:
                return cid
    return candidates[0] if candidates else None


def _recognisable(form: Form, known: dict, incoming: dict) -> bool:
    if form.id == "cases":
        return "name" not in incoming or fold(str(known.get("name") or "")) == fold(str(incoming["name"] or ""))
    same_subject = subject_key(str(known.get("subject_name") or "")) == subject_key(
        str(incoming.get("subject_name") or known.get("subject_name") or ""))
    same_content = fold(str(known.get("content") or "")) == fold(str(incoming.get("content") or known.get("content")
                                                                     or ""))
    return same_subject or same_content


def _compare(form: Form, row: IncomingRow, incoming: dict, local: dict, unit: str, city: str, district: str,
             nk: str, choices: ChoiceLists) -> PlanItem:
    local_values = {f.key: local.get(f.key) for f in form.fields}
    merged = {**local_values, **incoming}
    digest = record_digest(form, merged)
    local_digest = record_digest(form, local_values)
    item = PlanItem(row, IDENTICAL, merged, unit, city, district, nk, digest, local_id=local["id"],
                    local_digest=local_digest, problems=problems(form, merged, choices))
    deleted = bool(local.get("deleted_at"))
    stored = local.get("import_digest") or ""
    item.diffs = [FieldDiff(f.key, f.label, local_values[f.key], merged[f.key])
                  for f in form.fields if not _same(local_values[f.key], merged[f.key])]
    if digest == local_digest:
        item.reason = "本地已删除这条记录，导入的内容与删除前相同，保持删除。" if deleted else "内容相同。"
        return item
    if digest == stored:
        item.reason = ("对方没有修改这条记录，本地已删除，保持删除。" if deleted
                       else "对方没有修改这条记录，本地所做的修改保留。")
        return item
    stale = bool(row.meta_updated_at and local.get("source_updated_at")
                 and row.meta_updated_at < local["source_updated_at"])
    if local.get("origin") == "import" and stored == local_digest and not deleted and not stale:
        item.status = CHANGED
        item.reason = "对方修改了这条记录，本地未改动过，将更新为对方的内容。"
        return item
    item.status = CONFLICT
    if deleted:
        item.reason = "本地已删除这条记录，但对方修改了它。"
    elif stale:
        item.reason = (f"导入文件中的这条记录（{row.meta_updated_at[:16].replace('T', ' ')}）"
                       f"比已导入的版本（{str(local['source_updated_at'])[:16].replace('T', ' ')}）旧。")
    elif local.get("origin") != "import":
        item.reason = "这条记录是本地录入的，导入文件中的内容与它不同。"
    else:
        item.reason = "本地在上次导入后修改过这条记录，对方也修改了它。"
    return item


# ---- likely duplicates -----------------------------------------------------------------


def similar_content(a: str, b: str) -> bool:
    """Two need descriptions that say nearly the same thing (after folding width and spaces)."""
    a, b = fold(a), fold(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # The quick upper bounds rule most pairs out before the costly ratio.
    return matcher.real_quick_ratio() >= _SIMILAR and matcher.quick_ratio() >= _SIMILAR and matcher.ratio() >= _SIMILAR


def _duplicates(plan: ImportPlan, index: _Index) -> list[DuplicateHint]:
    """Incoming needs whose enterprise already has a similar need here: from another unit
    (two offices reporting the same enterprise), or from the same unit under another
    wording (a hand-filled row whose 需求内容 was edited gets a new natural key)."""
    by_code: dict[str, list[dict]] = {}
    by_subject: dict[str, list[dict]] = {}

    def add(record: dict) -> None:
        if record.get("credit_code"):
            by_code.setdefault(str(record["credit_code"]), []).append(record)
        key = subject_key(str(record.get("subject_name") or ""))
        if key:
            by_subject.setdefault(key, []).append(record)

    for r in index.rows.values():
        if not r["deleted_at"]:
            add(r)
    hints: list[DuplicateHint] = []
    for item in plan.items:
        if item.status not in (NEW, CHANGED, CONFLICT):
            continue
        v = item.values
        seen: set[int] = set()
        found = 0
        pools = [by_code.get(str(v.get("credit_code") or ""), []) if v.get("credit_code") else [],
                 by_subject.get(subject_key(str(v.get("subject_name") or "")), [])]
        for record in (r for pool in pools for r in pool):
            if id(record) in seen or record.get("id") in (item.local_id, item.insert_id) or found >= _MAX_HINTS_PER_ROW:
                continue
            seen.add(id(record))
            reason = _duplicate_reason(item, record)
            if reason:
                found += 1
                hints.append(DuplicateHint(
                    item.key, item.row.where(), str(v.get("subject_name") or ""), item.unit,
                    None if record.get("_pending") else record.get("id"),
                    str(record.get("unit") or ""), str(record.get("subject_name") or ""),
                    str(record.get("category") or ""), str(record.get("content") or ""), reason))
        if item.status == NEW:
            # Later rows of a consolidated list are compared with this one too.
            add({**v, "id": item.insert_id, "unit": item.unit, "_pending": True})
    return hints


def _duplicate_reason(item: PlanItem, record: dict) -> str:
    v = item.values
    same_code = bool(v.get("credit_code")) and v.get("credit_code") == record.get("credit_code")
    same_category = bool(v.get("category")) and v.get("category") == record.get("category")
    similar = similar_content(str(v.get("content") or ""), str(record.get("content") or ""))
    if not (same_category or similar):
        return ""
    enterprise = "统一社会信用代码相同" if same_code else "需求主体名称相同"
    needs = "、".join(w for w, ok in (("需求类别相同", same_category), ("需求内容相近", similar)) if ok)
    if fold(item.unit) != fold(str(record.get("unit") or "")):
        other = record.get("unit") or "（未填单位）"
        return f"{enterprise}，{needs}：“{other}”也报送了这家单位的需求，请核对是否重复。"
    if fold(str(v.get("content") or "")) != fold(str(record.get("content") or "")):
        return f"同一填报单位、{enterprise}，{needs}：可能是修改了需求内容的同一条需求，请核对。"
    return ""
