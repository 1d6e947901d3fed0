"""Reference data: Fujian regions and the choice lists, read from ``resources/reference``.

The lists are data, not code. Values an officer adds in the app live in the
database and are merged in through :meth:`ChoiceLists.with_extra`.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"
REFERENCE_DIR = RESOURCES_DIR / "reference"


def fold(text: str) -> str:
    """A matching key: NFKC (full-width to half-width), no white space, lower case.

    Used wherever text typed by people must match a known value: choice values,
    header labels of hand-filled templates, subject names for duplicate checks.
    """
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace()).lower()


@dataclass(frozen=True)
class Choice:
    value: str
    aliases: tuple[str, ...] = ()
    flag: str | None = None


@dataclass
class ChoiceLists:
    lists: dict[str, list[Choice]]
    extra: dict[str, list[str]] = field(default_factory=dict)
    # folded spelling -> canonical value, per list; built on first use (imports call
    # normalise for every cell, and folding every alias each time was the hot spot)
    _index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def values(self, name: str) -> list[str]:
        base = [c.value for c in self.lists.get(name, [])]
        return base + [v for v in self.extra.get(name, []) if v not in base]

    def flag_of(self, name: str, value: str) -> str | None:
        for c in self.lists.get(name, []):
            if c.value == value:
                return c.flag
        return None

    def with_extra(self, extra: dict[str, list[str]]) -> ChoiceLists:
        return ChoiceLists(self.lists, extra)

    def normalise(self, name: str, text: str) -> str | None:
        """The canonical value for ``text`` in list ``name``, or None when unknown."""
        key = fold(text)
        if not key:
            return None
        index = self._index.get(name)
        if index is None:
            index = {}
            for v in reversed(self.extra.get(name, [])):
                index[fold(v)] = v
            # Built-in values and aliases win over an officer's value of the same spelling.
            for c in reversed(self.lists.get(name, [])):
                for alias in c.aliases:
                    index[fold(alias)] = c.value
                index[fold(c.value)] = c.value
            self._index[name] = index
        return index.get(key)


@cache
def builtin_choices() -> ChoiceLists:
    raw = json.loads((REFERENCE_DIR / "choices.json").read_text(encoding="utf-8"))
    lists = {
        name: [
            Choice(item["value"], tuple(item.get("aliases", ())), item.get("flag"))
            for item in items
        ]
        for name, items in raw.items()
        if not name.startswith("_")
    }
    return ChoiceLists(lists)


@dataclass(frozen=True)
class Regions:
    """Cities (设区市 and 平潭综合实验区) in file order, each with its districts."""

    districts: dict[str, tuple[str, ...]]

    @property
    def cities(self) -> list[str]:
        return list(self.districts)

    def is_valid(self, city: str, district: str) -> bool:
        if not city:
            return not district
        if city not in self.districts:
            return False
        return not district or district in self.districts[city]

    def split(self, text: str) -> tuple[str, str]:
        """Split "福州市鼓楼区" / "福州市 鼓楼区" / "鼓楼区" into (city, district); unknown -> ("", "")."""
        key = fold(text)
        if not key:
            return "", ""
        for city, districts in self.districts.items():
            if key.startswith(fold(city)):
                rest = key[len(fold(city)) :]
                if not rest:
                    return city, ""
                for d in districts:
                    if rest == fold(d):
                        return city, d
        matches = [(c, d) for c, ds in self.districts.items() for d in ds if fold(d) == key]
        if len(matches) == 1:
            return matches[0]
        return "", ""


@cache
def regions() -> Regions:
    out: dict[str, list[str]] = {}
    with open(REFERENCE_DIR / "regions.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            districts = out.setdefault(row["city"], [])
            if row["district"]:
                districts.append(row["district"])
    return Regions({c: tuple(ds) for c, ds in out.items()})


def region_label(city: str | None, district: str | None) -> str:
    return f"{city or ''}{district or ''}"


def region_in_text(text: str) -> tuple[str, str]:
    """(city, district) named in a unit's name or a region text; ("", "") when none is."""
    city, district = regions().split(text)
    if city:
        return city, district
    key = fold(text)
    if not key:
        return "", ""
    for c, districts in regions().districts.items():
        if fold(c) in key:
            for d in districts:
                if fold(d) in key:
                    return c, d
            return c, ""
    hits = [(c, d) for c, ds in regions().districts.items() for d in ds if fold(d) in key]
    return hits[0] if len(hits) == 1 else ("", "")
