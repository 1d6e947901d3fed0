"""The field model: what a form field *is*, independent of any window or file.

Every other layer (SQLite columns, the Qt widgets, validation, Excel and PDF
columns, import header matching) reads these declarations, so adding a field
next year is one edit in ``forms/needs.py`` or ``forms/cases.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Layout(StrEnum):
    """How a form's records sit in a document."""

    TABLE = "table"  # one record per row of one list: filtered, consolidated by region (the needs)
    SHEETS = "sheets"  # one paper form per record, each on its own sheet or page (the cases)


class Kind(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    CHOICE = "choice"  # one of a reference list (the officer may extend the list)
    CHOICE_FREE = "choice_free"  # a reference list as suggestions, any text allowed
    INT = "int"  # integer >= 0
    YEAR = "year"
    DATE = "date"  # ISO yyyy-mm-dd in storage
    PHONE = "phone"
    EMAIL = "email"
    CREDIT_CODE = "credit_code"  # 统一社会信用代码, GB 32100-2015
    CITY = "city"  # 设区市 from the region list
    DISTRICT = "district"  # 县（市、区） within the chosen city


# Kinds whose values are identifiers written with digits, never quantities.
IDENTIFIER_KINDS = frozenset({Kind.PHONE, Kind.CREDIT_CODE})
REPORTER = "reporter"  # the owner group of what the reporting unit writes


@dataclass(frozen=True)
class Field:
    key: str  # English identifier: SQLite column, metadata key
    label: str  # Chinese label shown to the officer and used as Excel header
    kind: Kind = Kind.TEXT
    required: bool = False
    max_len: int | None = None
    choices: str | None = None  # name of a list in resources/reference/choices.json
    default: str | None = None
    width: float = 14  # Excel column width in characters; PDF widths are proportional
    group: str | None = None  # fields sharing a group share a length budget (case content)
    header_aliases: tuple[str, ...] = ()  # other header texts found in hand-filled templates
    placeholder: str = ""
    in_table: bool = True  # shown as a column of the list / Excel table
    # An identifier of a TEXT field (a licence number, an ID card number): digits that are
    # not a quantity. Phones and credit codes are identifiers by their kind already.
    identifier: bool = False
    # Who may change the field through a file: a key of ``Form.owners``. A file's changes to
    # one owner group never touch another group (forms.identity.group_digest compares groups).
    owner: str = REPORTER

    @property
    def is_choice(self) -> bool:
        return self.kind in (Kind.CHOICE, Kind.CHOICE_FREE)

    @property
    def is_number(self) -> bool:
        return self.kind in (Kind.INT, Kind.YEAR)

    @property
    def is_identifier(self) -> bool:
        """Holds an identifier made of digits (phone, credit code): written to Excel as text
        (``@``) so that no leading 0 or 16th digit is lost, and read back from numeric cells
        with an explanation of what the spreadsheet did to it."""
        return self.identifier or self.kind in IDENTIFIER_KINDS


@dataclass(frozen=True)
class Form:
    id: str  # "needs" / "cases" / "profile": stable, written into exported files
    title: str
    fields: tuple[Field, ...]
    group_limits: dict[str, int] = field(default_factory=dict)
    noun: str = "记录"  # what one record is called in sentences: 需求 / 案例
    measure_word: str = "条"  # how records are counted: 需求 3 条 / 案例 2 个
    short_title: str = ""  # 需求清单 / 优秀案例, in history and previews
    document_name: str = ""  # the paper document: 需求清单 / 优秀案例推荐表, in file names and dialogs
    annex: str = ""  # its number in the official notice: 附件1 / 附件2
    layout: Layout = Layout.TABLE
    # Reading a stranger's file: a row naming at least three fields, one of them one of
    # these, is this form's header row (a list of needs always names 需求主体名称 or 需求内容).
    header_fields: tuple[str, ...] = ()
    # A group of fields written as one block in hand-filled templates (案例内容 instead of
    # the four sections): group -> the labels of that block.
    group_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Fields a record entered here starts with the reporting unit's name in (推荐单位).
    unit_fields: tuple[str, ...] = ()
    max_images: int = 0  # pictures a record may carry (stored with it, removed with it)
    # How records are recognised across files (forms.identity.record_key builds the key):
    identity_fields: tuple[str, ...] = ()  # with the unit, the natural key of a row that carries no UUID
    subject_field: str | None = None  # the enterprise's name: company-form suffixes do not count
    hint_fields: tuple[str, ...] = ()  # what the likely-duplicate hints compare (none: no hints)
    required_any: tuple[str, ...] = ()  # a row with all of these blank cannot be a record at all
    # Where a record's region comes from: its own fields (a case names its region) or,
    # when False, the unit that reported it (a need inherits the unit's city and district).
    region_in_fields: bool = False
    # Owner groups, in order: group key -> who owns it, in words the officer reads. The
    # reporting unit owns ``REPORTER``; a form may name other owners (the matcher of a need).
    owners: dict[str, str] = field(default_factory=lambda: {REPORTER: "填报单位"})
    # A unit that does not consolidate (a district) takes from files only its own records of
    # this form, and other units' are left out (a city's list sent down carries everyone's).
    own_records_only: bool = False

    @property
    def document_title(self) -> str:
        """The document with its annex number: 需求清单（附件1）."""
        return f"{self.document_name}（{self.annex}）" if self.annex else self.document_name

    def count(self, n: int) -> str:
        """``n`` records in words: 需求 3 条, 案例 2 个."""
        return f"{self.noun} {n} {self.measure_word}"

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    @property
    def table_fields(self) -> list[Field]:
        return [f for f in self.fields if f.in_table]

    def owner_fields(self, owner: str) -> list[Field]:
        return [f for f in self.fields if f.owner == owner]

    @property
    def owner_groups(self) -> list[str]:
        """Owner groups that have fields, reporting unit first."""
        return [o for o in self.owners if any(f.owner == o for f in self.fields)]

    def group_fields(self, group: str) -> list[Field]:
        return [f for f in self.fields if f.group == group]
