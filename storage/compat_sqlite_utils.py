"""What storage needs from sqlite-utils beyond its documented API, in one place
(tested by tests/storage/test_compat_sqlite_utils.py).

``Migrations`` keeps its registered steps in the private ``_migrations`` list and
has no public way to list them; the app needs their names to refuse a database
written by a newer version (a step it does not know) and to stamp exports with
the schema version. ``pending()`` against an empty in-memory database is public
and returns every registered step in order, so that is used instead of the list.

Pinned below the next major version in pyproject.toml; when sqlite-utils is upgraded,
the test fails here first, with the name of what changed.
"""

from __future__ import annotations

import sqlite_utils


def migration_names(migrations: sqlite_utils.Migrations) -> list[str]:
    """The names of every step registered in ``migrations``, in order."""
    # No plugins, as everywhere in storage: loading them scans every installed package's entry
    # points (importlib.metadata, about 13 ms of each start-up), and the app uses none.
    empty = sqlite_utils.Database(memory=True, execute_plugins=False)
    try:
        return [m.name for m in migrations.pending(empty)]
    finally:
        empty.close()
