"""The base of each owner group from the last exchange: what a three-way merge compares with.

A record's ``owner_bases`` column holds JSON ``{owner: {"seen": [digest, ...], "v": time}}``
for each owner group of its form (``Form.owners``: for a need, the reporting unit's content
and the matcher's feedback). ``seen[0]`` is the group's digest (forms.identity.group_digest)
at the last exchange — the last file imported, or the last file of ours exported — and the
rest are older versions both sides once held. ``v`` is the version time of the last
incoming change to the group that was taken or declined.

Classification of one group of a matched record (``storage.merge._compare``):
  same      incoming group equals the local group;
  keep      incoming group is a version already seen (the sender did not change it since),
            or its version is older than ``v``: the local group stays, without a conflict;
  take      the sender changed it and the local group is still the base → take theirs;
  conflict  both changed it since the last exchange.
Without a base (a record entered here, or imported before this column existed) the old
whole-record rules decide, and a group still blank here takes what arrives.

Runs on whatever thread owns the store.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from forms.fields import Form
from forms.identity import group_digests
from storage.merge_state import older
from storage.records import RecordTable
from storage.transaction import WriteFailed, write_transaction

log = logging.getLogger(__name__)

_KEEP = 8  # older versions remembered per group: enough for a season of exchanges


def load(text: object) -> dict[str, dict]:
    if not text:
        return {}
    try:
        data = json.loads(str(text))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def dump(bases: dict[str, dict]) -> str:
    return json.dumps(bases, ensure_ascii=False, separators=(",", ":"))


def exchanged(bases: dict[str, dict], owner: str, digest: str, version: str | None = None) -> None:
    """Record that ``digest`` is the group's version both sides hold now (it becomes the base)."""
    entry = bases.setdefault(owner, {"seen": [], "v": ""})
    seen = [d for d in entry.get("seen", []) if d != digest]
    entry["seen"] = [digest, *seen][:_KEEP]
    if version and (not entry.get("v") or older(entry["v"], version)):
        entry["v"] = version


def seen_before(bases: dict[str, dict], owner: str, digest: str) -> bool:
    return digest in bases.get(owner, {}).get("seen", [])


def base_of(bases: dict[str, dict], owner: str) -> str | None:
    seen = bases.get(owner, {}).get("seen", [])
    return seen[0] if seen else None


def fresh(form: Form, values: dict, version: str | None) -> str:
    """Bases of a record as it arrives from a file for the first time."""
    bases: dict[str, dict] = {}
    for owner, digest in group_digests(form, values).items():
        exchanged(bases, owner, digest, version)
    return dump(bases)


def mark_sent(table: RecordTable, records: Iterable[dict]) -> int:
    """The records went out in a file of ours: their groups as they are now become the base,
    so a reply built on this file changes only what its sender changed. Does not touch
    ``updated_at`` (sending is not an edit). Returns the number of records marked."""
    form = table.form
    updates: list[tuple[str, str]] = []
    for record in records:
        bases = load(record.get("owner_bases"))
        before = dump(bases)
        for owner, digest in group_digests(form, record).items():
            exchanged(bases, owner, digest)
        after = dump(bases)
        if after != before:
            updates.append((after, record["id"]))
    if not updates:
        return 0
    try:
        with write_transaction(table.db):
            table.db.conn.executemany(f"update [{table.table}] set owner_bases = ? where id = ?", updates)
    except WriteFailed:
        # The file is written and good; without the mark a reply to it is merged against the
        # older base, which can only ask one question too many, never overwrite silently.
        log.warning("could not record the exchange of %d records", len(updates), exc_info=True)
        return 0
    return len(updates)
