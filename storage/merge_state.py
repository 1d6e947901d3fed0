"""The state an import is planned against: one in-memory view of a table, kept current file by file.

A batch of files is planned file after file against the records *as the files
before it leave them*, never against the database as it was before the batch.
:class:`MergeState` is that view. It is read from the database once per import
and then told about every record a file adds or changes, whether the file is
really written (``apply``) or only previewed (then the records a file would add
or change live here in ``pending`` and the database is not touched).

It keeps for each record only what matching and duplicate hints need (identity,
owner, digests, version) plus, for previewed writes, the whole record. Matching
a row is a dictionary look-up, not a query, which is what lets an import of
thousands of files stay linear.

Runs on whatever thread owns the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from forms.fields import Form
from forms.identity import record_digest, record_key, subject_key
from storage.records import RecordTable

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


class MergeState:
    """Records of one form, as the import so far leaves them."""

    def __init__(self, table: RecordTable) -> None:
        self.table = table
        self.form: Form = table.form
        self.rows: dict[str, dict] = {}  # id -> light record
        self.by_key: dict[str, list[str]] = {}  # natural key -> ids, in display order
        self.pending: dict[str, dict] = {}  # id -> whole record written by a previewed file
        self.written_by: dict[str, str] = {}  # id -> name of the file of this import that wrote it
        # Likely-duplicate look-ups (storage.merge._duplicates), kept current like by_key so a file
        # is compared with the records before it without rescanning them all: credit code or
        # folded subject -> {id: light record} of the live records, and each record's place in
        # ``rows`` (hints list candidates in that order).
        self.hints = bool(self.form.hint_fields)
        self.by_code: dict[str, dict[str, dict]] = {}
        self.by_subject: dict[str, dict[str, dict]] = {}
        self._hint_keys: dict[str, tuple[str, str]] = {}
        self._rank: dict[str, int] = {}
        fields = [*self.form.identity_fields, *self.form.hint_fields]
        self._columns = list(dict.fromkeys([*_BOOKKEEPING, *fields]))
        cols = ", ".join(f"[{c}]" for c in self._columns)
        keys = ", ".join(f"[{k}]" for k in self.form.keys)
        sql = f"select {cols}, {keys} from [{table.table}] order by deleted_at is not null, seq"
        for record in table.db.query(sql):
            self._remember(record)

    # ---- reading ---------------------------------------------------------------------
    def candidates(self, key: str) -> list[str]:
        return self.by_key.get(key, [])

    def record(self, record_id: str) -> dict | None:
        """The whole record as the import so far leaves it."""
        if record_id in self.pending:
            return self.pending[record_id]
        if record_id not in self.rows:
            return None
        return self.table.get(record_id)

    def live(self) -> Iterable[dict]:
        return (r for r in self.rows.values() if not r["deleted_at"])

    def hint_pool(self, code: str, subject: str) -> tuple[list[dict], list[dict]]:
        """The live records with this credit code, and those with this folded subject, each in
        ``rows`` order: what scanning ``live()`` for them would find."""
        rank = self._rank

        def ordered(bucket: dict[str, dict] | None) -> list[dict]:
            if not bucket:
                return []
            found = list(bucket.values())
            if len(found) > 1:
                found.sort(key=lambda r: rank[r["id"]])
            return found

        return (ordered(self.by_code.get(code)) if code else []), ordered(self.by_subject.get(subject))

    # ---- being told what a file wrote --------------------------------------------------
    def _remember(self, record: dict, known: tuple[str, str] | None = None) -> None:
        light = {c: record.get(c) for c in self._columns}
        light["digest"] = known[0] if known else record_digest(self.form, record)
        old = self.rows.get(record["id"])
        if old is not None:
            for key in self._keys(old):
                ids = self.by_key.get(key, [])
                if record["id"] in ids:
                    ids.remove(record["id"])
        self.rows[record["id"]] = light
        for key in self._keys(light, known[1] if known else None):
            self.by_key.setdefault(key, []).append(record["id"])
        if self.hints:
            self._index_hints(light)

    def _index_hints(self, light: dict) -> None:
        record_id = light["id"]
        self._rank.setdefault(record_id, len(self._rank))
        old = self._hint_keys.pop(record_id, None)
        if old is not None:
            for bucket, key in zip((self.by_code, self.by_subject), old, strict=True):
                if key and record_id in bucket.get(key, {}):
                    del bucket[key][record_id]
                    if not bucket[key]:
                        del bucket[key]
        if light.get("deleted_at"):
            return
        code = str(light["credit_code"]) if light.get("credit_code") else ""
        subject = subject_key(str(light.get("subject_name") or ""))
        if code:
            self.by_code.setdefault(code, {})[record_id] = light
        if subject:
            self.by_subject.setdefault(subject, {})[record_id] = light
        self._hint_keys[record_id] = (code, subject)

    def _keys(self, light: dict, current: str | None = None) -> set[str]:
        # A record is found under the key of its current values and under the key it was
        # imported with, so a hand-filled file imported again after a correction here adds nothing.
        keys = {current or record_key(self.form, light.get("unit") or "", light)}
        if light.get("natural_key"):
            keys.add(light["natural_key"])
        return keys

    def wrote(self, record: dict, file_name: str, simulated: bool, known: tuple[str, str] | None = None) -> None:
        """A file of this import added or changed ``record`` (the whole row as written).
        ``known``: its digest and matching key when the caller has them already."""
        if simulated:
            self.pending[record["id"]] = dict(record)
        self._remember(record, known)
        self.written_by[record["id"]] = file_name
