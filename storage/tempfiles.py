"""Temporary files that a killed process leaves behind are removed on the next start.

Exports and backups are written to a temporary file beside their final name and
renamed at the end. If the process is killed in between, the temporary file stays
in whatever folder the officer chose. So each one is recorded in a small note in
the user data folder while it exists; at start-up, notes of processes that are no
longer running name the files to remove.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

APP_DIR_NAME = "wanlixing"
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")


def pending_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)) / "pending"


def register(path: Path) -> Path | None:
    """Note that ``path`` is a temporary file of this process; returns the note (None if it could not be written)."""
    note = pending_dir() / f"{os.getpid()}-{uuid.uuid4().hex}.txt"
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(str(Path(path).resolve()), encoding="utf-8")
    except OSError:  # a missing note only means no clean-up after a kill
        log.warning("could not record temporary file %s", path, exc_info=True)
        return None
    return note


def unregister(note: Path | None) -> None:
    if note is not None:
        with contextlib.suppress(OSError):
            note.unlink()


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def clean_stale() -> list[Path]:
    """Start-up: remove temporary files of processes that are gone. Returns the files removed."""
    removed: list[Path] = []
    folder = pending_dir()
    if not folder.is_dir():
        return removed
    for note in folder.glob("*.txt"):
        try:
            pid = int(note.name.split("-", 1)[0])
        except ValueError:
            continue
        if pid_alive(pid):
            continue
        try:
            target = Path(note.read_text(encoding="utf-8").strip())
            # Only our own temporary names: a damaged note never deletes an officer's file.
            if target.name.startswith(".~"):
                # SQLite's companions too: a killed backup leaves the copy's -wal/-shm/-journal.
                for path in [target, *(target.with_name(target.name + s) for s in SQLITE_COMPANIONS)]:
                    if path.is_file():
                        path.unlink()
                        removed.append(path)
                        log.info("removed temporary file left by process %s: %s", pid, path)
            note.unlink()
        except OSError:
            log.warning("could not clean temporary file from %s", note, exc_info=True)
    return removed
