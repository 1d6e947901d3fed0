"""The facade the rest of the app uses: profile, choice lists, needs, cases, images."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlite_utils

from forms import CASES, NEEDS, PROFILE, RECORD_FORMS
from forms.cases import MAX_IMAGES
from forms.reference import ChoiceLists, builtin_choices
from forms.validation import normalise
from storage.db import open_database
from storage.records import RecordTable, new_id, now_iso
from storage.transaction import write_transaction

SETTINGS_VERSION = 1


class Store:
    """One database connection and the tables on it. Create one per thread."""

    def __init__(self, db: sqlite_utils.Database, path: str | Path = ":memory:") -> None:
        self.db = db
        self.path = str(path)
        self._choices: ChoiceLists | None = None
        # One table per record form, named by the form's id.
        self.tables = {f.id: RecordTable(db, f.id, f, lambda: self.choices) for f in RECORD_FORMS}
        self.needs = self.tables[NEEDS.id]
        self.cases = self.tables[CASES.id]

    def records(self, form_id: str) -> RecordTable:
        """The records of one form; ``KeyError`` for a form that keeps none (the profile)."""
        return self.tables[form_id]

    @classmethod
    def open(cls, path: str | Path = ":memory:") -> Store:
        return cls(open_database(path), path)

    def close(self) -> None:
        self.db.close()

    # ---- settings --------------------------------------------------------
    def setting(self, key: str, default=None):
        row = self.db.execute("select value from settings where key = ?", [key]).fetchone()
        if row is None:
            return default
        payload = json.loads(row[0])
        return payload.get("value", default)

    def set_setting(self, key: str, value) -> None:
        payload = json.dumps({"version": SETTINGS_VERSION, "value": value}, ensure_ascii=False)
        with write_transaction(self.db):
            self.db["settings"].upsert({"key": key, "value": payload}, pk="key")

    # ---- profile (the submission header) ---------------------------------
    def profile(self) -> dict:
        stored = self.setting("profile", {}) or {}
        out = {f.key: stored.get(f.key, f.default) for f in PROFILE.fields}
        if not out.get("year"):
            out["year"] = dt.date.today().year
        return out

    def has_profile(self) -> bool:
        return bool((self.setting("profile", {}) or {}).get("unit"))

    def set_profile(self, values: dict) -> dict:
        clean = {f.key: normalise(f, values.get(f.key), self.choices) for f in PROFILE.fields}
        with write_transaction(self.db):
            self.set_setting("profile", clean)
            # Records entered here belong to this unit; keep them in step (a record that
            # names its own region keeps it).
            for form in RECORD_FORMS:
                columns = ["unit"] if form.region_in_fields else ["unit", "city", "district"]
                self.db.execute(
                    f"update [{form.id}] set {', '.join(f'{c} = ?' for c in columns)} where origin = 'local'",
                    [clean[c] for c in columns],
                )
        return clean

    def local_defaults(self, form_id: str) -> dict:
        """Values a new record entered here starts with."""
        p = self.profile()
        unit_fields = {key: p["unit"] for key in self.records(form_id).form.unit_fields}
        return {"unit": p["unit"], **unit_fields, "city": p["city"], "district": p["district"]}

    # ---- choice lists the officer extends --------------------------------
    @property
    def choices(self) -> ChoiceLists:
        if self._choices is None:
            extra: dict[str, list[str]] = {}
            for row in self.db.query("select list, value from custom_choices order by rowid"):
                extra.setdefault(row["list"], []).append(row["value"])
            self._choices = builtin_choices().with_extra(extra)
        return self._choices

    def add_choice(self, list_name: str, value: str) -> None:
        value = value.strip()
        if not value or value in self.choices.values(list_name):
            return
        self._change_choices("insert into custom_choices (list, value) values (?, ?)", [list_name, value])

    def remove_choice(self, list_name: str, value: str) -> None:
        self._change_choices("delete from custom_choices where list = ? and value = ?", [list_name, value])

    def _change_choices(self, sql: str, params: list) -> None:
        """The list and every record's completeness change in one transaction."""
        try:
            with write_transaction(self.db):
                self.db.execute(sql, params)
                self._choices = None
                for table in self.tables.values():
                    table.recompute_complete()
        finally:
            self._choices = None  # after a rollback the cached list would be wrong

    # ---- case images -------------------------------------------------------
    def images(self, case_id: str) -> list[dict]:
        return list(self.db.query("select * from case_images where case_id = ? order by seq", [case_id]))

    def add_image(self, case_id: str, name: str, data: bytes, mime: str) -> str:
        image_id = new_id()
        with write_transaction(self.db):
            if len(self.images(case_id)) >= MAX_IMAGES:
                raise ValueError(f"每个案例最多 {MAX_IMAGES} 张图片。")
            seq = self.db.execute(
                "select ifnull(max(seq), 0) + 1 from case_images where case_id = ?", [case_id]
            ).fetchone()[0]
            self.db["case_images"].insert({"id": image_id, "case_id": case_id, "seq": seq, "name": name,
                                           "mime": mime, "data": data, "created_at": now_iso()})
            self.db.execute("update cases set updated_at = ? where id = ?", [now_iso(), case_id])
        return image_id

    def remove_image(self, image_id: str) -> None:
        with write_transaction(self.db):
            self.db.execute("delete from case_images where id = ?", [image_id])
