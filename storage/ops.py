"""Edits as operations: one place that writes an edit, keeps what undo needs, and says what changed.

The window never writes records itself. It calls a method of :class:`Operations`,
which

1. normalises the values and writes them in one ``write_transaction`` (so it waits
   for another writer, and a failure raises :class:`~storage.transaction.WriteFailed`
   with nothing written);
2. returns an :class:`OpResult`: an :class:`UndoEntry` (plain data, enough to take
   the edit back and to redo it) and :class:`OpChanges` (which tables, which
   records, whether rows came or went, whether the choice lists changed).

Pages listen to the :class:`OpChanges` and refresh what it touched (Anki's
``CollectionOp`` → ``OpChanges``). The Qt undo stack in ``ui/undo.py`` only holds
``UndoEntry`` objects and calls :meth:`Operations.undo` / :meth:`Operations.redo`.

Undo never overwrites someone else's newer version: every write made here remembers
the record's ``updated_at`` it left behind; undo and redo first check that the
record still carries that stamp (no other window or import changed it since) and
otherwise raise :class:`EditRefused` with a Chinese sentence.

Three ways back, on purpose separate (see docs/ARCHITECTURE.md):
- this edit history (needs and cases, this window's session, Ctrl+Z);
- the recycle bin (soft deletes, survives restarts; ``ui/recycle_dialog.py``);
- undoing a whole import batch (``storage/merge_apply.undo_batch``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from forms import RECORD_FORMS
from forms.validation import normalise
from storage.records import RecordTable
from storage.store import Store
from storage.transaction import write_transaction

RECORD_TABLES = tuple(f.id for f in RECORD_FORMS)


class EditRefused(Exception):
    """An edit that must not be applied (an undo over a newer version, one image too many).

    The message is a Chinese sentence for the officer."""


@dataclass(frozen=True)
class OpChanges:
    """What an operation touched, for pages to refresh just that."""

    tables: frozenset[str] = frozenset()  # record tables whose data changed
    ids: frozenset[str] = frozenset()  # records whose values changed
    rows: bool = False  # records were added, deleted or restored: lists must be re-queried
    choices: bool = False  # the choice lists changed (drop-downs, completeness)
    profile: bool = False  # the reporting unit changed

    @classmethod
    def everything(cls) -> OpChanges:
        """After an import, a restore or an undone batch: every list re-reads the database."""
        return cls(frozenset(RECORD_TABLES), frozenset(), rows=True, choices=True, profile=True)

    def touches(self, table: str) -> bool:
        return table in self.tables

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(self.tables | other.tables, self.ids | other.ids, self.rows or other.rows,
                         self.choices or other.choices, self.profile or other.profile)


@dataclass
class Step:
    """One reversible change to one record table.

    ``values``: ``before``/``after`` hold {id: {key: value}}.
    ``added`` / ``deleted``: the ids were inserted / soft-deleted (undo = soft-delete / restore).
    """

    table: str
    kind: Literal["values", "added", "deleted"]
    ids: list[str]
    before: dict[str, dict] = field(default_factory=dict)
    after: dict[str, dict] = field(default_factory=dict)
    touch: bool = True


@dataclass
class UndoEntry:
    text: str  # what the 撤销 menu shows, e.g. "撤销 编辑"
    steps: list[Step]
    merge: bool = False  # autosaved typing: consecutive entries on the same fields become one


    def merge_key(self) -> tuple | None:
        """Consecutive typing into the same fields of one record is one undo step."""
        if self.merge and len(self.steps) == 1 and self.steps[0].kind == "values" and len(self.steps[0].ids) == 1:
            s = self.steps[0]
            return (self.text, s.table, s.ids[0], frozenset(s.after[s.ids[0]]))
        return None

    def absorb(self, later: UndoEntry) -> None:
        """Keep our ``before``, take ``later``'s ``after`` (same merge_key)."""
        mine, theirs = self.steps[0], later.steps[0]
        for record_id, values in theirs.after.items():
            mine.after[record_id] = dict(values)


@dataclass
class OpResult:
    changes: OpChanges
    undo: UndoEntry | None  # None: nothing to take back (nothing changed, or choice lists)


NOTHING = OpResult(OpChanges(), None)


class Operations:
    """Every edit the window makes. Plain Python; runs on the UI thread's connection."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # updated_at each record had when this history last wrote it: undo/redo check it.
        self._stamps: dict[str, str | None] = {}

    def table(self, name: str) -> RecordTable:
        return self.store.records(name)

    # ---- edits ---------------------------------------------------------------
    def set_values(self, table: str, changes: Mapping[str, Mapping[str, object]], text: str = "编辑",
                   touch: bool = True, merge: bool = False) -> OpResult:
        """Write {id: {key: raw value}} as one step (an empty result when nothing differs)."""
        result = self.edit(table, text, values=changes, touch=touch)
        if result.undo is not None:
            result.undo.merge = merge
        return result

    def add_records(self, table: str, items: Sequence[Mapping[str, object]], text: str) -> OpResult:
        return self.edit(table, text, new=items)

    def edit(self, table: str, text: str, values: Mapping[str, Mapping[str, object]] | None = None,
             new: Sequence[Mapping[str, object]] = (), touch: bool = True) -> OpResult:
        """Change existing records and/or add new ones, in one transaction and one undo step.

        ``values`` are raw ({id: {key: text typed or pasted}}); ``new`` are complete
        rows for new records, also normalised here.
        """
        t = self.table(table)
        steps: list[Step] = []
        with write_transaction(self.store.db):
            if new:
                rows = [{k: self._normal(t, k, v) for k, v in item.items()} for item in new]
                ids = t.insert_many(rows)
                steps.append(Step(table, "added", ids))
            if values:
                step = self._write_values(t, values, touch)
                if step is not None:
                    steps.append(step)
            if steps:
                self._remember(t, [i for s in steps for i in s.ids])
        if not steps:
            return NOTHING
        return OpResult(self._changes(steps), UndoEntry(text, steps))

    def delete_records(self, table: str, ids: Sequence[str], text: str) -> OpResult:
        if not ids:
            return NOTHING
        t = self.table(table)
        with write_transaction(self.store.db):
            t.set_deleted(list(ids), True)
            self._remember(t, ids)
        step = Step(table, "deleted", list(ids))
        return OpResult(self._changes([step]), UndoEntry(text, [step]))

    def _normal(self, t: RecordTable, key: str, value: object) -> object:
        if key in t.form.keys:
            return normalise(t.form.field(key), value, t.choices)
        return value

    def _write_values(self, t: RecordTable, changes: Mapping[str, Mapping[str, object]],
                      touch: bool) -> Step | None:
        current = t.get_many(list(changes))
        before: dict[str, dict] = {}
        after: dict[str, dict] = {}
        for record_id, raw_values in changes.items():
            row = current.get(record_id)
            if row is None:
                continue
            for key, raw in raw_values.items():
                new = self._normal(t, key, raw)
                old = row.get(key)
                if (old or None) != (new or None) or (isinstance(new, int) and old != new):
                    before.setdefault(record_id, {})[key] = old
                    after.setdefault(record_id, {})[key] = new
        for record_id, values in after.items():
            t.update(record_id, values, touch=touch)
        if not after:
            return None
        return Step(t.table, "values", list(after), before, after, touch)

    # ---- undo / redo -----------------------------------------------------------
    def undo(self, entry: UndoEntry) -> OpChanges:
        return self._replay(entry, backwards=True)

    def redo(self, entry: UndoEntry) -> OpChanges:
        return self._replay(entry, backwards=False)

    def _replay(self, entry: UndoEntry, backwards: bool) -> OpChanges:
        steps = list(reversed(entry.steps)) if backwards else list(entry.steps)
        with write_transaction(self.store.db):
            for step in steps:
                self._check_fresh(step, entry.text)
            for step in steps:
                t = self.table(step.table)
                if step.kind == "values":
                    for record_id, values in (step.before if backwards else step.after).items():
                        t.update(record_id, values, touch=step.touch)
                else:
                    # undoing an add deletes; undoing a delete restores; redo the opposite.
                    t.set_deleted(step.ids, (step.kind == "added") == backwards)
                self._remember(t, step.ids)
        return self._changes(steps)

    def _check_fresh(self, step: Step, text: str) -> None:
        t = self.table(step.table)
        rows = t.get_many(step.ids)
        for record_id in step.ids:
            row = rows.get(record_id)
            if row is None:
                raise EditRefused(f"“{text}”涉及的记录已被永久删除（例如清空了回收站），无法撤销或重做。")
            if record_id in self._stamps and row.get("updated_at") != self._stamps[record_id]:
                raise EditRefused(
                    f"“{text}”涉及的记录在此之后被其他窗口或导入修改过（{_when(row.get('updated_at'))}），"
                    "为免覆盖较新的内容，没有撤销或重做。请直接修改该记录。")

    def _remember(self, t: RecordTable, ids: Sequence[str]) -> None:
        for record_id, row in t.get_many(list(ids)).items():
            self._stamps[record_id] = row.get("updated_at")

    # ---- case images (not undoable: the image list is edited directly) -------------
    def add_image(self, case_id: str, name: str, data: bytes, mime: str) -> OpResult:
        try:
            self.store.add_image(case_id, name, data, mime)
        except ValueError as exc:  # more images than the form allows: a Chinese sentence
            raise EditRefused(str(exc)) from exc
        self._remember(self.store.cases, [case_id])  # our own write: undo of earlier edits stays allowed
        return OpResult(OpChanges(frozenset({"cases"}), frozenset({case_id})), None)

    def remove_image(self, case_id: str, image_id: str) -> OpResult:
        self.store.remove_image(image_id)
        return OpResult(OpChanges(frozenset({"cases"}), frozenset({case_id})), None)

    @staticmethod
    def _changes(steps: Sequence[Step]) -> OpChanges:
        return OpChanges(frozenset(s.table for s in steps), frozenset(i for s in steps for i in s.ids),
                         rows=any(s.kind != "values" for s in steps))

    # ---- settings that change how records read -------------------------------
    def add_choice(self, list_name: str, value: str) -> OpResult:
        self.store.add_choice(list_name, value)
        return OpResult(OpChanges(frozenset(RECORD_TABLES), choices=True), None)

    def remove_choice(self, list_name: str, value: str) -> OpResult:
        self.store.remove_choice(list_name, value)
        return OpResult(OpChanges(frozenset(RECORD_TABLES), choices=True), None)


def _when(stamp: object) -> str:
    return f"修改于 {str(stamp)[:19].replace('T', ' ')}" if stamp else "修改时间不明"
