"""Objects put aside on disk while a long preview runs, so memory does not grow with it.

A national import previews about 3,000 files and 150,000 records before the officer
presses 导入; holding what was read, and what each previewed file would write, in
memory took over 1 GB. A :class:`Spill` keeps them in one anonymous temporary file
instead, and gives back a number to fetch each again.

The file has no name to leave behind: ``tempfile.TemporaryFile`` is unlinked at once on
Linux and macOS and opened delete-on-close on Windows, so the system removes it when the
spill is closed, garbage-collected, or its process is killed — no clean-up note
(storage/tempfiles.py) is needed. Safe to share between threads.
"""

from __future__ import annotations

import pickle
import tempfile
import threading
import weakref
import zlib

_LENGTH_BITS = 40  # a reference is offset << 40 | length: one int, the smallest thing to keep per record


class SpillError(Exception):
    """What was put aside cannot be read back (the temporary file was damaged)."""


def pack(obj: object, compress: bool = False) -> bytes:
    """``obj`` as bytes for :meth:`Spill.put` (``compress``: about a fifth of the size, for
    a file's rows; a single record is too small to gain from it)."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return b"z" + zlib.compress(data, 1) if compress else b"p" + data


def unpack(data: bytes) -> object:
    try:
        return pickle.loads(zlib.decompress(data[1:]) if data[:1] == b"z" else data[1:])
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise SpillError("unreadable spilled object") from exc


class Spill:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix=".~wanlixing-", suffix=".spill")
        self._lock = threading.Lock()
        self._end = 0
        # Closed when the last reference goes (the preview's FilePreviews, a MergeState).
        weakref.finalize(self, self._file.close)

    def put(self, data: bytes) -> int:
        """Append ``data``; returns its reference."""
        with self._lock:
            offset = self._end
            self._file.seek(offset)
            self._file.write(data)
            self._end = offset + len(data)
        return offset << _LENGTH_BITS | len(data)

    def get(self, ref: int) -> bytes:
        offset, length = ref >> _LENGTH_BITS, ref & ((1 << _LENGTH_BITS) - 1)
        with self._lock:
            if self._file.closed:
                raise SpillError("the spill is closed")
            try:
                self._file.seek(offset)
                data = self._file.read(length)
            except OSError as exc:
                raise SpillError(f"cannot read {length} bytes at {offset}") from exc
        if len(data) != length:
            raise SpillError(f"{length} bytes at {offset} wanted, {len(data)} found")
        return data

    def put_object(self, obj: object, compress: bool = False) -> int:
        return self.put(pack(obj, compress))

    def get_object(self, ref: int) -> object:
        return unpack(self.get(ref))

    @property
    def size(self) -> int:
        """Bytes on disk."""
        return self._end

    def close(self) -> None:
        with self._lock:
            self._file.close()
