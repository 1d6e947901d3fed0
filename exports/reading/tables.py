"""Reading a list — one record per row — from a sheet whose layout may have been edited by hand.

The header row is found by matching its cells against the labels declared in
``forms/``, never by position: a colleague may have inserted a title, moved the
header block, merged cells or reordered the columns. Rows are streamed, so a
sheet of a million rows is refused after the limit instead of being loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from exports.reading.errors import ReadError
from exports.reading.labels import (
    CITY,
    DISTRICT,
    REGION,
    SERIAL,
    UNIT,
    LabelMatcher,
    cell_value,
    guess_coord_level,
    header_entries,
    is_column_numbers,
    is_note,
    raw_for,
    starts_with_entry,
)
from forms.fields import Form
from forms.incoming import IncomingRow
from forms.reference import ChoiceLists, region_in_text
from forms.rules import clean_text
from forms.validation import normalise, problems

MAX_DATA_ROWS = 200_000  # more than any city's list; refuse rather than exhaust memory
GAP_NOTE_ROWS = 1_000  # a record this far below the one before it is read, and the officer told where
_EXTRA_LABELS = {"unit": "填报单位", "region_text": "所属地区", "city": "所属地区", "district": "所属地区"}
DEFAULT_MAX_LEN = 500  # a field that declares no max_len (a choice, a code) is still not a novel
HEADER_SCAN_ROWS = 40  # the header row is looked for in the first rows of a sheet
PROGRESS_EVERY = 1_000


@dataclass
class HeaderRow:
    row: int  # 1-based row of the header (of its last line when the header spans two rows)
    columns: dict[int, str]  # 0-based column -> field key (or a pseudo key such as SERIAL)
    score: int  # number of distinct form fields recognised
    first_row: int = 0  # first line of a two-line header

    def __post_init__(self) -> None:
        self.first_row = self.first_row or self.row


def match_row(values: Sequence[object], matcher: LabelMatcher) -> dict[int, str]:
    """Columns of ``values`` whose text is a known label; the first column of each key wins."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for i, value in enumerate(values):
        key = matcher.match(value)
        if key and key not in seen:
            out[i] = key
            seen.add(key)
    return out


def _score(columns: dict[int, str], form: Form) -> int:
    fields = {k for k in columns.values() if not k.startswith("_")}
    if len(fields) < 3 or not fields.intersection(form.header_fields):
        return 0
    return len(fields)


def find_header(head: Sequence[Sequence[object]], form: Form, matcher: LabelMatcher) -> HeaderRow | None:
    """The header row among the first rows of a sheet: the row naming the most fields (at least three)."""
    best: HeaderRow | None = None
    for index, values in enumerate(head[:HEADER_SCAN_ROWS]):
        columns = match_row(values, matcher)
        score = _score(columns, form)
        if score and (best is None or score > best.score):
            best = HeaderRow(index + 1, columns, score)
    if best is None or best.row >= len(head):
        return best
    # A two-line header: “需求主体” over “名称 | 统一社会信用代码”, or “联系人” / “姓名 | 电话”.
    below = head[best.row]
    extra = {i: k for i, k in match_row(below, matcher).items()
             if i not in best.columns and k not in best.columns.values()}
    filled = [v for v in below if cell_value(v) is not None]
    if extra and len(filled) <= 2 * len(match_row(below, matcher)):
        best = HeaderRow(best.row + 1, {**best.columns, **extra}, best.score + len(extra), first_row=best.row)
    return best


@dataclass
class TableData:
    sheet: str
    header: HeaderRow
    rows: list[IncomingRow] = field(default_factory=list)
    above: list[Sequence[object]] = field(default_factory=list)  # rows over the header: title, header block
    entries: list[tuple[str, object]] = field(default_factory=list)  # header-block entries found under it
    skipped_notes: int = 0
    after_gaps: list[tuple[int, int]] = field(default_factory=list)  # (row, blank rows above it) of far rows


def read_table(
    sheet: str,
    rows: Iterable[Sequence[object]],
    header: HeaderRow,
    form: Form,
    matcher: LabelMatcher,
    choices: ChoiceLists,
    file_name: str,
    counted: int = 0,
    tick: Callable[[int], None] | None = None,
) -> TableData:
    """Records under ``header`` in ``rows`` (all rows of the sheet, from row 1).

    ``counted`` is the number of data rows already read from other sheets of the
    same file, so the limit applies to the whole file. ``tick`` is called every
    thousand rows; it may raise to cancel.
    """
    data = TableData(sheet, header)
    fields = {f.key: f for f in form.fields}
    local_level = next((v for v in choices.values("coord_levels") if choices.flag_of("coord_levels", v) is None),
                       "本地解决")
    cache: dict[tuple[str, str], object] = {}  # choice texts repeat down a column: normalise each once
    blank_run = 0
    in_footer = False
    iterator: Iterator[Sequence[object]] = iter(rows)
    for number, values in enumerate(iterator, start=1):
        if tick and number % PROGRESS_EVERY == 0:
            tick(number)
        if number < header.first_row:
            data.above.append(values)
            continue
        if number <= header.row:
            continue
        filled = [(i, v) for i, v in enumerate(values) if cell_value(v) is not None]
        if not filled:
            # Never stop at a run of blanks: rows are bounded by the streaming reader
            # (limits.MAX_ROWS, MAX_CELLS), and a record far below the table is still a record.
            blank_run += 1
            continue
        gap, blank_run = blank_run, 0
        first = filled[0][1]
        if starts_with_entry(first):
            # 填报人：张三　审核人：李四 — a signature line under the table.
            data.entries.extend(header_entries(values))
            in_footer = True
            continue
        if is_note(first):
            data.skipped_notes += 1
            in_footer = True
            continue
        if number == header.row + 1 and is_column_numbers(values):
            continue
        if _repeats_header(values, header, form, matcher) and _score(match_row(values, matcher), form):
            continue  # the header repeated (pages pasted together)
        raw: dict[str, object] = {}
        cells: dict[str, str] = {}
        for col, key in header.columns.items():
            if key == SERIAL or col >= len(values):
                continue
            value = values[col]
            if key in fields:
                value = raw_for(fields[key], value)
            else:
                value = cell_value(value)
            cells[key] = f"{get_column_letter(col + 1)}{number}"  # empty ones too: problems point at them
            if value is None:
                continue
            raw[key] = value
        present = [k for k in raw if k in fields]
        if not present:
            # A pre-numbered empty row of a template, or (under a note) the note's next line.
            data.skipped_notes += in_footer
            continue
        if in_footer and len(present) < 2:
            data.skipped_notes += 1  # the second line of a note
            continue
        if counted + len(data.rows) >= MAX_DATA_ROWS:
            raise ReadError(
                f"“{file_name}”的工作表“{sheet}”超过 {MAX_DATA_ROWS:,} 行数据（第 {number:,} 行仍有内容），"
                "超出一次导入的上限。请把文件拆分成几个较小的文件后分别导入。"
            )
        if gap >= GAP_NOTE_ROWS:
            data.after_gaps.append((number, gap))
        data.rows.append(build_row(sheet, number, header.columns, raw, cells, form, choices, local_level, cache))
    return data


def _repeats_header(values: Sequence[object], header: HeaderRow, form: Form, matcher: LabelMatcher) -> bool:
    """A cheap first test: is a label where the header has one of the form's header fields?"""
    for col, key in header.columns.items():
        if key in form.header_fields and col < len(values):
            return matcher.match(values[col]) is not None
    return False


def build_row(sheet: str, number: int, columns: dict[int, str], raw: dict[str, object], cells: dict[str, str],
              form: Form, choices: ChoiceLists, local_level: str,
              cache: dict[tuple[str, str], object] | None = None) -> IncomingRow:
    """Normalise one row's values. Only fields the file has a column for appear in ``values``,
    so a column the colleague's template lacks never blanks a value on import."""
    present = set(columns.values())
    values: dict[str, object] = {}
    cache = {} if cache is None else cache
    for f in form.fields:
        if f.key not in present:
            continue
        value = raw.get(f.key)
        if f.is_choice and isinstance(value, str):
            key = (f.key, value)
            if key not in cache:
                normal = normalise(f, value, choices)
                if f.key == "coord_level" and normal and normal not in choices.values("coord_levels"):
                    normal = guess_coord_level(str(normal), local_level) or normal
                cache[key] = normal
            value = cache[key]
        else:
            value = normalise(f, value, choices)
        values[f.key] = value
    extra: dict[str, str] = {}
    if raw.get(UNIT) is not None:
        extra["unit"] = clean_text(raw[UNIT])
    city = clean_text(raw.get(CITY)) if raw.get(CITY) is not None else ""
    district = clean_text(raw.get(DISTRICT)) if raw.get(DISTRICT) is not None else ""
    if raw.get(REGION) is not None:
        city, district = region_in_text(clean_text(raw[REGION]))
        if not city:
            extra["region_text"] = clean_text(raw[REGION])
    if (CITY in present or REGION in present) and not city and extra.get("unit"):
        city, district = region_in_text(extra["unit"])
    if city:
        extra["city"] = city
    if district:
        extra["district"] = district
    # A list of cases carries the region as form fields, not as provenance.
    for key in ("city", "district"):
        if key in form.keys and key not in values and extra.get(key):
            values[key] = normalise(form.field(key), extra[key], choices)
    row = IncomingRow(
        sheet=sheet,
        row_number=number,
        values=values,
        problems=row_problems(form, values, choices),
        extra=extra,
        cells=cells,
    )
    row.invalid = too_long(form, row)
    return row


def too_long(form: Form, row: IncomingRow) -> list[str]:
    """Why the row is invalid because a text is longer than its field allows, naming the cell.

    Such a text is never cut (that would lose what the colleague wrote without a
    word) and never kept (a 5-million-character “需求内容” makes a 9,000-page PDF).
    """
    out: list[str] = []
    for f in form.fields:
        value = row.values.get(f.key)
        if not isinstance(value, str):
            continue
        limit = f.max_len or (None if f.group else DEFAULT_MAX_LEN)
        if limit and len(value) > limit:
            out.append(f"{row.where(f.key)}的“{f.label}”有 {len(value):,} 个字，超过上限 {limit:,} 个字，"
                       "这一条未导入。请精简后重新导入。")
    for group, limit in form.group_limits.items():
        members = form.group_fields(group)
        used = sum(len(v) for f in members if isinstance(v := row.values.get(f.key), str))
        if used > limit:
            first = next((f for f in members if row.values.get(f.key)), members[0])
            labels = "、".join(f.label for f in members)
            out.append(f"{row.where(first.key)}的{labels}合计 {used:,} 个字，超过上限 {limit:,} 个字，"
                       "这一条未导入。请精简后重新导入。")
    for key, text in row.extra.items():
        if len(text) > DEFAULT_MAX_LEN:
            label = _EXTRA_LABELS.get(key, key)
            out.append(f"{row.where()}的“{label}”有 {len(text):,} 个字，超过上限 {DEFAULT_MAX_LEN} 个字，"
                       "这一条未导入。请精简后重新导入。")
    return out


def row_problems(form: Form, values: dict[str, object], choices: ChoiceLists) -> dict[str, str]:
    """Validation of what the row will hold: fields the file has no column for take their defaults."""
    full = {f.key: f.default for f in form.fields if f.default is not None}
    full.update(values)
    return problems(form, full, choices)
