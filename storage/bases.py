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

Correspondents. Feedback sent down to one reporting unit (exports.feedback) is an exchange
with that unit only, not with everyone: the province never saw the city's reply to a
district. Such a send keeps its own base under ``{"peers": {folded unit: {"seen", "v"}}}``
of the group, started from the shared base. A file whose 填报单位 is a unit with a base of
its own is compared with that base and moves only it; every other file — the province's
edited copy of the city's consolidated list, a colleague's list — uses the shared base.
A send to nobody in particular (an ordinary export) moves the shared base and every
unit's. So the city's reply F2 sent to 鼓楼区 and the province's F3 written on the older
consolidated list meet as a conflict, instead of F3 silently replacing F2.

Runs on whatever thread owns the store.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from forms.fields import Form
from forms.identity import group_digests
from forms.reference import fold
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


def peer_key(unit: object) -> str:
    """How a correspondent (a reporting unit's name) is keyed in the bases."""
    return fold(str(unit or ""))


def _entry(bases: dict[str, dict], owner: str, peer: str | None) -> dict:
    """The base the group shares with ``peer`` (a peer_key): its own if it has one, else the
    shared one. Read-only use; see ``exchanged`` for writing."""
    group = bases.get(owner, {})
    if peer:
        own = group.get("peers", {}).get(peer)
        if own is not None:
            return own
    return group


def _group(bases: dict[str, dict], owner: str) -> dict:
    """The group's shared entry, made complete for writing."""
    group = bases.setdefault(owner, {})
    group.setdefault("seen", [])
    group.setdefault("v", "")
    return group


def _move(entry: dict, digest: str, version: str | None) -> None:
    seen = [d for d in entry.get("seen", []) if d != digest]
    entry["seen"] = [digest, *seen][:_KEEP]
    if version and (not entry.get("v") or older(entry["v"], version)):
        entry["v"] = version


def exchanged(bases: dict[str, dict], owner: str, digest: str, version: str | None = None,
              peer: str | None = None) -> None:
    """Record that ``digest`` is the group's version both sides hold now (it becomes the base).
    ``peer``: the file came from that correspondent; only its own base moves if it has one."""
    group = _group(bases, owner)
    own = group.get("peers", {}).get(peer) if peer else None
    _move(own if own is not None else group, digest, version)


def sent_to(bases: dict[str, dict], owner: str, digest: str, peer: str | None) -> None:
    """The group went out in a file of ours: to ``peer`` alone (it gets a base of its own,
    started from the shared one), or to anyone (None: every base moves)."""
    group = _group(bases, owner)
    if peer:
        peers = group.setdefault("peers", {})
        own = peers.setdefault(peer, {"seen": list(group["seen"]), "v": group["v"]})
        _move(own, digest, None)
        return
    _move(group, digest, None)
    for own in group.get("peers", {}).values():
        _move(own, digest, None)


def seen_before(bases: dict[str, dict], owner: str, digest: str, peer: str | None = None) -> bool:
    return digest in _entry(bases, owner, peer).get("seen", [])


def base_of(bases: dict[str, dict], owner: str, peer: str | None = None) -> str | None:
    seen = _entry(bases, owner, peer).get("seen", [])
    return seen[0] if seen else None


def version_of(bases: dict[str, dict], owner: str, peer: str | None = None) -> str:
    return _entry(bases, owner, peer).get("v") or ""


def fresh(form: Form, values: dict, version: str | None) -> str:
    """Bases of a record as it arrives from a file for the first time."""
    bases: dict[str, dict] = {}
    for owner, digest in group_digests(form, values).items():
        exchanged(bases, owner, digest, version)
    return dump(bases)


def mark_sent(table: RecordTable, records: Iterable[dict], to: str | None = None) -> int:
    """The records went out in a file of ours: their groups as they are now become the base,
    so a reply built on this file changes only what its sender changed. Does not touch
    ``updated_at`` (sending is not an edit). ``to``: the one unit the file goes to (feedback
    sent down), None for a file for anyone. Returns the number of records marked."""
    peer = peer_key(to) if to else None
    form = table.form
    updates: list[tuple[str, str]] = []
    for record in records:
        bases = load(record.get("owner_bases"))
        before = dump(bases)
        for owner, digest in group_digests(form, record).items():
            sent_to(bases, owner, digest, peer)
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
