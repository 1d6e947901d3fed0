"""Opening the database: pragmas, migrations, and refusing files from a newer app.

One connection per thread: open a new one with :func:`open_database` in every
worker thread (sqlite3 connections refuse to cross threads).
"""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import sqlite_utils

from forms import RECORD_FORMS
from forms.fields import Form
from storage.compat_sqlite_utils import migration_names
from storage.errors import (
    DB_NOT_OURS,
    explain_os_error,
    explain_readonly_database,
    explain_sqlite_error,
    readonly_reason,
)
from storage.migrations import MIGRATIONS, RECORD_COLUMNS

APP_DIR_NAME = "wanlixing"


class DatabaseError(Exception):
    """A database problem explained in a Chinese sentence for the officer."""


class DatabaseTooNew(DatabaseError):
    pass


class DatabaseReadOnly(DatabaseError):
    """The file or its folder cannot be written; the file itself is fine."""


TOO_NEW = ("数据库“{path}”由更新版本的万里行填报助手创建，当前版本无法安全打开。"
           "请升级软件后再打开；本软件没有修改该文件。")


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)) / "wanlixing.db"


def schema_names() -> list[str]:
    return migration_names(MIGRATIONS)


def open_database(path: str | Path = ":memory:") -> sqlite_utils.Database:
    """Open (creating if needed) and upgrade the database at ``path``.

    An existing file is first checked through a read-only connection: a file that
    is not ours or comes from a newer version is refused before anything (even
    the journal mode) is written to it. Before a pending upgrade of a database
    that holds records, a backup is taken (:func:`storage.backup.auto_backup`).
    """
    memory = str(path) == ":memory:"
    if not memory:
        _check_before_writing(Path(path))
    try:
        conn = sqlite3.connect(str(path), timeout=15)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.execute("PRAGMA foreign_keys = ON")
        if not memory:
            # WAL keeps readers (exports in a worker thread) from blocking the
            # window's writes; synchronous=FULL makes each commit survive power loss.
            db.enable_wal()
            db.execute("PRAGMA synchronous = FULL")
        _refuse_newer(db, path)  # a second guard; the read-only check has normally refused it already
        MIGRATIONS.apply(db)
        sync_form_columns(db)
    except sqlite3.Error as exc:
        raise DatabaseError(explain_sqlite_error(exc, path)) from exc
    return db


@dataclass
class DatabaseState:
    """What a database file holds, as seen through a read-only connection."""

    empty: bool  # no tables at all: a new file
    ours: bool
    too_new: bool
    needs_upgrade: bool  # pending migrations or form columns to add
    needs: int = 0  # live records (not in the recycle bin)
    cases: int = 0
    unit: str = ""
    rows: int = 0  # needs and cases, the recycle bin included

    @property
    def has_data(self) -> bool:
        return self.rows > 0


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot change the file (not even its journal mode).

    A WAL database on a read-only disk cannot get the shared-memory file a reader
    needs; with no -wal file beside it nothing else is writing it, so it is read
    as immutable.
    """
    path = Path(path).resolve()
    query = "?mode=ro"
    if readonly_reason(path) in ("medium", "folder") and not path.with_name(path.name + "-wal").exists():
        query += "&immutable=1"
    return sqlite3.connect(_file_uri(path) + query, uri=True, timeout=15)


def _file_uri(path: Path) -> str:
    """A SQLite URI for an absolute path: /tmp/x.db, C:\\x.db and a network share \\\\server\\share\\x.db.

    Not ``Path.as_uri()``: it puts a share's server in the URI's authority, which SQLite refuses.
    """
    posix = path.as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix  # C:/x.db
    return "file://" + urllib.parse.quote(posix, safe="/:")


def open_readonly(path: str | Path) -> sqlite_utils.Database:
    """Open an existing database for reading only (exports): nothing is written, not even on a read-only disk.

    Refuses a file that is not ours, is newer, or still needs an upgrade (which would be a write).
    """
    path = Path(path)
    state = inspect_ours(path)
    if state.needs_upgrade:
        # Only reachable for a read-only old database; a writable one is opened (and upgraded) normally.
        raise DatabaseReadOnly(explain_readonly_database(path) or DB_NOT_OURS.format(path=path))
    try:
        return sqlite_utils.Database(connect_readonly(path), execute_plugins=False)
    except sqlite3.Error as exc:
        raise DatabaseError(explain_sqlite_error(exc, path)) from exc


def inspect_database(path: str | Path) -> DatabaseState:
    """Read-only look at an existing database file. Raises DatabaseError with a Chinese sentence."""
    try:
        conn = connect_readonly(path)
        try:
            return _inspect(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(explain_sqlite_error(exc, path)) from exc


def inspect_ours(path: Path, not_ours: type[DatabaseError] = DatabaseError) -> DatabaseState:
    """``inspect_database``, refusing a file that is not our database (as ``not_ours``) or is newer."""
    state = inspect_database(path)
    if state.empty or not state.ours:
        raise not_ours(DB_NOT_OURS.format(path=path))
    if state.too_new:
        raise DatabaseTooNew(TOO_NEW.format(path=path))
    return state


def _inspect(conn: sqlite3.Connection) -> DatabaseState:
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    if not tables:
        return DatabaseState(empty=True, ours=True, too_new=False, needs_upgrade=False)
    applied: set[str] = set()
    if "_sqlite_migrations" in tables:
        applied = {r[0] for r in conn.execute(
            "select name from _sqlite_migrations where migration_set = ?", [MIGRATIONS.name])}
    if not applied or not {"needs", "cases", "settings"} <= tables:
        return DatabaseState(empty=False, ours=False, too_new=False, needs_upgrade=False)
    known = set(schema_names())
    state = DatabaseState(empty=False, ours=True, too_new=bool(applied - known),
                          needs_upgrade=bool(known - applied))
    for form in RECORD_FORMS:
        table = form.id
        columns = {r[1] for r in conn.execute(f"pragma table_info([{table}])")}
        if any(f.key not in columns for f in form.fields):
            state.needs_upgrade = True
        if not columns:  # a form declared since: its table is created on opening
            continue
        live = " where deleted_at is null" if "deleted_at" in columns else ""
        live_count = conn.execute(f"select count(*) from [{table}]{live}").fetchone()[0]
        if hasattr(state, table):
            setattr(state, table, live_count)
        state.rows += conn.execute(f"select count(*) from [{table}]").fetchone()[0]
    row = conn.execute("select value from settings where key = 'profile'").fetchone()
    if row:
        try:
            state.unit = str((json.loads(row[0]).get("value") or {}).get("unit") or "")
        except (ValueError, AttributeError):
            state.unit = ""
    return state


def _check_before_writing(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not ours, is newer, or cannot be written."""
    if path.is_dir():
        raise DatabaseError(DB_NOT_OURS.format(path=path))
    state = None
    if path.exists() and path.stat().st_size > 0:
        state = inspect_database(path)
        if not state.ours:
            raise DatabaseError(DB_NOT_OURS.format(path=path))
        if state.too_new:
            raise DatabaseTooNew(TOO_NEW.format(path=path))
    readonly = explain_readonly_database(path)
    if readonly:
        raise DatabaseReadOnly(readonly)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(explain_os_error(exc, path.parent)) from exc
    if state is not None and state.needs_upgrade and state.has_data:
        from storage.backup import auto_backup  # backup builds on this module

        auto_backup(path, "migration")


def _refuse_newer(db: sqlite_utils.Database, path: str | Path) -> None:
    applied = {m.name for m in MIGRATIONS.applied(db)}
    unknown = applied - set(schema_names())
    if unknown:
        raise DatabaseTooNew(TOO_NEW.format(path=path))


def sync_form_columns(db: sqlite_utils.Database, forms: tuple[Form, ...] | None = None) -> None:
    """Create the table of a record form that has none, and add a nullable column for
    every declared field the tables lack.

    Forms and fields are declared once in ``forms/``; a form or a field added there
    appears here without a hand-written migration. Other structural changes still go
    in migrations.
    """
    for form in RECORD_FORMS if forms is None else forms:
        table = db[form.id]
        if not table.exists():
            create_record_table(db, form)
        existing = set(table.columns_dict)
        for f in form.fields:
            if f.key not in existing:
                table.add_column(f.key, int if f.is_number else str)


def create_record_table(db: sqlite_utils.Database, form: Form) -> None:
    """The table of a form declared after the migrations that created the first two:
    the columns every record table has today (provenance, import tracking), the
    unit's region unless the form names its own, and the form's fields."""
    columns: dict[str, type] = dict(RECORD_COLUMNS)
    if not form.region_in_fields:
        columns.update({"city": str, "district": str})
    columns.update({f.key: int if f.is_number else str for f in form.fields})
    table = db[form.id]
    table.create(columns, pk="id", not_null={"id", "seq", "origin", "created_at", "updated_at"})  # type: ignore[arg-type]
    table.create_index(["deleted_at", "seq"], index_name=f"{form.id}_live_seq")
    table.create_index(["natural_key"], index_name=f"{form.id}_natural_key")
