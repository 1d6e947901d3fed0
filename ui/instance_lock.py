"""One window per database: a ``QLockFile`` next to the database file.

A second window on the same database would keep its own undo history and its own
idea of what is on screen, and one window's undo could overwrite the other's newer
edit. So a second window is refused with a Chinese sentence. The lock is
``<database>.lock``; a lock left by a crashed or killed window is stale (its
process is gone) and is taken over. The command line (import, export, sample)
takes no lock: it only waits for SQLite's write lock, a few seconds at most.
"""

from __future__ import annotations

from pathlib import Path

from ui import strings
from ui.qt import QLockFile


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


def acquire(db_path: str | Path) -> QLockFile | None:
    """Take the window lock for ``db_path``; None when another running window holds it."""
    if str(db_path) == ":memory:":
        return QLockFile("")  # nothing to share
    lock = QLockFile(str(lock_path(db_path)))
    # Stale only when the owner's process is gone, never by age: a window may stay open for days.
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return lock
    return None


def refusal(db_path: str | Path) -> str:
    """The sentence shown when another window already has ``db_path`` open."""
    lock = QLockFile(str(lock_path(db_path)))
    info = lock.getLockInfo()  # PySide6: (pid, hostname, appname), or a falsy value when unreadable
    pid = info[0] if isinstance(info, tuple) and info else 0
    who = strings.LOCK_PID.format(pid=pid) if pid else ""
    return strings.LOCK_REFUSED.format(path=db_path, who=who)
