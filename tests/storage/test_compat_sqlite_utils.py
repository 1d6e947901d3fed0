"""storage/compat_sqlite_utils.py and the sqlite-utils features used instead of hand-written code.

A failure here after upgrading sqlite-utils names what changed; fix the compat module
(and only it), or keep the upper bound in pyproject.toml.
"""

from __future__ import annotations

import sqlite_utils

from storage.compat_sqlite_utils import migration_names
from storage.db import open_database, schema_names


def test_migration_names_in_registration_order():
    steps = sqlite_utils.Migrations("compat-test")

    @steps()
    def m001_first(db):
        db["a"].create({"id": int})

    @steps(name="m002_named")
    def second(db):
        db["b"].create({"id": int})

    assert migration_names(steps) == ["m001_first", "m002_named"]
    db = sqlite_utils.Database(memory=True)
    steps.apply(db)
    # Listing did not apply anything anywhere; applying leaves nothing pending.
    assert migration_names(steps) == ["m001_first", "m002_named"]
    assert steps.pending(db) == []


def test_app_schema_names_match_what_opening_applies(tmp_path):
    db = open_database(tmp_path / "x.db")
    applied = [row["name"] for row in db.query(
        "select name from _sqlite_migrations where migration_set = 'wanlixing' order by rowid")]
    assert applied == schema_names() and len(applied) >= 3


def test_enable_wal_on_a_file(tmp_path):
    db = open_database(tmp_path / "wal.db")
    assert db.journal_mode == "wal"
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma synchronous").fetchone()[0] == 2  # FULL


def test_chunks_exists_for_the_bound_parameter_limit():
    from sqlite_utils.utils import chunks

    assert [list(c) for c in chunks(range(5), 2)] == [[0, 1], [2, 3], [4]]
