"""The state an import is planned against: one in-memory view of a table, kept current file by file.

A batch of files is planned file after file against the records *as the files
before it leave them*, never against the database as it was before the batch.
:class:`MergeState` is that view. It is read from the database once per import
and then told about every record a file adds or changes, whether the file is
really written (``apply``) or only previewed (then the records a file would add
or change live here in ``pending`` and the database is not touched).

It keeps for each record only what matching needs: fingerprints of its keys,
whether it is deleted, its place, in a few slots (150,000 records live in a
national import: strings and dicts per record cost some 150 MB more). The whole
records previewed files would write are put aside on disk (storage/spill.py) and
read back only when a later file meets one of them: held in memory, they took
some 400 MB in a national preview. Matching a row is a dictionary look-up, not
a query, which is what lets an import of thousands of files stay linear; the
likely-duplicate hints look up candidates by credit code or folded subject the
same way and read the few candidates found in full.

Runs on whatever thread owns the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from collections.abc import Iterable

from forms.fields import Form
from forms.identity import record_key, subject_key
from storage.records import RecordTable
from storage.spill import Spill

# Columns read for the light view, beyond the form's fields (for the matching key and hints).
_BOOKKEEPING = ("id", "unit", "deleted_at", "natural_key")


def parse_when(text: object) -> dt.datetime | None:
    """An ISO time from a file, a record or a file system, as an aware datetime (naive means UTC)."""
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    # Records carry times to the millisecond; a file system's nanoseconds would make a file saved
    # in the same millisecond as an edit look newer than it.
    when = when.replace(microsecond=when.microsecond // 1000 * 1000)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def older(incoming: object, stored: object) -> bool:
    """True when the incoming version is strictly older than the one already imported."""
    a, b = parse_when(incoming), parse_when(stored)
    return a is not None and b is not None and a < b


def fingerprint(text: str) -> int:
    """A 128-bit digest standing for a matching key or hint key in the state's indexes: 44 bytes
    whatever the key's length (a need's natural key holds its whole 需求内容), and two different
    keys share one with a chance of about 1 in 10^38."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "little")


class Light:
    """What the state keeps of one record (150,000 of them live in a national import, so a few
    slots and no strings of its own beyond its id): what matching and hints need of it."""

    __slots__ = ("id", "deleted", "rank", "keys", "code", "subject", "written_by", "spilled")

    def __init__(self, record_id: str, deleted: bool, rank: int, keys: tuple[int, ...]) -> None:
        self.id = record_id
        self.deleted = deleted
        self.rank = rank  # order of first appearance (rows order), for hints
        # Fingerprints of the keys it is found under: its values' matching key
        # (forms.identity.record_key) and, when different, the key it was imported with.
        self.keys = keys
        self.code = 0  # fingerprints of the credit code and folded subject it is indexed under (0: none)
        self.subject = 0
        self.written_by = ""  # the file of this import that wrote it
        self.spilled: int | None = None  # a previewed file's whole record, in MergeState's spill


def _add(index: dict, key: int, light: Light) -> None:
    """``index[key][light.id] = light``, a key with one record holding the Light itself."""
    found = index.get(key)
    if found is None:
        index[key] = light
    elif isinstance(found, Light):
        index[key] = {found.id: found, light.id: light}
    else:
        found[light.id] = light


def _discard(index: dict, key: int, record_id: str) -> None:
    found = index.get(key)
    if isinstance(found, Light):
        if found.id == record_id:
            del index[key]
    elif found is not None and record_id in found:
        del found[record_id]
        if not found:
            del index[key]


def _values(index: dict, key: int) -> list[Light]:
    found = index.get(key)
    if found is None:
        return []
    if isinstance(found, Light):
        return [found]
    return list(found.values())


class MergeState:
    """Records of one form, as the import so far leaves them."""

    def __init__(self, table: RecordTable) -> None:
        self.table = table
        self.form: Form = table.form
        self.rows: dict[str, Light] = {}  # id -> light record
        self._by_key: dict[int, object] = {}  # key fingerprint -> its records, in display order (see _add)
        # The whole records previewed files would write wait in ``_spill`` (Light.spilled).
        self._spill: Spill | None = None
        self._layouts: dict[tuple[str, ...], int] = {}  # a spilled record's keys, stored once (see _put)
        self._layout_keys: list[tuple[str, ...]] = []
        # Likely-duplicate look-ups (storage.merge._duplicates), kept current like the keys so a
        # file is compared with the records before it without rescanning them all: credit code
        # or folded subject -> the live records under it (hints list them in ``rows`` order).
        self.hints = bool(self.form.hint_fields)
        self._by_code: dict[int, object] = {}
        self._by_subject: dict[int, object] = {}
        keys = ", ".join(f"[{k}]" for k in dict.fromkeys([*self.form.keys, *_BOOKKEEPING]))
        sql = f"select {keys} from [{table.table}] order by deleted_at is not null, seq"
        for record in table.db.query(sql):
            self._remember(record)

    # ---- reading ---------------------------------------------------------------------
    def candidates(self, key: str) -> list[str]:
        """The records found under this matching key, in display order."""
        return [light.id for light in _values(self._by_key, fingerprint(key))]

    @property
    def pending(self) -> dict[str, int]:
        """id -> reference of each whole record a previewed file would write (not in the database)."""
        return {i: light.spilled for i, light in self.rows.items() if light.spilled is not None}

    def record(self, record_id: str) -> dict | None:
        """The whole record as the import so far leaves it."""
        light = self.rows.get(record_id)
        if light is None:
            return None
        if light.spilled is not None:
            return self._get(light.spilled)
        return self.table.get(record_id)

    def live(self) -> Iterable[Light]:
        return (r for r in self.rows.values() if not r.deleted)

    def written_by(self, record_id: str) -> str:
        """The file of this import that wrote the record ("" when none did)."""
        light = self.rows.get(record_id)
        return light.written_by if light is not None else ""

    def hint_pool(self, code: str, subject: str) -> tuple[list[dict], list[dict]]:
        """The live records with this credit code, and those with this folded subject, each in
        ``rows`` order and in full (what scanning every live record for them would find)."""
        whole: dict[str, dict] = {}

        def ordered(index: dict, key: str) -> list[dict]:
            found = _values(index, fingerprint(key))
            if len(found) > 1:
                found.sort(key=lambda r: r.rank)
            out = []
            for light in found:
                if light.id not in whole:  # the same dict in both lists, as one record
                    whole[light.id] = self.record(light.id) or {}
                out.append(whole[light.id])
            return out

        return (ordered(self._by_code, code) if code else []), (ordered(self._by_subject, subject) if subject else [])

    # ---- being told what a file wrote --------------------------------------------------
    def _remember(self, record: dict, known: tuple | None = None) -> Light:
        record_id = record["id"]
        key = known[1] if known else record_key(self.form, record.get("unit") or "", record)
        # A record is found under the key of its current values and under the key it was
        # imported with, so a hand-filled file imported again after a correction here adds nothing.
        stored = record.get("natural_key")
        keys = (fingerprint(key),) if not stored or stored == key else (fingerprint(key), fingerprint(str(stored)))
        old = self.rows.get(record_id)
        light = Light(record_id, bool(record.get("deleted_at")), old.rank if old is not None else len(self.rows), keys)
        if old is not None:
            light.written_by = old.written_by
            light.spilled = old.spilled
            for k in old.keys:
                _discard(self._by_key, k, record_id)
        self.rows[record_id] = light
        for k in keys:
            _add(self._by_key, k, light)
        if self.hints:
            self._index_hints(light, old, record, known[2] if known else None)
        return light

    def _index_hints(self, light: Light, old: Light | None, record: dict, subject: str | None = None) -> None:
        if old is not None:
            if old.code:
                _discard(self._by_code, old.code, light.id)
            if old.subject:
                _discard(self._by_subject, old.subject, light.id)
        if light.deleted:
            return
        code = str(record["credit_code"]) if record.get("credit_code") else ""
        if subject is None:
            subject = subject_key(str(record.get("subject_name") or ""))
        if code:
            light.code = fingerprint(code)
            _add(self._by_code, light.code, light)
        if subject:
            light.subject = fingerprint(subject)
            _add(self._by_subject, light.subject, light)

    def wrote(self, record: dict, file_name: str, simulated: bool, known: tuple | None = None) -> None:
        """A file of this import added or changed ``record`` (the whole row as written).
        ``known``: its digest, matching key and folded subject (or None) when the caller has them."""
        light = self._remember(record, known)
        light.written_by = file_name
        light.spilled = self._put(record) if simulated else None  # else the database holds it

    def _put(self, record: dict) -> int:
        """Put a previewed record aside: its values in the order of its keys, the keys once per layout."""
        keys = tuple(record)
        layout = self._layouts.get(keys)
        if layout is None:
            layout = self._layouts[keys] = len(self._layout_keys)
            self._layout_keys.append(keys)
        if self._spill is None:
            self._spill = Spill()
        # marshal, not pickle: pickling a str caches its UTF-8 copy on it (PyUnicode_AsUTF8AndSize),
        # which the preview's strings would then carry for as long as the preview is open.
        return self._spill.put(marshal.dumps((layout, tuple(record.values()))))

    def _get(self, ref: int) -> dict:
        assert self._spill is not None
        layout, values = marshal.loads(self._spill.get(ref))
        return dict(zip(self._layout_keys[layout], values, strict=True))

    def close(self) -> None:
        """Remove what was put aside (also done when the state is garbage-collected)."""
        if self._spill is not None:
            self._spill.close()
