"""What a merge preview and an import produce: plain dataclasses, no Qt.

Import them from :mod:`storage.merge`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from forms import FORMS
from forms.fields import Form
from forms.incoming import IncomingRow

# How an incoming row relates to the database.
NEW, IDENTICAL, CHANGED, CONFLICT, INVALID = "new", "identical", "changed", "conflict", "invalid"
STATUSES = (NEW, IDENTICAL, CHANGED, CONFLICT, INVALID)
STATUS_LABELS = {NEW: "新增", IDENTICAL: "相同", CHANGED: "更新", CONFLICT: "冲突", INVALID: "无效"}

# What to do with a conflict.
KEEP_MINE, TAKE_THEIRS, KEEP_BOTH = "keep_mine", "take_theirs", "keep_both"
DECISIONS = (KEEP_MINE, TAKE_THEIRS, KEEP_BOTH)
DECISION_LABELS = {KEEP_MINE: "保留本地", TAKE_THEIRS: "采用导入的", KEEP_BOTH: "两条都保留"}


class MergeError(Exception):
    """A merge or undo that cannot be done, explained in a Chinese sentence for the officer."""


@dataclass
class FieldDiff:
    key: str
    label: str
    local: object
    incoming: object


@dataclass
class PlanItem:
    """One incoming row and what importing it would do."""

    row: IncomingRow
    status: str
    values: dict[str, object]  # every field as the record would hold it after a plain import
    unit: str
    city: str
    district: str
    natural_key: str
    digest: str  # forms.identity.record_digest of ``values``
    local_id: str | None = None  # the matching record here
    local_digest: str = ""  # its digest when the plan was made (apply re-checks it)
    insert_id: str | None = None  # id for a new record: the incoming UUID when it is free
    version: str = ""  # when the row's values were last changed (ISO time), compared with source_updated_at
    diffs: list[FieldDiff] = field(default_factory=list)
    reason: str = ""  # Chinese: why this status (for identical / conflict / invalid)
    problems: dict[str, str] = field(default_factory=dict)  # field key -> Chinese (incomplete draft)
    # Matched rows: owner group -> same / keep / take / conflict (storage/bases.py), and the
    # incoming digest of each group. ``values`` holds the groups that take or conflict.
    groups: dict[str, str] = field(default_factory=dict)
    group_digests: dict[str, str] = field(default_factory=dict)
    subject: str | None = None  # a new row's folded subject (forms.identity.subject_key), when worked out ahead

    @property
    def key(self) -> str:
        """The key of this row in the ``decisions`` given to ``apply``."""
        return self.row.key

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def sheet(self) -> str:
        return self.row.sheet

    @property
    def row_number(self) -> int:
        return self.row.row_number

    def where(self, field_key: str | None = None) -> str:
        """The row's place in its file, or one of its cells' (IncomingRow.where)."""
        return self.row.where(field_key)

    def title(self, form: Form) -> str:
        """What the row is about, spaces folded: its first identity value ("" when it has none)."""
        for key in (k for k in (form.subject_field, *form.identity_fields) if k):
            text = " ".join(str(self.values.get(key) or self.row.values.get(key) or "").split())
            if text:
                return text
        return ""

    def problem_lines(self, form_labels: dict[str, str]) -> list[str]:
        """“工作表“清单”第 7 行 D 列（需求类别）：……” for each problem."""
        return [f"{self.where(k)}（{form_labels.get(k, k)}）：{msg}" for k, msg in self.problems.items()]

    def view(self, form: Form, texts: dict[str, str] | None = None) -> ItemView:
        """What a preview shows of this row. ``texts`` shares equal strings between the items of a file."""
        texts = {} if texts is None else texts
        problems = dict(self.problems) if self.problems else _NOTHING
        cells = {k: self.row.cells[k] for k in problems if k in self.row.cells} or _NOTHING
        return ItemView(self.status, texts.setdefault(self.row.sheet, self.row.sheet), self.row.row_number,
                        self.title(form), texts.setdefault(self.reason, self.reason), self.local_id,
                        hash(self.natural_key), tuple(self.diffs), problems, cells)


_NOTHING: Mapping[str, str] = MappingProxyType({})


@dataclass(slots=True)
class ItemView:
    """A planned row as the preview shows it: :class:`PlanItem` without the row's values.

    The import dialog holds one per row of every file until the officer presses 导入 (150,000
    in a national import), so it keeps only what is shown and what re-planning asks of it;
    the rows themselves are planned again from what was read (exports.importing)."""

    status: str
    sheet: str
    row_number: int
    name: str  # PlanItem.title
    reason: str
    local_id: str | None
    identity: int  # hash of the natural key: a decision re-plans the later files that may meet it (see touches)
    diffs: tuple[FieldDiff, ...]
    problems: Mapping[str, str]  # field key -> Chinese
    cells: Mapping[str, str]  # field key -> cell address, for the fields with problems

    @property
    def key(self) -> str:
        return f"{self.sheet}!{self.row_number}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def where(self, field_key: str | None = None) -> str:
        return IncomingRow(self.sheet, self.row_number, {}, cells=dict(self.cells)).where(field_key)

    def title(self, form: Form) -> str:
        return self.name

    def touches(self, other: ItemView) -> bool:
        """Whether what is decided for ``other`` may change what this row meets: the same record
        here, or the same natural key (a kept-both copy carries it). Equal hashes of different
        keys only cost a needless re-plan."""
        return (self.local_id is not None and self.local_id == other.local_id) or self.identity == other.identity

    def problem_lines(self, form_labels: dict[str, str]) -> list[str]:
        return [f"{self.where(k)}（{form_labels.get(k, k)}）：{msg}" for k, msg in self.problems.items()]


@dataclass
class DuplicateHint:
    """An incoming need that looks like one already here: flagged for review, never merged."""

    row_key: str
    where: str  # Chinese location in the file
    subject_name: str
    unit: str
    other_id: str | None  # a record here, or None when the other one is earlier in the same file
    other_unit: str
    other_subject: str
    other_category: str
    other_content: str
    reason: str  # Chinese


class _Tally:
    """What an import plan and its preview view count alike."""

    counts: dict[str, int]
    items: list

    @property
    def counts_text(self) -> str:
        """“新增 3 条，相同 10 条，更新 1 条，冲突 0 条，无效 0 条”."""
        return "，".join(f"{STATUS_LABELS[s]} {n} 条" for s, n in self.counts.items())

    def items_with(self, status: str) -> list:
        return [i for i in self.items if i.status == status]

    @property
    def has_changes(self) -> bool:
        return any(i.status in (NEW, CHANGED, CONFLICT) for i in self.items)


@dataclass
class _PlanHead(_Tally):
    """The file a plan (or its view) is of: which form, which file, the unit it names."""

    form_id: str
    file_name: str
    file_hash: str
    unit: str
    city: str
    district: str


@dataclass
class ImportPlan(_PlanHead):
    items: list[PlanItem]
    duplicates: list[DuplicateHint] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Chinese: missing 填报单位, file seen before …
    other_units: int = 0  # other units' new records left out (a unit that does not consolidate)
    # storage.bases.peer_key of the unit the file comes from, when that unit has bases of its
    # own here (feedback was sent to it alone); "" compares with the shared bases.
    peer: str = ""

    @property
    def counts(self) -> dict[str, int]:  # type: ignore[override]
        out = dict.fromkeys(STATUSES, 0)
        for item in self.items:
            out[item.status] += 1
        return out

    def view(self) -> PlanView:
        """What a preview keeps of this plan while the officer looks (see ItemView)."""
        form = FORMS[self.form_id]
        texts: dict[str, str] = {}
        return PlanView(self.form_id, self.file_name, self.file_hash, self.unit, self.city, self.district,
                        [i.view(form, texts) for i in self.items], self.duplicates, self.warnings,
                        self.other_units, self.peer, self.counts)


@dataclass
class PlanView(_PlanHead):
    """An :class:`ImportPlan` as the preview shows it: its items are :class:`ItemView`."""

    items: list[ItemView]
    duplicates: list[DuplicateHint]
    warnings: list[str]
    other_units: int
    peer: str
    counts: dict[str, int]


@dataclass
class BatchSummary:
    batch_id: str | None  # None when nothing needed writing (the file was already imported)
    file_name: str
    plan_counts: dict[str, int]
    inserted: int = 0  # new records, including the “keep both” copies
    updated: int = 0  # changed records and conflicts resolved with “take theirs”
    kept: int = 0  # conflicts resolved with “keep mine”
    both: int = 0  # conflicts resolved with “keep both”
    unchanged: int = 0
    invalid: int = 0

    @property
    def text(self) -> str:
        parts = [f"新增 {self.inserted} 条", f"更新 {self.updated} 条", f"相同 {self.unchanged} 条"]
        if self.kept:
            parts.append(f"保留本地 {self.kept} 条")
        if self.both:
            parts.append(f"两条都保留 {self.both} 条")
        if self.invalid:
            parts.append(f"无效未导入 {self.invalid} 条")
        return f"“{self.file_name}”导入完成：" + "，".join(parts) + "。"


@dataclass
class UndoSummary:
    batch_id: str
    file_name: str
    deleted: int  # records the batch had added
    restored: int  # records put back as they were before the batch
    edited_since: int  # of the deleted records, how many had been edited after the import

    @property
    def text(self) -> str:
        return f"已撤销“{self.file_name}”的导入：删除 {self.deleted} 条新增记录，恢复 {self.restored} 条被更新的记录。"
