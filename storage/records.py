"""Reads and writes of one form's records (needs or cases), shared by both forms.

Every write runs in ``write_transaction`` (``BEGIN IMMEDIATE``: it waits for another
writer instead of failing) and commits before returning: an edit the
window has acknowledged is on disk. Rows come back as plain dicts.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import sqlite_utils

from forms.fields import REPORTER, Form
from forms.reference import ChoiceLists
from forms.validation import is_complete
from storage.migrations import search_document_sql
from storage.transaction import write_transaction


def now_iso(timespec: str = "milliseconds") -> str:
    """The local time now, ISO 8601 with its UTC offset: record stamps to the millisecond
    (so two edits in one second still order), a file's ``exported_at`` to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec=timespec)


def new_id() -> str:
    return str(uuid.uuid4())


_DERIVED = uuid.UUID("5f0c7d0e-3b1a-4c55-9a57-6b1f0d2e8a41")  # namespace of ids made from identities


def derived_id(form_id: str, natural_key: str) -> str:
    """The id of a record that arrives without one (a hand-filled template, a CSV): made from
    its identity, so whichever file brings it first, and in whatever order files are
    imported, it gets the same id — a batch and the same files one at a time end alike."""
    return str(uuid.uuid5(_DERIVED, f"{form_id}\n{natural_key}"))


# Columns other than form fields that callers may set (import provenance, region).
EXTRA_WRITABLE = {"unit", "city", "district", "origin", "source_file", "source_hash", "import_digest",
                  "source_updated_at", "natural_key", "recommended", "owner_bases", "feedback_at",
                  "batch_id", "imported_at", "seq"}


TRIGRAM = 3  # the shortest word the trigram index can look up
# A short word that starts more indexed trigrams than this scans instead: a
# MATCH over hundreds of ORed trigrams is slower than reading the documents.
SHORT_WORD_TERMS = 64
# A first page for a short word is first looked for among this many records in display order.
HEAD_ROWS = 2000
# A first page walks the records in display order when the index finds at least this many.
WALK_HITS = 1000


def _phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: quoted, so any punctuation is literal."""
    return '"' + text.replace('"', '""') + '"'


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _folds_like_like(word: str) -> bool:
    """Whether the index matches ``word`` exactly as LIKE does.

    Both fold ASCII letters; the index also folds other letters (É/é), LIKE does
    not. A word of ASCII and caseless characters (Chinese, digits, punctuation)
    needs no LIKE check after the index.
    """
    return all(ch.isascii() or ch.lower() == ch.upper() == ch for ch in word)


# A filter beyond column equality: FEEDBACK_FILTER -> HAS_FEEDBACK, or (NEW_FEEDBACK, since) for
# feedback that a file brought after ``since`` (an ISO time; "" means ever).
FEEDBACK_FILTER, HAS_FEEDBACK, NEW_FEEDBACK = "feedback_state", "has", "new"


class RecordTable:
    def __init__(self, db: sqlite_utils.Database, table: str, form: Form, choices_fn) -> None:
        self.db = db
        self.table = table
        self.form = form
        self._choices_fn = choices_fn  # () -> ChoiceLists, so officer-added values count
        self.writable = set(form.keys) | EXTRA_WRITABLE
        self._fts: str | None = None  # search index table, looked up once

    @property
    def choices(self) -> ChoiceLists:
        return self._choices_fn()

    # ---- reading -------------------------------------------------------
    def get(self, record_id: str) -> dict | None:
        rows = list(self.db.query(f"select * from [{self.table}] where id = ?", [record_id]))
        return rows[0] if rows else None

    def get_many(self, ids: Sequence[str]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(f"select * from [{self.table}] where id in ({marks})", chunk):
                out[row["id"]] = row
        return out

    def _where(self, search: str = "", filters: Mapping[str, object] | None = None,
               deleted: bool = False, walk: bool = False, index: bool = True) -> tuple[str, list]:
        """The WHERE clause and its parameters. ``walk``: the caller reads only the first rows
        in ``seq`` order (a LIMIT), so SQLite may walk the (deleted_at, seq) index and stop early.
        ``index=False``: the search reads the records' text (LIKE) instead of the search index."""
        clauses = ["deleted_at is not null" if deleted else "deleted_at is null"]
        params: list = []
        for key, value in (filters or {}).items():
            if value is None or value == "":
                continue
            if key == FEEDBACK_FILTER:
                clause, extra = self._feedback_clause(value)
                clauses.append(clause)
                params += extra
                continue
            if key not in self.writable and key != "complete":
                raise KeyError(key)
            clauses.append(f"[{key}] = ?")
            params.append(value)
        words = [w for w in search.split() if w]
        if words:
            clause, word_params = self._search_clause(words, index)
            clauses.append(clause)
            params += word_params
            many = walk and " match ?" in clause and self._many_hits(clause, word_params)
            if clause.startswith("rowid in") and not many:
                # Start from the index's rows, not from a walk of the whole
                # (deleted_at, seq) index that SQLite picks to avoid sorting.
                # For a first page of many matches the walk is what is wanted:
                # at 150,000 needs it finds the first 200 of 110,000 matches in
                # ~20 ms where sorting them all takes ~60 ms; with few matches
                # it would walk the whole index (~12 ms) to sort a handful.
                clauses[0] = "+" + clauses[0]
        return " and ".join(clauses), params

    def _many_hits(self, clause: str, params: list) -> bool:
        """Whether the index finds at least WALK_HITS records for a ``rowid in (… match …)``
        clause: it stops counting there, so this costs well under a millisecond."""
        inner = clause[len("rowid in ("):-1]
        sql = f"select count(*) from ({inner} limit {WALK_HITS})"
        return self.db.execute(sql, params).fetchone()[0] >= WALK_HITS

    # ---- search --------------------------------------------------------
    # A record matches when every word occurs in its search document (its text
    # fields and unit joined by spaces), case-insensitively for ASCII as SQL's
    # LIKE does. The trigram index (migration m004) answers this exactly for
    # words of ASCII and caseless characters (Chinese, digits, punctuation); for
    # a word with other letters, which the index folds and LIKE does not, the
    # same LIKE then decides on the indexed copy of the document. Either way the
    # results are exactly those of the LIKE scan over every column (see
    # tests/storage/test_search.py). A word of one or two characters has no
    # trigram of its own: it becomes the OR of the indexed trigrams that start
    # with it when there are few enough, else a LIKE scan of the indexed copy.

    def search_columns(self) -> list[str]:
        return [f.key for f in self.form.fields if not f.is_number] + ["unit"]

    def _search_index(self) -> str | None:
        """The FTS table that indexes exactly today's search columns, or None (then LIKE)."""
        if self._fts is None:
            self._fts = ""
            try:
                row = self.db.execute("select fts_table, columns from search_index where record_table = ?",
                                      [self.table]).fetchone()
            except sqlite3.OperationalError:  # database older than m004 (not migrated)
                row = None
            if row and json.loads(row[1]) == self.search_columns():
                self._fts = row[0]
        return self._fts or None

    def _search_clause(self, words: list[str], index: bool = True) -> tuple[str, list]:
        fts = self._search_index() if index else None
        if fts is None:
            haystack = search_document_sql(self.search_columns())
            return " and ".join(f"({haystack}) like ? escape '\\'" for _ in words), [_like_pattern(w) for w in words]
        terms: list[str] = []
        checked = [w for w in words if not _folds_like_like(w)]  # the index may fold these differently
        scanned: list[str] = []
        for word in words:
            if len(word) >= TRIGRAM:
                terms.append(_phrase(word))
                continue
            expanded = self._short_word_terms(fts, word)
            if expanded == []:  # no indexed text has it: nothing can match
                return "0", []
            if expanded is None:
                scanned.append(word)
            else:
                terms.append("(" + " OR ".join(expanded) + ")")
        likes = [w for w in words if w in checked or w in scanned]
        conditions = ([f"[{fts}] match ?"] if terms else []) + ["doc like ? escape '\\'"] * len(likes)
        params = ([" AND ".join(terms)] if terms else []) + [_like_pattern(w) for w in likes]
        return f"rowid in (select rowid from [{fts}] where {' and '.join(conditions)})", params

    def _short_word_terms(self, fts: str, word: str) -> list[str] | None:
        """Trigram phrases that start with ``word`` (1–2 characters), or None when unusable.

        The index folds case by Unicode rules; only ASCII letters and characters
        without case are looked up, so that the vocabulary's spelling is known.
        """
        if not _folds_like_like(word):
            return None
        key = word.lower()
        rows = self.db.execute(f"select term from [{fts}_terms] where term >= ? and term < ? limit ?",
                               [key, key + "\U0010ffff", SHORT_WORD_TERMS + 1]).fetchall()
        if len(rows) > SHORT_WORD_TERMS:
            return None
        return [_phrase(r[0]) for r in rows]


    def _feedback_clause(self, value: object) -> tuple[str, list]:
        """Records with any field filled that the reporting unit does not own (a 办理状态 still
        at its default does not count); with NEW_FEEDBACK, only what a file brought since."""
        parts, params = [], []
        for f in self.form.fields:
            if f.owner == REPORTER:
                continue
            if f.default is not None:
                parts.append(f"ifnull([{f.key}], '') not in ('', ?)")
                params.append(f.default)
            else:
                parts.append(f"ifnull([{f.key}], '') != ''")
        clause = "(" + " or ".join(parts or ["0"]) + ")"
        if isinstance(value, (tuple, list)) and value and value[0] == NEW_FEEDBACK:
            clause += " and feedback_at is not null and feedback_at > ?"
            params.append(str(value[1] if len(value) > 1 else "") or "")
        return clause, params

    def ids(self, search: str = "", filters: Mapping[str, object] | None = None,
            order_by: str | None = None, descending: bool = False, deleted: bool = False,
            limit: int | None = None) -> list[str]:
        """Ids of matching records in display order (the first ``limit`` only, if given)."""
        words = search.split()
        if limit is not None and not order_by and words and all(len(w) < TRIGRAM for w in words):
            head = self._first_in_head(search, filters, descending, deleted, limit)
            if head is not None:
                return head
        sql, params = self.ids_query(search, filters, order_by, descending, deleted, limit)
        return [r[0] for r in self.db.execute(sql, params).fetchall()]

    def _first_in_head(self, search: str, filters: Mapping[str, object] | None, descending: bool,
                       deleted: bool, limit: int) -> list[str] | None:
        """The first ``limit`` matches if they are all among the first HEAD_ROWS records in
        display order, else None.

        A one- or two-character word is served by the index through every trigram it starts:
        专利 in 110,000 of 150,000 needs costs ~25 ms for a first page that way. Reading the
        records in order and testing their text (LIKE: what the search means, which the index
        reproduces exactly) finds its first 200 in the first ~300 records instead; a rarer word
        gives up after HEAD_ROWS records (~8 ms) and the index serves it.
        """
        live = "deleted_at is not null" if deleted else "deleted_at is null"
        order = "seq desc, rowid desc" if descending else "seq, rowid"
        edge = self.db.execute(f"select seq, rowid from [{self.table}] where {live} order by {order} "
                               f"limit 1 offset {HEAD_ROWS - 1}").fetchone()
        where, params = self._where(search, filters, deleted, index=False)
        if edge is not None:  # else the head is every record, and its matches are all there are
            where += f" and (seq, rowid) {'>=' if descending else '<='} (?, ?)"
            params += list(edge)
        sql = f"select id from [{self.table}] where {where} order by {order} limit {int(limit)}"
        found = [r[0] for r in self.db.execute(sql, params).fetchall()]
        return found if edge is None or len(found) == limit else None

    @property
    def path(self) -> str:
        """The database file ("" for a database in memory)."""
        return self.db.execute("pragma database_list").fetchone()[2] or ""

    def ids_query(self, search: str = "", filters: Mapping[str, object] | None = None,
                  order_by: str | None = None, descending: bool = False,
                  deleted: bool = False, limit: int | None = None) -> tuple[str, list]:
        """The SQL behind ``ids``.

        The order is total (ties broken by rowid), so the first ``limit`` ids are exactly
        the first ids of the query without a limit, whichever plan SQLite picks for each.
        """
        sorted_by = bool(order_by and (order_by in self.writable
                                       or order_by in ("updated_at", "created_at", "complete")))
        where, params = self._where(search, filters, deleted, walk=limit is not None and not sorted_by)
        if sorted_by:
            order = f"[{order_by}] {'desc' if descending else 'asc'}, seq, rowid"
        elif descending:
            order = "seq desc, rowid desc"
        else:
            order = "seq, rowid"
        sql = f"select id from [{self.table}] where {where} order by {order}"
        if limit is not None:
            sql += f" limit {int(limit)}"
        return sql, params

    def size_hint(self) -> int:
        """About how many rows the table holds (the largest rowid: deleted and purged rows
        count too), without counting them: one index lookup, cheap on the UI thread."""
        return self.db.execute(f"select ifnull(max(rowid), 0) from [{self.table}]").fetchone()[0]

    def count(self, search: str = "", filters: Mapping[str, object] | None = None) -> int:
        where, params = self._where(search, filters)
        return self.db.execute(f"select count(*) from [{self.table}] where {where}", params).fetchone()[0]

    def count_by(self, column: str) -> dict[str, int]:
        if column not in self.writable and column != "complete":
            raise KeyError(column)
        sql = f"select [{column}], count(*) from [{self.table}] where deleted_at is null group by 1"
        return {(k if k is not None else ""): n for k, n in self.db.execute(sql).fetchall()}

    def rows(self, ids: Iterable[str] | None = None, deleted: bool = False) -> list[dict]:
        """Full rows in display order (all live records when ``ids`` is None)."""
        if ids is None:
            state = "not null" if deleted else "null"
            return list(self.db.query(f"select * from [{self.table}] where deleted_at is {state} order by seq"))
        ids = list(ids)
        found = self.get_many(ids)
        return [found[i] for i in ids if i in found]

    # ---- writing -------------------------------------------------------
    def _clean(self, values: Mapping[str, object]) -> dict:
        unknown = set(values) - self.writable
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        return dict(values)

    def _next_seq(self) -> float:
        top = self.db.execute(f"select max(seq) from [{self.table}]").fetchone()[0]
        return (top or 0) + 1

    def _defaults(self) -> dict:
        return {f.key: f.default for f in self.form.fields if f.default is not None}

    def insert(self, values: Mapping[str, object] | None = None, **provenance) -> str:
        return self.insert_many([values or {}], **provenance)[0]

    def insert_many(self, items: Sequence[Mapping[str, object]], origin: str = "local",
                    record_ids: Sequence[str] | None = None, complete: Sequence[bool] | None = None) -> list[str]:
        """Insert records; returns their ids. ``complete`` says whether each passes validation
        when the caller knows already (an import validated each row when reading it)."""
        stamp = now_iso()
        seq = self._next_seq()
        rows = []
        for i, values in enumerate(items):
            row = {**self._defaults(), **self._clean(values)}
            row.setdefault("seq", seq + i)
            row.update(
                id=record_ids[i] if record_ids else new_id(),
                origin=origin,
                created_at=stamp,
                updated_at=stamp,
            )
            row["complete"] = int(complete[i] if complete is not None else is_complete(self.form, row, self.choices))
            rows.append(row)
        with write_transaction(self.db):
            self.db[self.table].insert_all(rows, alter=False)
        return [r["id"] for r in rows]

    def update(self, record_id: str, values: Mapping[str, object], touch: bool = True,
               complete: bool | None = None) -> dict:
        """Write some fields; returns the updated row. ``complete`` as in ``insert_many``, for
        ``values`` that hold every field of the form."""
        values = self._clean(values)
        with write_transaction(self.db):
            current = self.get(record_id)
            if current is None:
                raise KeyError(record_id)
            merged = {**current, **values}
            if complete is None:
                complete = is_complete(self.form, merged, self.choices)
            changes = {**values, "complete": int(complete)}
            if touch:
                changes["updated_at"] = now_iso()
            self.db[self.table].update(record_id, changes)
        return {**merged, **changes}

    def set_deleted(self, ids: Sequence[str], deleted: bool) -> None:
        stamp = now_iso() if deleted else None
        with write_transaction(self.db):
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                self.db.execute(
                    f"update [{self.table}] set deleted_at = ? where id in ({marks})", [stamp, *chunk]
                )

    def purge_deleted(self) -> int:
        with write_transaction(self.db):
            if self.form.max_images:
                self.db.execute(
                    "delete from case_images where case_id in "
                    f"(select id from [{self.table}] where deleted_at is not null)"
                )
            cur = self.db.execute(f"delete from [{self.table}] where deleted_at is not null")
        return cur.rowcount

    def recompute_complete(self) -> None:
        """Re-validate every record (after the choice lists changed)."""
        with write_transaction(self.db):
            for row in self.db.query(f"select * from [{self.table}]"):
                flag = int(is_complete(self.form, row, self.choices))
                if flag != row["complete"]:
                    self.db.execute(f"update [{self.table}] set complete = ? where id = ?", [flag, row["id"]])


def ids_elsewhere(db_path: str | Path, table: str, form: Form, query: Mapping[str, object],
                  progress=None) -> list[str]:
    """``RecordTable.ids(**query)`` on a read-only connection of its own: the window sorts and
    searches a large table on a worker thread this way (connections stay in their thread;
    WAL lets this reader run beside the window's writer). The SQL is built here too, so the
    vocabulary lookup of a one- or two-character word (~5 ms at 150,000 needs) is off the UI
    thread as well. ``progress`` may cancel it."""
    uri = Path(db_path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=True)
    try:
        if progress is not None:
            # Checked every few thousand SQLite steps: a superseded sort stops early.
            conn.set_progress_handler(lambda: 1 if progress.cancelled else 0, 20000)
        # Only the reading methods are used, and they need nothing but ``execute``.
        reader = RecordTable(conn, table, form, lambda: None)  # type: ignore[arg-type]
        try:
            return reader.ids(**query)  # type: ignore[arg-type]
        except sqlite3.OperationalError:
            if progress is not None and progress.cancelled:
                return []  # interrupted on purpose; the result is dropped anyway
            raise
    finally:
        conn.close()
