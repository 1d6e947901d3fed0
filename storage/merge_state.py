"""The state an import is planned against: one in-memory view of a table, kept current file by file.

A batch of files is planned file after file against the records *as the files
before it leave them*, never against the database as it was before the batch.
:class:`MergeState` is that view. It is read from the database once per import
and then told about every record a file adds or changes, whether the file is
really written (``apply``) or only previewed (then the records a file would add
or change live here in ``pending`` and the database is not touched).

It keeps for each record only what matching needs (keys, owner, digests,
version; a few hundred bytes, 150,000 records in a national import). The whole
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
import marshal
from collections.abc import Iterable

from forms.fields import Form
from forms.identity import record_digest, record_key, subject_key
from storage.records import RecordTable
from storage.spill import Spill

# Columns of the light view, beyond the form's identity and duplicate-hint fields.
_BOOKKEEPING = ("id", "unit", "origin", "deleted_at", "natural_key", "import_digest", "source_updated_at")


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


class Light:
    """What the state keeps of one record (a few hundred bytes: 150,000 of them live in one
    import): the columns matching and hints read, by name as in a dict, plus its place."""

    __slots__ = ("_index", "_values", "rank", "key", "hint_keys", "written_by")

    def __init__(self, index: dict[str, int], values: tuple, rank: int, key: str) -> None:
        self._index = index
        self._values = values
        self.rank = rank  # order of first appearance (rows order), for hints
        self.key = key  # the matching key of its values (forms.identity.record_key)
        self.hint_keys: tuple[str, str] | None = None  # (credit code, folded subject) it is indexed under
        self.written_by = ""  # the file of this import that wrote it

    def get(self, key: str, default: object = None) -> object:
        i = self._index.get(key)
        return default if i is None else self._values[i]

    def __getitem__(self, key: str) -> object:
        return self._values[self._index[key]]

    def __contains__(self, key: str) -> bool:
        return key in self._index


def _add(index: dict, key: str, record_id: str, value: object) -> None:
    """``index[key][record_id] = value``, a key with one record holding it without a dict."""
    found = index.get(key)
    if found is None:
        index[key] = (record_id, value)
    elif isinstance(found, tuple):
        index[key] = {found[0]: found[1], record_id: value}
    else:
        found[record_id] = value


def _discard(index: dict, key: str, record_id: str) -> None:
    found = index.get(key)
    if isinstance(found, tuple):
        if found[0] == record_id:
            del index[key]
    elif found is not None and record_id in found:
        del found[record_id]
        if not found:
            del index[key]


def _values(index: dict, key: str) -> list:
    found = index.get(key)
    if found is None:
        return []
    if isinstance(found, tuple):
        return [found[1]]
    return list(found.values())


class MergeState:
    """Records of one form, as the import so far leaves them."""

    def __init__(self, table: RecordTable) -> None:
        self.table = table
        self.form: Form = table.form
        self.rows: dict[str, Light] = {}  # id -> light record
        self._by_key: dict[str, object] = {}  # natural key -> ids, in display order (see _add)
        # id -> the whole record a previewed file would write, as a reference into ``_spill``
        self.pending: dict[str, int] = {}
        self._spill: Spill | None = None
        self._layouts: dict[tuple[str, ...], int] = {}  # a pending record's keys, stored once (see _put)
        self._layout_keys: list[tuple[str, ...]] = []
        # Likely-duplicate look-ups (storage.merge._duplicates), kept current like the keys so a
        # file is compared with the records before it without rescanning them all: credit code
        # or folded subject -> the live records under it (hints list them in ``rows`` order).
        self.hints = bool(self.form.hint_fields)
        self._by_code: dict[str, object] = {}
        self._by_subject: dict[str, object] = {}
        self._columns = list(_BOOKKEEPING)
        self._index = {c: i for i, c in enumerate([*self._columns, "digest"])}
        keys = ", ".join(f"[{k}]" for k in dict.fromkeys([*self.form.keys, *self._columns]))
        sql = f"select {keys} from [{table.table}] order by deleted_at is not null, seq"
        for record in table.db.query(sql):
            self._remember(record)

    # ---- reading ---------------------------------------------------------------------
    def candidates(self, key: str) -> list[str]:
        found = self._by_key.get(key)
        if found is None:
            return []
        return [found[0]] if isinstance(found, tuple) else list(found)

    def record(self, record_id: str) -> dict | None:
        """The whole record as the import so far leaves it."""
        if record_id in self.pending:
            return self._get(self.pending[record_id])
        if record_id not in self.rows:
            return None
        return self.table.get(record_id)

    def live(self) -> Iterable[Light]:
        return (r for r in self.rows.values() if not r["deleted_at"])

    def written_by(self, record_id: str) -> str:
        """The file of this import that wrote the record ("" when none did)."""
        light = self.rows.get(record_id)
        return light.written_by if light is not None else ""

    def hint_pool(self, code: str, subject: str) -> tuple[list[dict], list[dict]]:
        """The live records with this credit code, and those with this folded subject, each in
        ``rows`` order and in full (what scanning every live record for them would find)."""
        whole: dict[str, dict] = {}

        def ordered(index: dict, key: str) -> list[dict]:
            found = _values(index, key)
            if len(found) > 1:
                found.sort(key=lambda r: r.rank)
            out = []
            for light in found:
                record_id = str(light["id"])
                if record_id not in whole:  # the same dict in both lists, as one record
                    whole[record_id] = self.record(record_id) or {}
                out.append(whole[record_id])
            return out

        return (ordered(self._by_code, code) if code else []), ordered(self._by_subject, subject)

    # ---- being told what a file wrote --------------------------------------------------
    def _remember(self, record: dict, known: tuple | None = None) -> Light:
        record_id = record["id"]
        digest = known[0] if known else record_digest(self.form, record)
        key = known[1] if known else record_key(self.form, record.get("unit") or "", record)
        old = self.rows.get(record_id)
        light = Light(self._index, (*(record.get(c) for c in self._columns), digest),
                      old.rank if old is not None else len(self.rows), key)
        if old is not None:
            light.written_by = old.written_by
            for key in self._keys(old):
                _discard(self._by_key, key, record_id)
        self.rows[record_id] = light
        for key in self._keys(light):
            _add(self._by_key, key, record_id, None)
        if self.hints:
            self._index_hints(light, old, record, known[2] if known else None)
        return light

    def _index_hints(self, light: Light, old: Light | None, record: dict, subject: str | None = None) -> None:
        record_id = str(light["id"])
        if old is not None and old.hint_keys is not None:
            code, subject = old.hint_keys
            if code:
                _discard(self._by_code, code, record_id)
            if subject:
                _discard(self._by_subject, subject, record_id)
        if light.get("deleted_at"):
            return
        code = str(record["credit_code"]) if record.get("credit_code") else ""
        if subject is None:
            subject = subject_key(str(record.get("subject_name") or ""))
        if code:
            _add(self._by_code, code, record_id, light)
        if subject:
            _add(self._by_subject, subject, record_id, light)
        light.hint_keys = (code, subject)

    def _keys(self, light: Light) -> set[str]:
        # A record is found under the key of its current values and under the key it was
        # imported with, so a hand-filled file imported again after a correction here adds nothing.
        keys = {light.key}
        if light.get("natural_key"):
            keys.add(str(light["natural_key"]))
        return keys

    def wrote(self, record: dict, file_name: str, simulated: bool, known: tuple | None = None) -> None:
        """A file of this import added or changed ``record`` (the whole row as written).
        ``known``: its digest, matching key and folded subject (or None) when the caller has them."""
        if simulated:
            self.pending[record["id"]] = self._put(record)
        self._remember(record, known).written_by = file_name

    def _put(self, record: dict) -> int:
        """Put a pending record aside: its values in the order of its keys, the keys once per layout."""
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
