"""Schema migrations: append new ones at the end, never edit an applied one.

The column lists are written out here on purpose, frozen as they were when
each migration was released; later form fields arrive through
``db.sync_form_columns``.
"""

from __future__ import annotations

import sqlite_utils

MIGRATIONS = sqlite_utils.Migrations("wanlixing")

_PROVENANCE = {
    "id": str,  # UUID, also written into exported workbooks
    "seq": float,  # display order; float so a row can be placed between two others
    "unit": str,  # reporting unit the record belongs to
    "origin": str,  # 'local' (entered here) or 'import'
    "source_file": str,
    "source_hash": str,
    "batch_id": str,
    "imported_at": str,
    "complete": int,  # 1 when the record passes validation (ready to submit)
    "created_at": str,
    "updated_at": str,
    "deleted_at": str,  # soft delete: restorable until purged
}


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    needs_fields = ["subject_name", "credit_code", "subject_type", "industry", "category", "content",
                    "coord_level", "contact", "phone", "remark", "status", "feedback"]
    db["needs"].create(
        {**_PROVENANCE, "city": str, "district": str, **{k: str for k in needs_fields}},
        pk="id",
        not_null={"id", "seq", "origin", "created_at", "updated_at"},
    )
    case_text = ["name", "recommender", "city", "district", "category", "implementer", "contact",
                 "position", "phone", "email", "background", "practice", "results", "lessons", "opinion"]
    db["cases"].create(
        {**_PROVENANCE, **{k: str for k in case_text},
         "enterprises": int, "activities": int, "participants": int},
        pk="id",
        not_null={"id", "seq", "origin", "created_at", "updated_at"},
    )
    db["case_images"].create(
        {"id": str, "case_id": str, "seq": int, "name": str, "mime": str, "data": bytes, "created_at": str},
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
    )
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["custom_choices"].create({"list": str, "value": str}, pk=("list", "value"))


@MIGRATIONS()
def m002_indexes(db: sqlite_utils.Database) -> None:
    db["needs"].create_index(["deleted_at", "seq"], index_name="needs_live_seq")
    db["needs"].create_index(["city", "district"], index_name="needs_region")
    db["cases"].create_index(["deleted_at", "seq"], index_name="cases_live_seq")
    db["case_images"].create_index(["case_id", "seq"], index_name="case_images_case")


@MIGRATIONS()
def m003_import_tracking(db: sqlite_utils.Database) -> None:
    """What supervisors need to merge colleagues' files safely."""
    for table in ("needs", "cases"):
        # Digest of the visible values as last imported: a record whose current
        # digest differs was changed here since; an incoming one whose digest
        # differs was changed there. Both differing is a conflict.
        db[table].add_column("import_digest", str)
        db[table].add_column("source_updated_at", str)
        db[table].add_column("natural_key", str)  # identity of hand-filled rows
        db[table].create_index(["natural_key"], index_name=f"{table}_natural_key")
    db["cases"].add_column("recommended", int)  # 1 推荐, 0 不推荐, NULL undecided
    db["import_batches"].create(
        {"id": str, "form_id": str, "file_name": str, "file_hash": str, "unit": str, "city": str,
         "district": str, "imported_at": str, "counts": str, "undone_at": str},
        pk="id",
    )
    # One row per record a batch inserted or updated, with the row as it was
    # before, so a whole batch can be undone.
    db["import_changes"].create(
        {"batch_id": str, "record_table": str, "record_id": str, "action": str, "before": str},
        foreign_keys=[("batch_id", "import_batches", "id")],
    )
    db["import_changes"].create_index(["batch_id"], index_name="import_changes_batch")


@MIGRATIONS()
def m005_owner_bases(db: sqlite_utils.Database) -> None:
    """The base of each owner group from the last exchange (see storage/bases.py), so that a
    file changes only the groups its sender changed, and both sides changing the same
    group since the last exchange is the only conflict."""
    for table in ("needs", "cases"):
        db[table].add_column("owner_bases", str)
        # When a file last changed a group the reporting unit does not own (feedback arrived).
        db[table].add_column("feedback_at", str)
