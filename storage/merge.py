"""Merging colleagues' files into the database without duplicates or silent overwrites.

One pipeline for one file or a thousand: a :class:`MergeSession` plans each
file against the records *as the files before it leave them* (a
:class:`~storage.merge_state.MergeState`), so duplicates between the files of
one import are found, a folder import ends where one-file-at-a-time imports
end, and a rerun after a crash converges. ``session.plan(result)`` returns an
:class:`ImportPlan` and, in a preview, remembers what the file would write
without writing it; ``session.apply(plan, decisions)`` writes one file in one
transaction as an import batch that ``undo_batch`` can revert. ``preview`` and
``apply`` below are the one-file shorthand; ``history`` lists the batches.

Identity — which record here an incoming row is:
  1. the UUID from the file's metadata sheet (our own exports), when a record
     here has it;
  2. otherwise the natural key: for a need 填报单位 + 需求主体名称 (width, spaces,
     brackets and 有限公司-style suffixes folded) + 需求内容; for a case 填报单位 +
     案例名称. A record is found under the key it was imported with and under
     the key of its current values, so importing the same hand-filled file twice
     adds nothing even after the supervisor corrected a record here.

Classification of a matched row, owner group by owner group (``Form.owners``: for a need
the reporting unit's content and the matcher's 办理状态/匹配资源/对接反馈/反馈单位/反馈日期;
digests by forms.identity.group_digest, bases in storage/bases.py):
  same       the file's group equals the record's here;
  keep       the file carries a version of the group already exchanged (its sender did not
             change it since), or an older one: the group here stays, no question asked;
  take       the sender changed the group and it is unchanged here since the last
             exchange → the group is updated;
  conflict   both sides changed the same group since the last exchange (or the record
             was deleted here) → the officer decides: keep mine / take theirs / keep both.
The record is a conflict when any group is, else changed when any group takes, else
identical; keeping mine still takes the groups only the sender changed. A record with no
base yet (entered here, or imported before bases were kept) follows the whole-record rules:
identical when the values equal what was last imported, changed when the record is
untouched since its import, and a group still blank here takes what arrives.
A matched row whose version (the record's time in an app export, else the time
the file was saved) is older than the version already imported or declined is
``identical`` too: an older copy never overwrites a newer one and never asks
again, whichever order the files arrive in.
An unmatched row is ``new`` — unless the database does not consolidate (its profile names a
district) and the row is another unit's: then it is left out and counted (``plan.other_units``,
“其他单位的需求 N 条，不导入”) unless the session was made with ``include_other_units``.
A row that cannot be a record at all (a need with neither 需求主体名称 nor 需求内容,
a case with neither name nor content) is ``invalid``
and is reported with its position but not imported. Rows that are merely
incomplete are imported as drafts, with their problems listed, as the window
does for records typed in.

Runs on whatever thread owns ``store`` (the import worker opens its own Store).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping

from forms import FORMS
from forms.fields import Form
from forms.identity import group_digest, group_digests, record_digest, subject_key
from forms.incoming import IncomingRow, ReadResult
from forms.profile import consolidates, is_own
from forms.progress import Progress, check
from forms.reference import ChoiceLists, fold
from forms.validation import problems
from storage import bases as owner_bases
from storage.merge_apply import apply_plan, history, table_of, undo_batch
from storage.merge_plan import (
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
    ItemView,
    MergeError,
    PlanItem,
    PlanView,
    UndoSummary,
)
from storage.merge_prepare import PreparedResult, prepare_rows
from storage.merge_state import MergeState, older, parse_when
from storage.records import derived_id, new_id
from storage.store import Store

__all__ = [
    "CHANGED", "CONFLICT", "DECISIONS", "DECISION_LABELS", "IDENTICAL", "INVALID", "KEEP_BOTH", "KEEP_MINE", "NEW",
    "STATUSES", "STATUS_LABELS", "TAKE_THEIRS", "BatchSummary", "DuplicateHint", "FieldDiff", "ImportPlan",
    "ItemView", "MergeError", "MergeSession", "PlanItem", "PlanView", "UndoSummary", "apply", "history", "preview", "undo_batch",
]

# How one owner group of a matched row relates to the record here (storage/bases.py).
SAME, KEEP, TAKE = "same", "keep", "take"

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
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


class MergeSession:
    """One import: the files planned (and applied) one after another against one state.

    Create one per import and per thread; plan the files in a fixed order. In a
    preview, ``plan`` remembers what each file would write (default decisions) so
    the next file is planned against it; nothing touches the database. In an
    import, call ``apply`` after each ``plan``: the file is written in its own
    transaction and the state follows the database.
    """

    def __init__(self, store: Store, include_other_units: bool = False) -> None:
        self.store = store
        # A unit that does not consolidate (a district) takes only its own records from a file;
        # other units' records are counted and left out unless this is set.
        profile = store.profile()
        self.own_only = None if include_other_units or consolidates(profile) else profile
        self._states: dict[str, MergeState] = {}
        self._seen_hashes: dict[str, str] = {}  # file hash -> name of the first file of this import
        self._imported: dict[str, tuple[str, str]] | None = None  # file hash -> its first batch (see imported)

    def close(self) -> None:
        """Remove what the states put aside on disk (a preview's pending records)."""
        for state in self._states.values():
            state.close()

    def state(self, form_id: str) -> MergeState:
        if form_id not in self._states:
            self._states[form_id] = MergeState(table_of(self.store, form_id))
        return self._states[form_id]

    def plan(self, result: ReadResult, progress: Progress | None = None, simulate: bool = True) -> ImportPlan:
        """What importing ``result`` would do now. With ``simulate`` (a preview), the
        state then holds what it would write with the default decisions."""
        state = self.state(result.form_id)
        own_only = self.own_only if state.form.own_records_only else None
        plan = _plan(self.store, state, result, progress, own_only, self.imported)
        twin = self._seen_hashes.setdefault(result.file_hash, result.file_name)
        if twin != result.file_name:
            plan.warnings.insert(0, f"与本次导入的另一个文件“{twin}”内容完全相同，不会重复导入。")
        if simulate:
            apply_plan(self.store, plan, state, simulate=True)
        return plan

    def imported(self, file_hash: str) -> tuple[str, str] | None:
        """(file name, imported at) of the first batch, not undone, of a file with this hash: the
        batches are read once per import (a per-file query scanned them all, 3,000 times) and
        this import's own are added as they are written."""
        if self._imported is None:
            self._imported = {}
            for b in self.store.db.query("select file_hash, file_name, imported_at from import_batches "
                                         "where undone_at is null order by rowid"):
                self._imported.setdefault(b["file_hash"], (b["file_name"], b["imported_at"]))
        return self._imported.get(file_hash)

    def apply(self, plan: ImportPlan, decisions: Mapping[str, str] | None = None, default: str = KEEP_MINE,
              progress: Progress | None = None) -> BatchSummary:
        """Write ``plan`` (planned with ``simulate=False``) in one transaction."""
        summary = apply_plan(self.store, plan, self.state(plan.form_id), decisions, default, progress)
        if summary.batch_id and self._imported is not None and plan.file_hash not in self._imported:
            found = self.store.db.execute("select file_name, imported_at from import_batches where id = ?",
                                          [summary.batch_id]).fetchone()
            if found:
                self._imported[plan.file_hash] = (found[0], found[1])
        return summary


def preview(store: Store, result: ReadResult, progress: Progress | None = None,
            include_other_units: bool = False) -> ImportPlan:
    """What importing one file would do. Reads the database, writes nothing."""
    return MergeSession(store, include_other_units).plan(result, progress, simulate=False)


def apply(store: Store, plan: ImportPlan, decisions: Mapping[str, str] | None = None, default: str = KEEP_MINE,
          progress: Progress | None = None) -> BatchSummary:
    """Write one file's plan in one transaction (re-checked against the records as they are now)."""
    return MergeSession(store).apply(plan, decisions, default, progress)


def _plan(store: Store, state: MergeState, result: ReadResult, progress: Progress | None,
          own_only: dict | None = None,
          imported: Callable[[str], tuple[str, str] | None] | None = None) -> ImportPlan:
    form = FORMS[result.form_id]
    choices = store.choices
    header = result.header
    plan = ImportPlan(form.id, result.file_name, result.file_hash, header.unit, header.city, header.district, [])
    _warn(store, result, plan, imported)
    claimed: set[str] = set()  # records already matched by an earlier row of this file
    new_ids: set[str] = set()
    plan.peer = _correspondent(store, result)
    peer = plan.peer or None
    # The reader normalised and validated each row with these lists: take its work as it is.
    checked = result.choices is not None and result.choices == choices
    defaults = {f.key: f.default for f in form.fields if f.default is not None}
    ready = result.prepared if isinstance(result, PreparedResult) else prepare_rows(form, result, choices)
    total = len(result.rows)
    for n, (row, p) in enumerate(zip(result.rows, ready, strict=True)):
        if n % 500 == 0:
            check(progress)
            if progress:
                progress.update(n, total, f"正在比对第 {n + 1:,} 条……")
        incoming, unit, city, district, nk, version = p.incoming, p.unit, p.city, p.district, p.natural_key, p.version
        if p.invalid is not None:
            plan.items.append(PlanItem(row, INVALID, incoming, unit, city, district, nk, "", version=version,
                                       reason=p.invalid))
            continue
        local_id = _match(row, incoming, nk, state, claimed)
        if local_id is None and own_only is not None and not is_own(own_only, unit, city, district):
            plan.other_units += 1
            continue
        if local_id is None:
            p.as_new(form, choices, row.problems if checked and p.incoming == row.values else None)
            insert_id = _insert_id(form, row, nk, state, new_ids)
            new_ids.add(insert_id)
            item = PlanItem(row, NEW, p.values, unit, city, district, nk, p.digest, insert_id=insert_id,
                            version=version, problems=p.problems)
            item.group_digests = p.groups
            item.subject = p.subject
            plan.items.append(item)
            continue
        claimed.add(local_id)
        local = state.record(local_id) or {}
        item = _compare(form, row, incoming, local, unit, city, district, nk, version, choices,
                        defaults if checked else None, peer)
        if item.status == IDENTICAL and state.written_by(local_id):
            item.reason = f"与本次导入的另一个文件“{state.written_by(local_id)}”中的同一条{form.noun}相同。"
        plan.items.append(item)
    if form.hint_fields:
        plan.duplicates = _duplicates(plan, state)
    if plan.other_units:
        plan.warnings.append(f"其他单位的{form.noun} {plan.other_units:,} 条，不导入。本单位只接收自己的{form.noun}及其对接反馈；"
                             f"如本单位负责汇总，请选择“同时导入其他单位的{form.noun}”。")
    stale = sum(1 for i in plan.items if i.status == IDENTICAL and i.reason.startswith("导入文件中的这条"))
    if stale:
        plan.warnings.append(f"有 {stale} 条{form.noun}比已导入的版本旧，保留较新的版本，不会导入。")
    if progress:
        progress.update(total, total, plan.counts_text)
    return plan


def _first_import(store: Store, file_hash: str) -> tuple[str, str] | None:
    """(file name, imported at) of the first batch, not undone, of a file with this hash."""
    for b in store.db.query("select file_name, imported_at from import_batches where file_hash = ? "
                            "and undone_at is null order by rowid limit 1", [file_hash]):
        return b["file_name"], b["imported_at"]
    return None


def _warn(store: Store, result: ReadResult, plan: ImportPlan,
          imported: Callable[[str], tuple[str, str] | None] | None = None) -> None:
    first = imported(result.file_hash) if imported else _first_import(store, result.file_hash)
    if first:
        plan.warnings.append(f"这个文件已于 {first[1][:16].replace('T', ' ')} 导入过（{first[0]}），"
                             "再次导入不会产生重复记录。")
    if not result.header.unit and any(not r.extra.get("unit") for r in result.rows) and not FORMS[result.form_id].region_in_fields:
        plan.warnings.append(f"“{result.file_name}”中没有找到“填报单位”。这些需求将不带填报单位导入，"
                             "建议先补填填报单位，以便识别不同单位报送的同一需求。")
    for note in result.notes:
        plan.warnings.append(note)


def _correspondent(store: Store, result: ReadResult) -> str:
    """Who sent the file (storage.bases.peer_key), for the bases kept per correspondent: the
    unit whose app wrote it, else its 填报单位. "" for our own unit: a file of ours coming
    back, edited by whoever, is compared with what we sent to everyone."""
    meta = result.meta
    sender = meta.sender if meta is not None and meta.sender else result.header.unit
    key = owner_bases.peer_key(sender)
    return "" if key == owner_bases.peer_key(store.profile().get("unit")) else key


def _insert_id(form: Form, row: IncomingRow, nk: str, state: MergeState, taken: set[str]) -> str:
    """The id a new record gets: the file's own (an app export) when it is free here, else
    one made from the record's identity (the same whatever file brings it first), else a
    fresh one (an identity seen twice, a blank one)."""
    for candidate in (row.id, derived_id(form.id, nk) if nk else None):
        if candidate and candidate not in state.rows and candidate not in taken:
            return candidate
    return new_id()


def _match(row: IncomingRow, incoming: dict, nk: str, state: MergeState, claimed: set[str]) -> str | None:
    form = state.form
    if row.id and row.id in state.rows and row.id not in claimed:
        known = state.record(row.id) or {}
        # An id taken from the row's position (the row was edited, so its digest did not
        # match) is trusted only if the record is recognisably the same one.
        if row.id_source != "position" or _recognisable(form, known, incoming):
            return row.id
    candidates = [i for i in state.candidates(nk) if i not in claimed]
    if len(candidates) > 1:
        # Several records share the key (the same need listed twice): prefer an equal one.
        digest = record_digest(form, incoming)
        for cid in candidates:
            local = state.record(cid) or {}
            if record_digest(form, {**{f.key: local.get(f.key) for f in form.fields}, **incoming}) == digest:
                return cid
    return candidates[0] if candidates else None


def _recognisable(form: Form, known: dict, incoming: dict) -> bool:
    """True when any identity field of the row equals the record's (a missing column counts as equal)."""
    for key in form.identity_fields:
        fold_fn = subject_key if key == form.subject_field else fold
        if fold_fn(str(known.get(key) or "")) == fold_fn(str(incoming.get(key) or known.get(key) or "")):
            return True
    return False


def _compare(form: Form, row: IncomingRow, incoming: dict, local: dict, unit: str, city: str, district: str,
             nk: str, version: str, choices: ChoiceLists, checked: dict | None = None,
             peer: str | None = None) -> PlanItem:
    """Classify a matched row owner group by owner group (see storage/bases.py), then the
    record: a conflict in any group makes a conflict, else a change in any group a change.

    ``checked`` is the form's defaults when the row was validated with this database's lists
    (else None): a merged record equal to the row as validated takes the row's problems."""
    local_values = {f.key: local.get(f.key) for f in form.fields}
    incoming_all = {**local_values, **incoming}
    local_digest = record_digest(form, local_values)
    bases = owner_bases.load(local.get("owner_bases"))
    deleted = bool(local.get("deleted_at"))
    verdicts: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for owner in form.owner_groups:
        verdicts[owner], reasons[owner] = _group_verdict(form, owner, local, local_values, incoming_all, bases,
                                                         version, deleted, peer)
    moving = {o for o, v in verdicts.items() if v in (TAKE, CONFLICT)}
    merged = dict(local_values)
    for f in form.fields:
        if f.owner in moving:
            merged[f.key] = incoming_all[f.key]
    as_read = None if checked is None else {f.key: incoming.get(f.key, checked.get(f.key)) for f in form.fields}
    item = PlanItem(row, IDENTICAL, merged, unit, city, district, nk, record_digest(form, incoming_all),
                    local_id=local["id"], local_digest=local_digest, version=version,
                    problems=row.problems if merged == as_read else problems(form, merged, choices))
    item.groups = verdicts
    item.group_digests = group_digests(form, incoming_all)
    item.diffs = [FieldDiff(f.key, f.label, local_values[f.key], merged[f.key])
                  for f in form.fields if not _same(local_values[f.key], merged[f.key])]
    conflicts = [o for o, v in verdicts.items() if v == CONFLICT]
    takes = [o for o, v in verdicts.items() if v == TAKE]
    if conflicts:
        item.status = CONFLICT
        item.reason = reasons[conflicts[0]]
        if len(form.owner_groups) > 1:
            item.reason += "（" + "、".join(f"{form.owners[o]}负责的字段" for o in conflicts) + "）"
    elif takes:
        item.status = CHANGED
        item.reason = reasons[takes[0]]
        if len(form.owner_groups) > 1 and len(takes) < len(form.owner_groups):
            item.reason += "（只更新" + "、".join(f"{form.owners[o]}负责的字段" for o in takes) + "）"
    else:
        item.reason = next((reasons[o] for o in form.owner_groups if verdicts[o] != SAME), reasons[form.owner_groups[0]])
    return item


def _group_verdict(form: Form, owner: str, local: dict, local_values: dict, incoming_all: dict,
                   bases: dict, version: str, deleted: bool, peer: str | None = None) -> tuple[str, str]:
    theirs = group_digest(form, incoming_all, owner)
    mine = group_digest(form, local_values, owner)
    if theirs == mine:
        return SAME, ("本地已删除这条记录，导入的内容与删除前相同，保持删除。" if deleted else "内容相同。")
    unchanged_there = ("对方没有修改这条记录，本地已删除，保持删除。" if deleted
                       else "对方没有修改这条记录，本地所做的修改保留。")
    base = owner_bases.base_of(bases, owner, peer)
    if base is not None:
        if owner_bases.seen_before(bases, owner, theirs, peer):
            return KEEP, unchanged_there
        group_version = owner_bases.version_of(bases, owner, peer)
        if older(version, group_version):
            return KEEP, (f"导入文件中的这条{form.noun}（{_when_text(version)}）比已导入的版本"
                          f"（{_when_text(group_version)}）旧，保留较新的版本。")
        if mine == base and not deleted:
            return TAKE, "对方修改了这条记录，本地未改动过，将更新为对方的内容。"
        return CONFLICT, ("本地已删除这条记录，但对方修改了它。" if deleted
                          else "本地在上次导入后修改过这条记录，对方也修改了它。")
    # No base yet: a record entered here, or imported before bases were kept.
    stored = local.get("import_digest") or ""
    if stored and record_digest(form, incoming_all) == stored:
        return KEEP, unchanged_there
    if older(version, local.get("source_updated_at")):
        return KEEP, (f"导入文件中的这条{form.noun}（{_when_text(version)}）比已导入的版本"
                      f"（{_when_text(local['source_updated_at'])}）旧，保留较新的版本。")
    if local.get("origin") == "import" and stored == record_digest(form, local_values) and not deleted:
        return TAKE, "对方修改了这条记录，本地未改动过，将更新为对方的内容。"
    if not deleted and mine == group_digest(form, {}, owner):
        return TAKE, f"本地还没有填写{form.owners[owner]}负责的字段，将采用对方填写的内容。"
    if deleted:
        return CONFLICT, "本地已删除这条记录，但对方修改了它。"
    if local.get("origin") != "import":
        return CONFLICT, "这条记录是本地录入的，导入文件中的内容与它不同。"
    return CONFLICT, "本地在上次导入后修改过这条记录，对方也修改了它。"


def _when_text(text: str) -> str:
    """A version time as the officer reads it, in local time to the minute."""
    when = parse_when(text)
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else str(text)[:16]


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


def _duplicates(plan: ImportPlan, state: MergeState) -> list[DuplicateHint]:
    """Incoming needs whose enterprise already has a similar need here: from another unit
    (two offices reporting the same enterprise), or from the same unit under another
    wording (a hand-filled row whose 需求内容 was edited gets a new natural key).

    Candidates come from the state's own credit-code and subject indexes (kept current file
    by file), then from the new rows of this file before the row, in that order."""
    by_code: dict[str, list[dict]] = {}  # this file's new rows so far
    by_subject: dict[str, list[dict]] = {}
    hints: list[DuplicateHint] = []
    for item in plan.items:
        if item.status not in (NEW, CHANGED, CONFLICT):
            continue
        v = item.values
        code = str(v.get("credit_code") or "") if v.get("credit_code") else ""
        subject = item.subject if item.subject is not None else subject_key(str(v.get("subject_name") or ""))
        known_code, known_subject = state.hint_pool(code, subject)
        pools = [known_code + by_code.get(code, []) if code else [], known_subject + by_subject.get(subject, [])]
        seen: set[int] = set()
        found = 0
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
            pending = {**v, "id": item.insert_id, "unit": item.unit, "_pending": True}
            if code:
                by_code.setdefault(code, []).append(pending)
            if subject:
                by_subject.setdefault(subject, []).append(pending)
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
