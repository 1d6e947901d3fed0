"""Opening the database: pragmas, migrations, and refusing files from a newer app.

One connection per thread: open a new one with :func:`open_database` in every
worker thread (sqlite3 connections refuse to cross threads).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import platformdirs
import sqlite_utils

from forms import CASES, NEEDS
from storage.compat_sqlite_utils import migration_names
from storage.migrations import MIGRATIONS

APP_DIR_NAME = "wanlixing"


class DatabaseError(Exception):
    """A database problem explained in a Chinese sentence for the officer."""


class DatabaseTooNew(DatabaseError):
    pass


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)) / "wanlixing.db"


def schema_names() -> list[str]:
    return migration_names(MIGRATIONS)


def open_database(path: str | Path = ":memory:") -> sqlite_utils.Database:
    """Open (creating if needed) and upgrade the database at ``path``."""
    memory = str(path) == ":memory:"
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=15)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.execute("PRAGMA foreign_keys = ON")
        if not memory:
            # WAL keeps readers (exports in a worker thread) from blocking the
            # window's writes; synchronous=FULL makes each commit survive power loss.
            db.enable_wal()
            db.execute("PRAGMA synchronous = FULL")
        _refuse_newer(db, path)
        MIGRATIONS.apply(db)
        sync_form_columns(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"无法打开数据库文件“{path}”：它不是本软件的数据库，或文件已损坏（{exc}）。"
        ) from exc
    return db


def _refuse_newer(db: sqlite_utils.Database, path: str | Path) -> None:
    applied = {m.name for m in MIGRATIONS.applied(db)}
    unknown = applied - set(schema_names())
    if unknown:
        raise DatabaseTooNew(
            f"数据库“{path}”由更新版本的万里行填报助手创建，当前版本无法安全打开。"
            "请升级软件后再打开；本软件没有修改该文件。"
        )


def sync_form_columns(db: sqlite_utils.Database) -> None:
    """Add a nullable column for every declared field the tables lack.

    Fields are declared once in ``forms/``; a field added there appears here
    without a hand-written migration. Structural changes still go in migrations.
    """
    for table, form in (("needs", NEEDS), ("cases", CASES)):
        existing = set(db[table].columns_dict)
        for f in form.fields:
            if f.key not in existing:
                db[table].add_column(f.key, int if f.is_number else str)
