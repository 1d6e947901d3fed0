"""Reading 附件2 laid out as a form: label cells with their values beside or below them.

Cell positions of the case sheet are not fixed (our own export may change, and
hand-filled templates differ), so values are found from the label cells:
“案例名称” followed by its value to the right, “服务企业数（家）” over its value,
“背景情况” over a merged block of text, or “案例名称：……” in one cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from exports.reading.labels import CONTENT, REGION, SERIAL, LabelMatcher, cell_value, raw_for
from exports.reading.tables import row_problems, too_long
from forms.cases import CASES, CONTENT_GROUP
from forms.incoming import IncomingRow
from forms.reference import ChoiceLists, region_in_text
from forms.rules import clean_text
from forms.validation import normalise

MAX_FORM_ROWS = 500  # a case form is a page or two; rows past this are not part of one
MAX_FORM_COLUMNS = 40
_DOWN_GAP = 2  # a value under its label may sit after at most one empty row

# “案例名称：XXX”, “一、背景情况\n本区……”, “案例内容（……）：……”
_INLINE = re.compile(r"^[ \t\u3000]*([^:：\n]{2,60}?)[ \t\u3000]*(?:[:：]|\n)[ \t\u3000]*(.*)$", re.S)
_SECTION_HEAD = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])?[ \t\u3000]*"
    r"(背景情况|主要做法|取得成效|经验启示)[ \t\u3000]*[:：]?[ \t\u3000]*\n?",
    re.M,
)
_STAMP_LINE = re.compile(
    r"^[ \t\u3000]*(?:[（(]?[ \t\u3000]*(?:推荐)?(?:单位)?[ \t\u3000]*盖[ \t\u3000]*章[ \t\u3000]*[)）]?"
    r"|(?:20\d{2}|[ \t\u3000]*)[ \t\u3000]*年[ \t\u3000\d]*月[ \t\u3000\d]*日)[ \t\u3000]*$"
)


@dataclass
class LabelCell:
    row: int  # 0-based
    col: int  # 0-based
    key: str
    inline: str | None = None  # the value written in the label's own cell
    after_label: bool = False  # the nearest filled cell on its left is a label: it may be that label's value


def find_labels(grid: Sequence[Sequence[object]], matcher: LabelMatcher) -> list[LabelCell]:
    labels: list[LabelCell] = []
    for r, row in enumerate(grid):
        previous_is_label = False  # the nearest filled cell to the left is a label
        for c, value in enumerate(row):
            if cell_value(value) is None:
                continue
            key = matcher.match(value) if isinstance(value, str) else None
            if key and key != SERIAL:
                labels.append(LabelCell(r, c, key, after_label=previous_is_label))
                previous_is_label = True
                continue
            # “案例名称：……” in one cell — unless the cell is the value of a label on its
            # left, as “背景情况 | 一、背景情况\n……” where the text merely repeats its heading.
            m = _INLINE.match(value) if isinstance(value, str) and not previous_is_label else None
            inline_key = matcher.match(m.group(1)) if m else None
            if m and inline_key and inline_key != SERIAL:
                labels.append(LabelCell(r, c, inline_key, m.group(2)))
            previous_is_label = False
    return labels


def case_label_count(grid: Sequence[Sequence[object]], matcher: LabelMatcher) -> int:
    """How many distinct case fields a sheet labels; 0 unless one of them is 案例名称."""
    keys = {label.key for label in find_labels(grid, matcher) if not label.key.startswith("_")}
    return len(keys) if "name" in keys else 0


def _value_of(label: LabelCell, grid: Sequence[Sequence[object]], label_at: set[tuple[int, int]],
              end_row: int) -> tuple[object, tuple[int, int]]:
    """The label's value and where it is: in the label's cell, to its right, or under it."""
    if label.inline is not None and label.inline.strip():
        return label.inline, (label.row, label.col)
    row = grid[label.row]
    for c in range(label.col + 1, len(row)):
        if cell_value(row[c]) is None:
            continue
        if (label.row, c) in label_at:
            break
        return row[c], (label.row, c)
    for r in range(label.row + 1, min(end_row, label.row + 1 + _DOWN_GAP)):
        below = grid[r][label.col] if label.col < len(grid[r]) else None
        if cell_value(below) is None:
            continue
        if (r, label.col) in label_at or _left_is_label(grid[r], r, label.col, label_at):
            break  # another label, or the value of the label on its left (“开展活动 | 8” under “电子邮箱”)
        return below, (r, label.col)
    return None, (label.row, label.col)


def _left_is_label(row: Sequence[object], r: int, col: int, label_at: set[tuple[int, int]]) -> bool:
    for c in range(col - 1, -1, -1):
        if cell_value(row[c]) is not None:
            return (r, c) in label_at
    return False


def split_sections(text: str) -> dict[str, str]:
    """The four content sections from one block of text headed “一、背景情况 …”; all of it
    goes to 背景情况 when it has no such headings."""
    by_label = {f.label: f.key for f in CASES.group_fields(CONTENT_GROUP)}
    heads = list(_SECTION_HEAD.finditer(text))
    first = CASES.group_fields(CONTENT_GROUP)[0].key
    if not heads:
        return {first: text.strip()}
    out: dict[str, str] = {}
    for m, nxt in zip(heads, [*heads[1:], None], strict=True):
        out[by_label[m.group(1)]] = text[m.end() : nxt.start() if nxt else len(text)].strip()
    preamble = text[: heads[0].start()].strip()
    if preamble:
        out[first] = (preamble + "\n" + out.get(first, "")).strip()
    return out


def strip_stamp_area(text: str) -> str:
    """“同意推荐。\\n（盖章）\\n年　月　日” -> “同意推荐。”: the stamp area is not the opinion."""
    lines = text.split("\n")
    while lines and (not lines[-1].strip() or _STAMP_LINE.match(lines[-1])):
        lines.pop()
    return "\n".join(lines)


def read_case_sheet(sheet: str, grid: Sequence[Sequence[object]], matcher: LabelMatcher,
                    choices: ChoiceLists) -> list[IncomingRow]:
    """Every case on a sheet: usually one, several when forms were stacked one under another."""
    labels = find_labels(grid, matcher)
    starts = sorted({label.row for label in labels if label.key == "name" and not label.after_label})
    if not starts:
        return []
    labels = _one_label_per_field(labels, starts)
    label_at = {(label.row, label.col) for label in labels}
    fields = {f.key: f for f in CASES.fields}
    out: list[IncomingRow] = []
    for b, start in enumerate(starts):
        begin = 0 if b == 0 else start
        end = starts[b + 1] if b + 1 < len(starts) else len(grid)
        raw: dict[str, object] = {}
        cells: dict[str, str] = {}
        for label in labels:
            if not begin <= label.row < end:
                continue
            value, (r, c) = _value_of(label, grid, label_at, end)
            if label.key in raw and raw[label.key] is not None:
                continue  # the first filled occurrence of a label wins
            raw[label.key] = value
            cells[label.key] = f"{get_column_letter(c + 1)}{r + 1}"
        out.append(_build_case(sheet, start + 1, raw, cells, fields, choices))
    return out


def _one_label_per_field(labels: list[LabelCell], starts: list[int]) -> list[LabelCell]:
    """Each field is labelled once per form. A second cell with a label's text is a value
    that happens to read like one (背景情况 | “一、背景情况……”, 推荐单位意见 | “推荐单位”):
    a label with no label on its left wins over one that sits right of a label."""
    chosen: dict[tuple[int, str], LabelCell] = {}
    for label in labels:
        block = max(0, sum(1 for s in starts if s <= label.row) - 1)
        current = chosen.get((block, label.key))
        if current is None or (current.after_label and not label.after_label):
            chosen[(block, label.key)] = label
    return sorted(chosen.values(), key=lambda lb: (lb.row, lb.col))


def _build_case(sheet: str, number: int, raw: dict[str, object], cells: dict[str, str], fields: dict,
                choices: ChoiceLists) -> IncomingRow:
    section_keys = [f.key for f in CASES.group_fields(CONTENT_GROUP)]
    if CONTENT in raw and not any(cell_value(raw.get(k)) is not None for k in section_keys):
        text = clean_text(cell_value(raw[CONTENT]), multiline=True)
        for key, part in split_sections(text).items():
            raw[key] = part
            cells[key] = cells[CONTENT]
    if REGION in raw:
        text = clean_text(cell_value(raw[REGION]))
        city, district = region_in_text(text)
        if city:
            raw["city"] = raw.get("city") or city
            raw["district"] = raw.get("district") or district
        elif text and not raw.get("city"):
            raw["city"] = text  # kept as written; validation says it is not a city
        for key in ("city", "district"):
            cells.setdefault(key, cells[REGION])
    values: dict[str, object] = {}
    for key, f in fields.items():
        if key not in raw:
            continue
        value = normalise(f, raw_for(f, raw[key]), choices)
        if key == "opinion" and isinstance(value, str):
            value = strip_stamp_area(value)
        values[key] = value
    row = IncomingRow(sheet=sheet, row_number=number, values=values,
                      problems=row_problems(CASES, values, choices), cells=cells)
    row.invalid = too_long(CASES, row)
    return row
