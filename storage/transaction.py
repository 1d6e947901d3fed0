"""The one way to write: ``write_transaction(db)``.

Every write transaction starts with ``BEGIN IMMEDIATE``. SQLite's busy timeout
(``timeout=15`` when :func:`storage.db.open_database` connects) only helps a
connection that asks for the write lock up front: a deferred ``BEGIN`` (which is
what sqlite-utils' ``db.atomic()`` issues) that reads first and then writes gets
``SQLITE_BUSY`` at once on the read-to-write upgrade when another process holds
the lock, and the timeout is never used. With ``BEGIN IMMEDIATE`` a window edit
waits while ``main.py import`` commits, and the other way round.

Nested use becomes a savepoint, so a helper that writes can be called both on its
own and inside a bigger transaction.

A write that fails (the lock was held past the timeout, the disk is full, the file
is read-only) is rolled back and raised as :class:`WriteFailed`, whose text is a
Chinese sentence saying that nothing was saved and what to do.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from storage.db import DatabaseError


class WriteFailed(DatabaseError):
    """A write was rolled back; the message says so in Chinese, naming the reason."""


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one write transaction that waits for the lock (``BEGIN IMMEDIATE``).

    Commits when the block ends, rolls back on any exception. Inside an open
    transaction it uses a savepoint instead. SQLite errors become
    :class:`WriteFailed`; other exceptions pass through unchanged.
    Runs on the calling thread's own connection.
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"wanlixing_{secrets.token_hex(8)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            # An error may already have ended the whole transaction, savepoint included.
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise WriteFailed(failure_message(db, exc)) from exc
    try:
        yield db
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise WriteFailed(failure_message(db, exc)) from exc
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def busy_timeout(db: sqlite_utils.Database) -> float:
    """Seconds this connection waits for another writer."""
    return db.execute("PRAGMA busy_timeout").fetchone()[0] / 1000


def _file_of(db: sqlite_utils.Database) -> str:
    try:
        rows = db.execute("PRAGMA database_list").fetchall()
    except sqlite3.Error:
        return ""
    return next((r[2] for r in rows if r[1] == "main"), "") or ""


def failure_message(db: sqlite_utils.Database, exc: BaseException) -> str:
    """The Chinese sentence for a write SQLite refused."""
    text = str(exc).lower()
    path = _file_of(db)
    where = f"“{path}”" if path else ""
    if "locked" in text or "busy" in text:
        try:
            waited = f"等待 {busy_timeout(db):.0f} 秒后"
        except sqlite3.Error:
            waited = "等待后"
        return (f"数据库{where}正被另一个程序（例如正在进行的导入或另一个窗口）占用，{waited}仍未释放，"
                "这次修改没有保存。请稍后再试。")
    if "full" in text:
        return f"磁盘空间已满，这次修改没有保存到数据库{where}。请清理磁盘空间后再试。"
    if "readonly" in text or "read-only" in text:
        return (f"数据库文件{where}是只读的，这次修改没有保存。"
                "请检查文件和所在文件夹的写入权限，或把数据库复制到可写的位置后再打开。")
    return f"写入数据库{where}时出错，这次修改没有保存。请检查磁盘后再试；详情已写入日志。"
