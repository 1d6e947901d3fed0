"""Where a record came from: the file, the reporting unit and the import time, as stored.

Every imported record carries its latest provenance in its own row (``source_file``,
``batch_id``, ``imported_at``, ``unit``; written by storage/merge_apply.py), and every
import that inserted, updated or reconciled it left a row in ``import_changes``. This
module reads both for the 来源 panel of the consolidated list. Plain rows, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forms.identity import record_digest
from storage.store import Store

# import_changes.action as the officer reads it.
ACTION_LABELS = {"insert": "新增", "update": "更新", "reconcile": "核对（内容未变）"}


@dataclass
class ImportStep:
    """One import that touched the record."""

    file_name: str
    unit: str  # the 填报单位 of the file (a consolidated list carries several units)
    imported_at: str  # ISO time with offset
    action: str  # insert / update / reconcile
    undone: bool

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


@dataclass
class Provenance:
    record_id: str
    origin: str  # "local" (entered here) or "import"
    unit: str  # the reporting unit the record belongs to
    city: str
    district: str
    source_file: str  # the file its current values came from ("" when entered here)
    file_unit: str  # the 填报单位 of that file
    imported_at: str  # when that file was imported ("" when entered here)
    created_at: str
    updated_at: str
    edited_here: bool  # changed here after its last import
    steps: list[ImportStep] = field(default_factory=list)  # every import that touched it, oldest first


def provenance(store: Store, form_id: str, record_id: str) -> Provenance | None:
    """Where one record of ``form_id`` ("needs" / "cases") came from; None when there is no such record."""
    table = {"needs": store.needs, "cases": store.cases}.get(form_id)
    if table is None:
        raise ValueError(form_id)
    row = table.get(record_id)
    if row is None:
        return None
    file_unit = ""
    if row.get("batch_id"):
        found = store.db.execute("select unit from import_batches where id = ?", [row["batch_id"]]).fetchone()
        file_unit = (found[0] or "") if found else ""
    steps = [ImportStep(r[0] or "", r[1] or "", r[2] or "", r[3] or "", bool(r[4])) for r in store.db.execute(
        "select b.file_name, b.unit, b.imported_at, c.action, b.undone_at from import_changes c "
        "join import_batches b on b.id = c.batch_id where c.record_table = ? and c.record_id = ? "
        "order by b.rowid", [table.table, record_id]).fetchall()]
    # The digest of the values as last imported: a record whose values differ now was edited here since.
    stored = row.get("import_digest") or ""
    edited = bool(stored) and record_digest(table.form, {f.key: row.get(f.key) for f in table.form.fields}) != stored
    return Provenance(record_id, row.get("origin") or "", row.get("unit") or "", row.get("city") or "",
                      row.get("district") or "", row.get("source_file") or "", file_unit,
                      row.get("imported_at") or "", row.get("created_at") or "", row.get("updated_at") or "",
                      edited, steps)
