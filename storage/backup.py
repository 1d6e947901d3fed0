"""Backups through SQLite's online backup API: automatic, rotating, and restorable.

Backups live in a ``backups`` folder beside the database (the default one in the
user data folder, or the file given with ``--db``), named after the database, the
local time and the reason, e.g. ``backups/wanlixing-20260521-093000-daily.db``. Each
is a self-contained SQLite file (rollback journal, no -wal file), copied page by
page from a read-only connection, so the copy is consistent even while the window
is writing.

Taken automatically: at start-up at most once a day, before a migration of a
database that holds records, before every import (the import pipeline calls
:func:`auto_backup`), and before a restore. The newest ``KEEP`` backups are kept,
and besides them the newest ``KEEP_DAILY`` start-up backups, so a busy afternoon
of imports never pushes out last week's state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage import tempfiles
from storage.db import DB_NOT_OURS, TOO_NEW, DatabaseError, connect_readonly, inspect_database, inspect_ours
from storage.errors import (
    DB_CORRUPT,
    DISK_FULL,
    explain_os_error,
    explain_readonly,
    explain_readonly_database,
    explain_sqlite_error,
)

log = logging.getLogger(__name__)

BACKUP_DIR_NAME = "backups"
KEEP = 10
KEEP_DAILY = 5

# What the officer reads for each reason (file names carry the English key).
REASONS = {
    "daily": "每日自动备份",
    "migration": "升级数据库前自动备份",
    "import": "导入前自动备份",
    "restore": "恢复备份前自动备份",
    "manual": "手动备份",
}

_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>[a-z]+)(?:-\d+)?\.db$")
_STAMP = "%Y%m%d-%H%M%S"


class BackupError(DatabaseError):
    """A backup or restore that could not be done, as a Chinese sentence."""


@dataclass
class BackupInfo:
    path: Path
    taken_at: dt.datetime | None
    reason: str  # a key of REASONS, or "" for a file we did not name
    needs: int | None = None  # filled by describe()
    cases: int | None = None
    unit: str = ""
    error: str = ""  # Chinese sentence when the file cannot be read

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, "备份")

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def backup_dir(db_path: str | Path) -> Path:
    return Path(db_path).resolve().parent / BACKUP_DIR_NAME


def list_backups(db_path: str | Path) -> list[BackupInfo]:
    """Backups of ``db_path``, newest first (from their names; nothing is opened)."""
    folder = backup_dir(db_path)
    stem = Path(db_path).stem
    out: list[BackupInfo] = []
    if not folder.is_dir():
        return out
    for path in folder.glob("*.db"):
        m = _NAME.match(path.name)
        if not m or m["stem"] != stem:
            continue
        try:
            taken = dt.datetime.strptime(m["stamp"], _STAMP)
        except ValueError:
            continue
        out.append(BackupInfo(path, taken, m["reason"]))
    out.sort(key=lambda b: (b.taken_at or dt.datetime.min, b.path.name), reverse=True)
    return out


def describe(path: str | Path) -> BackupInfo:
    """What a backup (or any database file) holds: counts of needs and cases and the reporting unit."""
    path = Path(path)
    m = _NAME.match(path.name)
    taken = dt.datetime.strptime(m["stamp"], _STAMP) if m else None
    info = BackupInfo(path, taken, m["reason"] if m else "")
    try:
        state = inspect_database(path)
    except DatabaseError as exc:
        info.error = str(exc)
        return info
    if not state.ours or state.empty:
        info.error = DB_NOT_OURS.format(path=path)
    elif state.too_new:
        info.error = TOO_NEW.format(path=path)
    info.needs, info.cases, info.unit = state.needs, state.cases, state.unit
    return info


def copy_database(source: str | Path, dest: str | Path) -> Path:
    """Copy the database ``source`` to ``dest`` with SQLite's backup API; ``dest`` is replaced atomically.

    The source is read through a read-only connection; other connections may keep
    writing. The copy uses a rollback journal so it is one self-contained file.
    """
    source, dest = Path(source), Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(explain_os_error(exc, dest.parent)) from exc
    tmp = dest.with_name(f".~{dest.name}.{os.getpid()}.tmp")
    note = tempfiles.register(tmp)
    try:
        _remove(tmp)
        src = _open_source(source)
        try:
            try:
                out = sqlite3.connect(tmp)
                try:
                    src.backup(out)
                    out.execute("PRAGMA journal_mode = DELETE")
                finally:
                    out.close()
            except sqlite3.Error as exc:
                code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
                if code == 11:  # SQLITE_CORRUPT: the source, not the copy
                    raise BackupError(DB_CORRUPT.format(path=source)) from exc
                raise BackupError(_explain_dest(exc, code, dest)) from exc
        finally:
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        raise BackupError(explain_os_error(exc, dest)) from exc
    finally:
        for path in [tmp, *(tmp.with_name(tmp.name + s) for s in tempfiles.SQLITE_COMPANIONS)]:
            _remove(path)
        tempfiles.unregister(note)
    return dest


def _explain_dest(exc: sqlite3.Error, code: int, dest: Path) -> str:
    """The copy is a file like any other: name it as such, not as a database that cannot be saved."""
    if code == 13:  # SQLITE_FULL
        return DISK_FULL.format(path=dest)
    if code in (3, 8, 14):  # PERM, READONLY, CANTOPEN
        readonly = explain_readonly(dest, database=False)
        if readonly:
            return readonly
    return explain_sqlite_error(exc, dest)


def _open_source(source: Path) -> sqlite3.Connection:
    """A read-only connection, already reading, so that a bad source is named as the source."""
    if not source.is_file():
        raise BackupError(f"找不到数据库文件“{source}”。请检查路径是否正确。")
    try:
        conn = connect_readonly(source)
    except sqlite3.Error as exc:
        raise BackupError(explain_sqlite_error(exc, source)) from exc
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise BackupError(explain_sqlite_error(exc, source)) from exc
    return conn


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:  # e.g. a read-only disk: the failure that matters is reported by the caller
        log.warning("could not remove %s", path, exc_info=True)


def take_backup(db_path: str | Path, reason: str, now: dt.datetime | None = None) -> Path:
    """Copy ``db_path`` into its backups folder now, then rotate. Raises BackupError."""
    if reason not in REASONS:
        raise ValueError(reason)
    db_path = Path(db_path)
    stamp = (now or dt.datetime.now()).strftime(_STAMP)
    folder = backup_dir(db_path)
    dest = folder / f"{db_path.stem}-{stamp}-{reason}.db"
    n = 2
    while dest.exists():
        dest = folder / f"{db_path.stem}-{stamp}-{reason}-{n}.db"
        n += 1
    copy_database(db_path, dest)
    log.info("backup (%s) of %s written to %s", reason, db_path, dest)
    rotate(db_path)
    return dest


def auto_backup(db_path: str | Path, reason: str, now: dt.datetime | None = None) -> Path | None:
    """Take an automatic backup of ``db_path`` when there is something to keep.

    ``reason`` is one of ``"daily"`` (start-up; skipped when one was already taken
    today), ``"migration"``, ``"import"`` or ``"restore"``. Returns the backup's path,
    or None when nothing was copied: no such file, an in-memory database, a
    database without records, or today's daily backup already exists.
    Raises BackupError (a DatabaseError with a Chinese sentence) when the copy
    fails, e.g. on a full disk; the database itself is untouched then.
    Runs on any thread; it opens its own read-only connection.
    """
    if str(db_path) == ":memory:":
        return None
    db_path = Path(db_path)
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    if reason == "daily" and explain_readonly_database(db_path):
        return None  # a database that cannot change needs no new daily copy (nor can one go beside it)
    now = now or dt.datetime.now()
    if reason == "daily" and any(b.reason == "daily" and b.taken_at and b.taken_at.date() == now.date()
                                 for b in list_backups(db_path)):
        return None
    try:
        state = inspect_database(db_path)
    except DatabaseError:
        if reason == "daily":
            return None  # the open that follows explains what is wrong with the file
        raise
    if not state.ours or state.too_new or not state.has_data:
        return None
    return take_backup(db_path, reason, now)


def rotate(db_path: str | Path) -> list[Path]:
    """Delete old backups of ``db_path``: keep the newest KEEP, plus the newest KEEP_DAILY daily ones."""
    backups = list_backups(db_path)
    keep = {b.path for b in backups[:KEEP]}
    keep |= {b.path for b in [b for b in backups if b.reason == "daily"][:KEEP_DAILY]}
    removed = []
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                log.warning("could not delete old backup %s", b.path, exc_info=True)
    return removed


def check_restorable(source: str | Path) -> BackupInfo:
    """Refuse a file that is not our database, is from a newer version, or is damaged."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"找不到备份文件“{source}”。请检查路径是否正确。")
    info = describe(source)
    inspect_ours(source, BackupError)
    try:
        conn = connect_readonly(source)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(explain_sqlite_error(exc, source)) from exc
    if not ok:
        raise BackupError(DB_CORRUPT.format(path=source))
    return info


def restore(source: str | Path, db_path: str | Path) -> Path | None:
    """Replace the contents of ``db_path`` with the backup ``source``.

    The current database is backed up first (reason ``restore``); returns that
    backup's path (None when the current database held no records). The copy goes
    through the backup API into the live file, so it is one transaction: an
    interrupted restore leaves the database as it was. Close the window's other
    connections' pages afterwards (reopen the Store): they still show the old data.
    """
    source, db_path = Path(source), Path(db_path)
    check_restorable(source)
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise BackupError(f"“{source}”就是当前的数据库，不能用它自己来恢复。请选择一个备份文件。")
    before = auto_backup(db_path, "restore") if db_path.exists() else None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        src = connect_readonly(source)
        try:
            dest = sqlite3.connect(db_path, timeout=15)
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(explain_sqlite_error(exc, db_path)) from exc
    except OSError as exc:
        raise BackupError(explain_os_error(exc, db_path)) from exc
    log.info("restored %s from %s (previous state kept in %s)", db_path, source, before)
    return before


def clean_stale_temp_files(db_path: str | Path | None = None) -> list[Path]:
    """Start-up: remove temporary files left by killed exports and backups."""
    removed = tempfiles.clean_stale()
    if db_path is not None and str(db_path) != ":memory:":
        folder = backup_dir(db_path)
        if folder.is_dir():
            for tmp in folder.glob(".~*.tmp*"):
                pid = tmp.name.rsplit(".tmp", 1)[0].rsplit(".", 1)[-1]
                if pid.isdigit() and not tempfiles.pid_alive(int(pid)):
                    with contextlib.suppress(OSError):
                        tmp.unlink()
                        removed.append(tmp)
    return removed
