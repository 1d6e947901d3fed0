"""Schema migrations: append new ones at the end, never edit an applied one.

The column lists are written out here on purpose, frozen as they were when
each migration was released; later form fields arrive through
``db.sync_form_columns``.
"""

from __future__ import annotations

import json

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


# The columns other than form fields that a record table has after all migrations (a
# form declared later gets its table with these: storage.db.create_record_table).
# Append here what a migration adds to every record table.
RECORD_COLUMNS: dict[str, type] = {
    **_PROVENANCE,
    "import_digest": str,  # m003
    "source_updated_at": str,
    "natural_key": str,
    "owner_bases": str,  # m005
    "feedback_at": str,
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


# Columns each search index concatenates, as the search box searched them when
# m004 was released: the form's text fields plus the reporting unit. A later
# field that should be searchable needs a migration that calls
# ``create_search_index`` again with the longer list; until then the search
# notices the difference (table ``search_index``) and falls back to LIKE.
M004_SEARCH_COLUMNS = {
    "needs": ["subject_name", "credit_code", "subject_type", "industry", "category", "content", "coord_level",
              "contact", "phone", "remark", "status", "feedback", "unit"],
    "cases": ["name", "recommender", "city", "district", "category", "implementer", "contact", "position",
              "phone", "email", "background", "practice", "results", "lessons", "opinion", "unit"],
}


def search_document_sql(columns: list[str], alias: str = "") -> str:
    """The text a record is searched in: its columns joined by one space.

    The same expression serves the index triggers and the LIKE fallback, so the
    indexed text and the text the old LIKE search looked at are identical.
    """
    prefix = f"{alias}." if alias else ""
    return " || ' ' || ".join(f"ifnull({prefix}[{c}], '')" for c in columns)


def trigram_supported(db: sqlite_utils.Database) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (SQLite 3.34+)."""
    try:
        db.execute("create virtual table temp.wlx_trigram_probe using fts5(x, tokenize='trigram')")
    except Exception:  # sqlite3.OperationalError: no such module / tokenizer
        return False
    db.execute("drop table temp.wlx_trigram_probe")
    return True


def create_search_index(db: sqlite_utils.Database, table: str, columns: list[str]) -> None:
    """(Re)build ``{table}_fts``, a trigram index of each record's search document.

    The index holds its own copy of the document (one column, keyed by the
    record's rowid), padded with two spaces so that every occurrence of a one-
    or two-character word starts some trigram: such words are looked up through
    ``{table}_fts_terms`` (the index's vocabulary). Triggers keep the index in
    step with inserts, updates and deletes, whoever writes.
    """
    fts = f"{table}_fts"
    for suffix in ("ai", "ad", "au"):
        db.execute(f"drop trigger if exists [{fts}_{suffix}]")
    db.execute(f"drop table if exists [{fts}_terms]")
    db.execute(f"drop table if exists [{fts}]")
    db.execute(f"create virtual table [{fts}] using fts5(doc, tokenize='trigram')")
    db.execute(f"create virtual table [{fts}_terms] using fts5vocab([{fts}], 'row')")
    db.execute(f"insert into [{fts}](rowid, doc) select rowid, {search_document_sql(columns)} || '  ' from [{table}]")
    new_doc = search_document_sql(columns, "new") + " || '  '"
    watched = ", ".join(f"[{c}]" for c in columns)
    db.execute(f"create trigger [{fts}_ai] after insert on [{table}] begin "
               f"insert into [{fts}](rowid, doc) values (new.rowid, {new_doc}); end")
    db.execute(f"create trigger [{fts}_ad] after delete on [{table}] begin "
               f"delete from [{fts}] where rowid = old.rowid; end")
    db.execute(f"create trigger [{fts}_au] after update of {watched} on [{table}] begin "
               f"delete from [{fts}] where rowid = old.rowid; "
               f"insert into [{fts}](rowid, doc) values (new.rowid, {new_doc}); end")
    db.execute("insert or replace into search_index (record_table, fts_table, columns) values (?, ?, ?)",
               [table, fts, json.dumps(columns)])


@MIGRATIONS()
def m004_search(db: sqlite_utils.Database) -> None:
    """Trigram full-text indexes behind the search box of the needs, 汇总 and case lists.

    On an SQLite older than 3.34 (no trigram tokenizer) nothing is created and
    the search keeps scanning with LIKE: same results, slower on large lists.
    """
    db["search_index"].create({"record_table": str, "fts_table": str, "columns": str}, pk="record_table")
    if not trigram_supported(db):
        return
    for table, columns in M004_SEARCH_COLUMNS.items():
        create_search_index(db, table, columns)


@MIGRATIONS()
def m005_owner_bases(db: sqlite_utils.Database) -> None:
    """The base of each owner group from the last exchange (see storage/bases.py), so that a
    file changes only the groups its sender changed, and both sides changing the same
    group since the last exchange is the only conflict."""
    for table in ("needs", "cases"):
        db[table].add_column("owner_bases", str)
        # When a file last changed a group the reporting unit does not own (feedback arrived).
        db[table].add_column("feedback_at", str)


@MIGRATIONS()
def m006_search_matching_fields(db: sqlite_utils.Database) -> None:
    """The needs search index also covers the matching fields of the feedback step
    (匹配资源/对接单位, 反馈单位, 反馈日期), so searching keeps using the index."""
    if not trigram_supported(db):
        return
    added = {"matched_resource": str, "feedback_unit": str, "feedback_date": str}
    existing = set(db["needs"].columns_dict)
    for column, kind in added.items():
        if column not in existing:
            db["needs"].add_column(column, kind)
    columns = ["subject_name", "credit_code", "subject_type", "industry", "category", "content", "coord_level",
               "contact", "phone", "remark", "status", "matched_resource", "feedback", "feedback_unit",
               "feedback_date", "unit"]
    create_search_index(db, "needs", columns)


@MIGRATIONS()
def m007_import_changes_by_record(db: sqlite_utils.Database) -> None:
    """来源 under 汇总清单 lists every import that touched the selected record: looked up by
    record, not by batch (34 ms a click at 150,000 change rows without this index)."""
    db["import_changes"].create_index(["record_table", "record_id"], index_name="import_changes_record",
                                      if_not_exists=True)
