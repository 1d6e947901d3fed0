"""Another process that holds SQLite's write lock (``BEGIN IMMEDIATE``) for a while.

Used by the writer tests: a real process, as when ``main.py import`` runs beside the window.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLD = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
    print("released", flush=True)
""")


@contextmanager
def write_lock_held(db_path: str | Path, seconds: float) -> Iterator[subprocess.Popen]:
    """Yield once another process holds the write lock; it lets go after ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(db_path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.wait(timeout=60)
