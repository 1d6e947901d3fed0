"""What flows from reading a colleague's file into the merge: plain dataclasses.

The readers (:mod:`exports.reading`) produce these and the merge
(:mod:`storage.merge`) consumes them; they live at the bottom so that both
depend downward on them and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forms.reference import ChoiceLists


@dataclass
class MetaRow:
    sheet: str
    row: int | None
    id: str
    updated_at: str
    digest: str


@dataclass
class ExportMeta:
    form_id: str
    schema: int
    app_version: str
    unit: str = ""
    city: str = ""
    district: str = ""
    year: int | None = None
    exported_at: str = ""
    consolidated: bool = False
    records: list[MetaRow] = field(default_factory=list)
    # The unit whose app wrote the file. ``unit`` is whom the file is for: the same in a list
    # a unit sends, the receiving unit in feedback sent down. "" in files of older versions.
    sender: str = ""


@dataclass
class HeaderInfo:
    """The submission header of a file: from the visible header block, else the metadata sheet."""

    unit: str = ""
    city: str = ""
    district: str = ""
    reporter: str = ""
    phone: str = ""
    report_date: str = ""  # ISO yyyy-mm-dd when it could be read as a date, else as written
    year: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"unit": self.unit, "city": self.city, "district": self.district, "reporter": self.reporter,
                "phone": self.phone, "report_date": self.report_date, "year": self.year}


@dataclass(slots=True)  # up to 200,000 of these per file
class IncomingRow:
    """One need (a table row) or one case (a form block) as found in the file."""

    sheet: str
    row_number: int  # 1-based row in the sheet (for a case: the row of its 案例名称 label)
    values: dict[str, object]  # field key -> value normalised by forms.validation.normalise
    id: str | None = None  # UUID from the metadata sheet, when the file was exported by the app
    meta_digest: str = ""
    meta_updated_at: str = ""
    id_source: str = ""  # "digest" (values unchanged since export), "position" (same sheet/row) or ""
    # field key -> Chinese sentence: the validation of the record as the file gives it (fields
    # it has no column for at their defaults), done once, here; the merge uses it.
    problems: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # unit / city / district of consolidated files
    cells: dict[str, str] = field(default_factory=dict)  # field key -> cell address such as "D7"
    # Why the row must not be imported at all (text longer than its field, …): Chinese
    # sentences naming the cell. Non-empty means the merge classifies the row as invalid,
    # whatever its other values; unlike ``problems``, these are never kept as a draft.
    invalid: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Identifies the row within its file (used to key conflict decisions)."""
        return f"{self.sheet}!{self.row_number}"

    def where(self, field_key: str | None = None) -> str:
        """A Chinese phrase locating the row, or one of its cells: 工作表“清单”第 7 行 D 列."""
        place = f"工作表“{self.sheet}”第 {self.row_number} 行"
        cell = self.cells.get(field_key or "")
        if cell:
            column = cell.rstrip("0123456789")
            row = cell[len(column):]
            place = f"工作表“{self.sheet}”第 {row} 行 {column} 列"
        return place


@dataclass
class ReadResult:
    form_id: str  # "needs" or "cases"
    file_name: str
    file_hash: str  # sha256 of the file's bytes
    meta: ExportMeta | None
    header: HeaderInfo
    rows: list[IncomingRow]
    consolidated: bool = False  # rows carry their own unit / region (a city's summary list)
    saved_at: str = ""  # ISO time the file was last saved (its document properties, else the file system)
    notes: list[str] = field(default_factory=list)  # Chinese remarks: skipped notes, unread sheets
    # The choice lists the rows were normalised and validated with (``IncomingRow.problems``):
    # a merge against the same lists takes both as they are instead of doing them again.
    choices: ChoiceLists | None = field(default=None, repr=False, compare=False)
