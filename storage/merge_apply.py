"""Writing an import plan as one batch, undoing a batch, and listing batches.

A batch is one file imported in one transaction. ``import_changes`` keeps, for
every record the batch added or changed, what it was before (as JSON), so a
whole batch can be undone exactly. Import them from :mod:`storage.merge`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping

from forms import FORMS
from forms.fields import REPORTER, Form
from forms.identity import group_digests, record_digest, record_key
from forms.progress import Progress, check
from storage import bases as owner_bases
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
    TAKE_THEIRS,
    BatchSummary,
    ImportPlan,
    MergeError,
    PlanItem,
    UndoSummary,
)
from storage.merge_state import MergeState
from storage.migrations import search_document_sql
from storage.records import RecordTable, new_id, now_iso
from storage.store import Store
from storage.transaction import write_transaction


def table_of(store: Store, form_id: str) -> RecordTable:
    try:
        return store.records(form_id)
    except KeyError:
        raise MergeError(f"无法导入“{form_id}”类型的记录。") from None


class _Writer:
    """Collects the writes of one batch. ``apply_plan`` runs it inside one transaction, or,
    for a preview, only tells the state what would have been written."""

    def __init__(self, store: Store, plan: ImportPlan, state: MergeState, simulate: bool) -> None:
        self.store = store
        self.plan = plan
        self.state = state
        self.simulate = simulate
        self.form = FORMS[plan.form_id]
        self.table = table_of(store, plan.form_id)
        self.batch_id = new_id()
        self.stamp = now_iso()
        self.inserts: list[dict] = []
        self.insert_ids: list[str] = []
        self.updates: list[tuple[str, dict, bool, bool, bool | None]] = []  # (id, changes, touch, undelete, complete)
        self.changes: list[dict] = []
        self.written: dict[str, dict] = {}  # id -> the whole record after this batch
        self.known: dict[str, tuple] = {}  # id -> (digest, matching key, folded subject or None) of a new record
        self.summary = BatchSummary(None, plan.file_name, plan.counts)

    def _provenance(self, item: PlanItem) -> dict:
        return {
            "source_file": self.plan.file_name,
            "source_hash": self.plan.file_hash,
            "batch_id": self.batch_id,
            "imported_at": self.stamp,
            "source_updated_at": item.version or None,
        }

    def _owner(self, item: PlanItem) -> dict:
        # A case's region is a field of the form; a need's is provenance of its unit.
        if self.form.region_in_fields:
            return {"unit": item.unit}
        return {"unit": item.unit, "city": item.city, "district": item.district}

    def insert(self, item: PlanItem, record_id: str) -> None:
        values = {k: item.values.get(k) for k in self.form.keys}
        if item.status == NEW and item.group_digests:  # worked out ahead (storage.merge_prepare)
            digest, bases = item.digest, {}
            for owner, group in item.group_digests.items():
                owner_bases.exchanged(bases, owner, group, item.version)
            fresh = owner_bases.dump(bases)
        else:
            digest, fresh = record_digest(self.form, values), owner_bases.fresh(self.form, values, item.version)
        row = {**values, **self._owner(item), **self._provenance(item),
               "import_digest": digest, "natural_key": item.natural_key, "owner_bases": fresh,
               "feedback_at": self.stamp if _has_feedback(self.form, values) else None}
        row["complete"] = int(not item.problems)  # the plan checked these very values
        self.inserts.append(row)
        self.insert_ids.append(record_id)
        self.written[record_id] = {**row, "id": record_id, "origin": "import", "deleted_at": None}
        if item.status == NEW:  # its values are the row's own: the state need not fold them again
            self.known[record_id] = (row["import_digest"], item.natural_key, item.subject)

    def _record_change(self, record_id: str, action: str, before: dict | None) -> None:
        self.changes.append({"batch_id": self.batch_id, "record_table": self.table.table, "record_id": record_id,
                             "action": action, "before": json.dumps(before, ensure_ascii=False) if before else None})

    def _change(self, local: dict, action: str, changes: dict, touch: bool, undelete: bool = False,
                complete: bool | None = None) -> None:
        self._record_change(local["id"], action, local)
        self.updates.append((local["id"], changes, touch, undelete, complete))
        self.written[local["id"]] = {**local, **changes, **({"deleted_at": None} if undelete else {})}

    def _bases(self, item: PlanItem, local: dict) -> str:
        """The record's bases after this file: every group the file carried is now held by
        both sides (taken, equal, or seen and declined)."""
        bases = owner_bases.load(local.get("owner_bases"))
        peer = self.plan.peer or None
        for owner, digest in (item.group_digests or group_digests(self.form, item.values)).items():
            verdict = item.groups.get(owner)
            # A group kept because the sender had not changed it keeps its base; any other
            # group's incoming version is now the last exchanged one.
            if verdict == "keep" and owner_bases.base_of(bases, owner, peer) is not None:
                continue
            moved = verdict in ("take", "conflict")
            owner_bases.exchanged(bases, owner, digest, item.version if moved else None, peer)
        return owner_bases.dump(bases)

    def update(self, item: PlanItem, local: dict, owners: set[str] | None = None) -> None:
        """Take the incoming values of ``owners``' groups (None: every group the plan moves —
        a changed record, or a conflict resolved “take theirs”)."""
        complete = None  # a mix of theirs and ours: validated when written
        if owners is None:
            values = {k: item.values.get(k) for k in self.form.keys}
            complete = not item.problems
        else:
            values = {f.key: (item.values.get(f.key) if f.owner in owners else local.get(f.key))
                      for f in self.form.fields}
        changes = {**values, **self._provenance(item), "import_digest": item.digest,
                   "owner_bases": self._bases(item, local)}
        if any(f.owner != REPORTER and not _same(local.get(f.key), values.get(f.key)) for f in self.form.fields):
            changes["feedback_at"] = self.stamp  # shown under 新反馈 until the officer has looked
        if local.get("origin") == "import":
            changes.update({k: v for k, v in self._owner(item).items() if v})
            changes["natural_key"] = item.natural_key
        else:
            # A record entered here stays this unit's; only its values change.
            changes["natural_key"] = record_key(self.form, local.get("unit") or "", values)
        self._change(local, "update", changes, touch=True, undelete=bool(local.get("deleted_at")), complete=complete)

    def reconcile(self, item: PlanItem, local: dict) -> None:
        """Remember that their version was seen and declined, so importing the same file
        again finds nothing new instead of asking again, and older copies are recognised."""
        bases = self._bases(item, local)
        if local.get("import_digest") == item.digest and (local.get("owner_bases") or "") == bases:
            return
        changes = {"import_digest": item.digest, "owner_bases": bases}
        if item.version and any(v in ("take", "conflict") for v in item.groups.values()):
            changes["source_updated_at"] = item.version
        self._change(local, "reconcile", changes, touch=False)

    def finish(self) -> None:
        """Write everything (unless simulating) and tell the state; no batch when nothing changed."""
        if not self.simulate:
            self._write()
        for record_id, record in self.written.items():
            self.state.wrote(record, self.plan.file_name, simulated=self.simulate, known=self.known.get(record_id))

    def _write(self) -> None:
        for record_id, changes, touch, undelete, complete in self.updates:
            self.table.update(record_id, changes, touch=touch, complete=complete)
            if undelete:
                self.table.set_deleted([record_id], False)
        if self.inserts:
            self._insert_all()
            for record_id in self.insert_ids:
                self._record_change(record_id, "insert", None)
        if not self.changes:
            return  # nothing to write: no batch, so history is not cluttered by re-imports
        s = self.summary
        counts = {"plan": self.plan.counts, "inserted": s.inserted, "updated": s.updated, "kept": s.kept,
                  "both": s.both, "unchanged": s.unchanged, "invalid": s.invalid}
        db = self.store.db
        db["import_batches"].insert({
            "id": self.batch_id, "form_id": self.form.id, "file_name": self.plan.file_name,
            "file_hash": self.plan.file_hash, "unit": self.plan.unit, "city": self.plan.city,
            "district": self.plan.district, "imported_at": self.stamp,
            "counts": json.dumps(counts, ensure_ascii=False), "undone_at": None,
        })
        db.conn.executemany("insert into import_changes (batch_id, record_table, record_id, action, before) "
                            "values (:batch_id, :record_table, :record_id, :action, :before)", self.changes)
        s.batch_id = self.batch_id

    def _insert_all(self) -> None:
        """The new records in one prepared statement, as ``RecordTable.insert_many`` would write
        them (defaults, display order after the last record, created and updated at the batch's
        time), with their completeness from the plan instead of checking every value again."""
        table = self.table.table
        db = self.store.db
        # max(seq) by the (deleted_at, seq) index: a plain max(seq) reads every row, once per file.
        top = db.execute(f"select max(m) from (select max(seq) as m from [{table}] where deleted_at is null "
                         f"union all select max(seq) from [{table}] where deleted_at is not null)").fetchone()[0]
        seq = (top or 0) + 1
        defaults = {f.key: f.default for f in self.form.fields if f.default is not None}
        rows = []
        for i, (values, record_id) in enumerate(zip(self.inserts, self.insert_ids, strict=True)):
            row = {**defaults, **values}
            row.setdefault("seq", seq + i)
            row.update(id=record_id, origin="import", created_at=self.stamp, updated_at=self.stamp)
            rows.append(row)
        columns = list(rows[0])
        unknown = set().union(*rows) - set(columns)
        if unknown:  # every row has the same columns; anything else is a programming error
            raise MergeError(f"unexpected columns {sorted(unknown)}")
        names = ", ".join(f"[{c}]" for c in columns)
        marks = ", ".join("?" * len(columns))
        insert = f"insert into [{table}] ({names}) values ({marks})"
        values = ([v if v.__class__ not in _CONTAINERS else _sql_value(v) for v in map(r.get, columns)] for r in rows)
        index = _search_index(db, table) if len(rows) >= BULK_INDEX_ROWS else None
        if index is None:
            db.conn.executemany(insert, values)
            return
        # The search index's insert trigger costs ~4x what indexing the same rows in one statement
        # does: it is dropped for the insert and created again, all inside this file's transaction,
        # so no other connection ever sees the table without it (a crash rolls the drop back too).
        fts, document, trigger = index
        top = db.execute(f"select max(rowid) from [{table}]").fetchone()[0] or 0
        db.conn.execute(f"drop trigger [{fts}_ai]")
        db.conn.executemany(insert, values)
        db.conn.execute(f"insert into [{fts}](rowid, doc) select rowid, {document} || '  ' from [{table}] "
                        "where rowid > ?", [top])  # we hold the write lock: these are exactly our rows
        db.conn.execute(trigger)


BULK_INDEX_ROWS = 20  # below this, the trigger's row-by-row indexing costs less than the swap


def _search_index(db, table: str) -> tuple[str, str, str] | None:
    """(index table, document expression, its insert trigger's SQL) of ``table``'s search index
    (storage.migrations.create_search_index), or None without one (an SQLite without trigram)."""
    fts = f"{table}_fts"
    found = db.execute("select sql from sqlite_master where type = 'trigger' and name = ?", [f"{fts}_ai"]).fetchone()
    if not found:
        return None
    columns = db.execute("select columns from search_index where record_table = ? and fts_table = ?",
                         [table, fts]).fetchone()
    if not columns:
        return None
    return fts, search_document_sql(json.loads(columns[0])), found[0]


_CONTAINERS = (dict, list, tuple)


def _sql_value(value: object) -> object:
    # As sqlite-utils stores them: containers as JSON text.
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=repr, ensure_ascii=False)
    return value


def _same(a: object, b: object) -> bool:
    blank_a = a is None or (isinstance(a, str) and not a.strip())
    blank_b = b is None or (isinstance(b, str) and not b.strip())
    if blank_a or blank_b:
        return blank_a and blank_b
    return str(a).strip() == str(b).strip()


def _has_feedback(form: Form, values: dict) -> bool:
    return any(f.owner != REPORTER and not _same(values.get(f.key), None) and values.get(f.key) != f.default
               for f in form.fields)


def apply_plan(store: Store, plan: ImportPlan, state: MergeState, decisions: Mapping[str, str] | None = None,
               default: str = KEEP_MINE, progress: Progress | None = None, simulate: bool = False) -> BatchSummary:
    """Write ``plan`` in one transaction: all of it, or — on any error or cancel — none of it.

    ``decisions`` maps a conflict's ``PlanItem.key`` (or its ``local_id``) to
    keep_mine / take_theirs / keep_both; conflicts without a decision get ``default``.
    A record edited here since the plan was made is treated as a conflict. With
    ``simulate`` nothing is written: ``state`` learns what would have been.
    """
    decisions = dict(decisions or {})
    for choice in [*decisions.values(), default]:
        if choice not in DECISIONS:
            raise MergeError(f"未知的处理方式“{choice}”，应为：{'、'.join(DECISION_LABELS.values())}。")
    w = _Writer(store, plan, state, simulate)
    total = len(plan.items)
    with contextlib.nullcontext() if simulate else write_transaction(store.db):
        for n, item in enumerate(plan.items):
            if n % 200 == 0:
                check(progress)
                if progress:
                    progress.update(n, total, f"正在导入第 {n + 1:,} 条……")
            _apply_item(w, item, decisions.get(item.key) or decisions.get(item.local_id or "") or default)
        check(progress)
        w.finish()
    if progress:
        progress.update(total, total, w.summary.text)
    return w.summary


def _apply_item(w: _Writer, item: PlanItem, decision: str) -> None:
    s = w.summary
    if item.status == INVALID:
        s.invalid += 1
        return
    if item.status == IDENTICAL:
        s.unchanged += 1
        return
    status = item.status
    local = (w.written.get(item.local_id) or w.state.record(item.local_id)) if item.local_id else None
    if status in (CHANGED, CONFLICT) and local is None:
        status = NEW  # purged here since the plan was made: import it again
    if status == CHANGED and local is not None and (record_digest(w.form, local) != item.local_digest
                                                    or local.get("deleted_at")):
        status = CONFLICT  # edited here since the plan was made
    if status == NEW:
        record_id = item.insert_id or new_id()
        if record_id in w.state.rows or record_id in w.written:
            record_id = new_id()
        w.insert(item, record_id)
        s.inserted += 1
    elif status == CHANGED or decision == TAKE_THEIRS:
        assert local is not None
        w.update(item, local)
        s.updated += 1
    elif decision == KEEP_BOTH:
        assert local is not None
        w.insert(item, new_id())
        _keep_mine(w, item, local)
        s.inserted += 1
        s.both += 1
    else:
        assert local is not None
        _keep_mine(w, item, local)
        s.kept += 1


def _keep_mine(w: _Writer, item: PlanItem, local: dict) -> None:
    """A conflict kept as it is here: the groups that conflict stay, the groups the sender
    alone changed are still taken (a conflict over feedback does not hold back a fixed phone)."""
    takes = {o for o, v in item.groups.items() if v == "take"}
    if record_digest(w.form, local) != item.local_digest or local.get("deleted_at"):
        takes = set()  # edited here since the plan was made: the plan's “take” may be stale now
    if takes:
        w.update(item, local, owners=takes)
    else:
        w.reconcile(item, local)


# ---- undo and history ------------------------------------------------------------------


def _batch(store: Store, batch_id: str) -> dict:
    rows = list(store.db.query("select rowid as _rowid, * from import_batches where id = ?", [batch_id]))
    if not rows:
        raise MergeError("找不到这次导入的记录，可能已被清除。")
    return rows[0]


def _later_batches(store: Store, batch: dict, record_ids: list[str]) -> list[str]:
    """File names of batches imported after ``batch`` (and not undone) that touched the same records."""
    names: list[str] = []
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = (f"select distinct b.file_name from import_changes c join import_batches b on b.id = c.batch_id "
               f"where b.rowid > ? and b.undone_at is null and c.record_id in ({marks}) order by b.rowid")
        names += [r[0] for r in store.db.execute(sql, [batch["_rowid"], *chunk]).fetchall() if r[0] not in names]
    return names


def undo_batch(store: Store, batch_id: str) -> UndoSummary:
    """Revert a whole batch: delete the records it added, put back the records it changed.

    Refused while a later import touched the same records (undo that one first),
    because restoring this batch's “before” would silently discard the later one.
    """
    batch = _batch(store, batch_id)
    if batch["undone_at"]:
        raise MergeError(f"“{batch['file_name']}”的这次导入已经撤销过了。")
    changes = list(store.db.query("select * from import_changes where batch_id = ? order by rowid", [batch_id]))
    later = _later_batches(store, batch, [c["record_id"] for c in changes])
    if later:
        raise MergeError(f"之后导入的“{'”“'.join(later)}”也修改了这次导入的记录。请先撤销那次导入，再撤销这一次。")
    summary = UndoSummary(batch_id, batch["file_name"], 0, 0, 0)
    db = store.db
    with write_transaction(db):
        for change in reversed(changes):
            table = change["record_table"]
            if table not in store.tables:
                continue
            record_id = change["record_id"]
            if change["action"] == "insert":
                row = db.execute(f"select updated_at from [{table}] where id = ?", [record_id]).fetchone()
                if row and row[0] and row[0] > batch["imported_at"]:
                    summary.edited_since += 1
                if store.tables[table].form.max_images:
                    db.execute("delete from case_images where case_id = ?", [record_id])
                db.execute(f"delete from [{table}] where id = ?", [record_id])
                summary.deleted += 1
                continue
            before = json.loads(change["before"])
            before.pop("id", None)
            if db.execute(f"select 1 from [{table}] where id = ?", [record_id]).fetchone():
                db[table].update(record_id, before)
            else:  # purged since: bring it back as it was
                db[table].insert({"id": record_id, **before})
            if change["action"] == "update":
                summary.restored += 1
        db.execute("update import_batches set undone_at = ? where id = ?", [now_iso(), batch_id])
    return summary


def history(store: Store) -> list[dict]:
    """Import batches, newest first, with their counts and whether they can be undone now."""
    out: list[dict] = []
    for b in store.db.query("select rowid as _rowid, * from import_batches order by rowid desc"):
        try:
            counts = json.loads(b["counts"] or "{}")
        except ValueError:
            counts = {}
        blocked: list[str] = []
        if not b["undone_at"]:
            ids = [r[0] for r in store.db.execute(
                "select record_id from import_changes where batch_id = ?", [b["id"]]).fetchall()]
            blocked = _later_batches(store, b, ids)
        out.append({
            "id": b["id"], "form_id": b["form_id"], "form_name": FORMS[b["form_id"]].short_title if b["form_id"] in FORMS else b["form_id"],
            "file_name": b["file_name"], "file_hash": b["file_hash"], "unit": b["unit"], "city": b["city"],
            "district": b["district"], "imported_at": b["imported_at"], "counts": counts,
            "undone_at": b["undone_at"], "can_undo": not b["undone_at"] and not blocked, "blocked_by": blocked,
        })
    return out

