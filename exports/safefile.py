"""Writing files atomically: a crash never leaves a half-written file under the final name."""

from __future__ import annotations

import contextlib
import errno
import gc
import logging
import os
import secrets
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from storage import tempfiles
from storage.errors import readonly_reason

log = logging.getLogger(__name__)

TEMP_PREFIX = ".~"


@contextlib.contextmanager
def atomic_path(final: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; on success it replaces ``final``.

    The temporary file lives in the same folder so the rename is atomic. While it
    exists it is recorded with :mod:`storage.tempfiles`, so a killed process's
    temporary file is removed on the next start.
    """
    final = Path(final)
    try:
        _refuse_read_only(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp_path, note = _create_temporary(final)
    except OSError as exc:
        _name_final(exc, final)
        raise
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp creates owner-only files; an exported document should get the
        # permissions any other new file would (it is e-mailed and shared).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, final)
    except BaseException as exc:
        _release_writers(exc)
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        if isinstance(exc, OSError):
            _name_final(exc, final)
        raise
    finally:
        if not tmp_path.exists():
            tempfiles.unregister(note)


def _create_temporary(final: Path) -> tuple[Path, Path | None]:
    """Create an empty owner-only file beside ``final``, noted *before* it exists (a kill in between
    leaves a note without a file, never a file without a note)."""
    for _ in range(100):
        tmp_path = final.with_name(f"{TEMP_PREFIX}{final.stem[:40]}{secrets.token_hex(4)}{final.suffix}")
        note = tempfiles.register(tmp_path)
        try:
            os.close(os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            tempfiles.unregister(note)
            continue
        except BaseException:
            tempfiles.unregister(note)
            raise
        return tmp_path, note
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final))


def _refuse_read_only(final: Path) -> None:
    """A file or folder marked read-only is not written, even by a process that could (root, or
    a rename over a read-only file, which POSIX allows and Windows does not)."""
    reason = readonly_reason(final)
    if reason == "medium":
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(final))
    if reason in ("file", "folder"):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(final))


def _name_final(exc: OSError, final: Path) -> None:
    """A failure on the temporary file is reported under the name the officer chose."""
    if exc.filename is None or Path(exc.filename).name.startswith(TEMP_PREFIX):
        exc.filename = str(final)


def _release_writers(exc: BaseException) -> None:
    """Close the half-written file before it is removed.

    A writer that failed (openpyxl's ZipFile on a full disk) is still referenced by
    the traceback's frames; its ``__del__`` later retries the write and prints an
    English traceback to stderr, and on Windows the open handle stops the unlink.
    Clearing the finished frames' locals frees it now; what its ``__del__`` says goes
    to the log, not to the officer.
    """
    previous = sys.unraisablehook
    sys.unraisablehook = _log_unraisable
    try:
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = previous


def _log_unraisable(unraisable) -> None:
    log.warning("ignored while discarding a failed write: %r in %r", unraisable.exc_value, unraisable.object)
