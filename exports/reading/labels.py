"""Recognising what people wrote: header labels, header-block entries, notes and cell values.

Hand-filled templates move things around, break header text over lines, use
full-width brackets, number the sections (“一、背景情况”) and star the required
columns (“*需求主体名称”). Everything here folds such variations away before
comparing with the labels declared in ``forms/``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from forms.cases import CONTENT_GROUP
from forms.fields import Field, Form, Kind
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL
from forms.reference import fold
from forms.rules import clean_text, normalise_phone, parse_date

# Pseudo field keys for columns / labels that are not fields of the form.
SERIAL = "_serial"  # 序号: renumbered on export, ignored on import
UNIT = "_unit"  # 填报单位 column of a consolidated list
REGION = "_region"  # 所属地区 as one text ("福州市鼓楼区")
CITY = "_city"
DISTRICT = "_district"


def group_key(group: str) -> str:
    """The pseudo key of a field group written as one block (``Form.group_labels``)."""
    return f"_{group}"


CONTENT = group_key(CONTENT_GROUP)  # 案例内容 as one block (templates without the four sub-headings)

_EXTRA_LABELS: dict[str, tuple[str, ...]] = {
    SERIAL: ("序号", "编号", "序列号", "No", "No."),
    UNIT: ("填报单位", "报送单位", "所属单位", "上报单位", "填报单位名称"),
    REGION: ("所属地区", "地区", "所在地区", "所属区域", "区域"),
    CITY: ("设区市", "所属设区市", "所属地市", "地市"),
    DISTRICT: ("县区", "区县", "所属县区", "县（市、区）", "所属县（市、区）"),
}

# Marks people (and our own export) put in front of labels and flagged values.
MARKS = "*＊★☆※▲△●◆■√✔"
_MARK_STRIP = MARKS + " \t\u3000"
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.](?!\d))")
_PAREN = re.compile(r"\([^)]*\)")


def label_text(text: object) -> str:
    """The comparable form of a label cell: folded, without marks, numbering or a trailing colon."""
    key = fold(str(text)).strip(MARKS)
    key = _ENUMERATOR.sub("", key)
    return key.rstrip(":").strip(MARKS)


class LabelMatcher:
    """Maps label texts (and their variants) to field keys."""

    def __init__(self, labels: Mapping[str, Iterable[str]]) -> None:
        self.exact: dict[str, str] = {}
        for key, texts in labels.items():
            for text in texts:
                self.exact.setdefault(label_text(text), key)

    def match(self, text: object) -> str | None:
        if not isinstance(text, str):
            return None
        key = label_text(text)
        if not key or len(key) > 40:
            return None
        if key in self.exact:
            return self.exact[key]
        # "需求内容（请简要描述）", "协调层级（国家局/省局/本地）": the words before the bracket count.
        bare = _PAREN.sub("", key)
        if bare in self.exact:
            return self.exact[bare]
        # "需求主体名称/企业名称"
        for part in re.split(r"[/、]", bare):
            if part in self.exact:
                return self.exact[part]
        return None


def form_matcher(form: Form) -> LabelMatcher:
    labels: dict[str, tuple[str, ...]] = {f.key: (f.label, *f.header_aliases) for f in form.fields}
    labels.update(_EXTRA_LABELS)
    for group, texts in form.group_labels.items():
        labels[group_key(group)] = texts
    return LabelMatcher(labels)


# ---- the header block: 填报单位：XX  填报人：XX  联系电话：XX ------------------------

_HEADER_LABELS: dict[str, tuple[str, ...]] = {
    "unit": ("填报单位", "报送单位", "上报单位", "填报单位名称", "填报单位（盖章）", "单位（盖章）", "单位名称（盖章）"),
    "region": ("所属地区", "所在地区", "地区"),
    "reporter": ("填报人", "填表人", "经办人"),
    "phone": ("联系电话", "联系方式", "电话", "手机"),
    "report_date": ("填报日期", "填表日期", "报送日期", "日期"),
    "year": ("活动年度", "年度"),
    # Signature lines under a table: recognised so they are not taken for data, otherwise ignored.
    "_ignored": ("审核人", "负责人", "单位负责人", "制表人", "分管领导", "审核", "签字", "签发人"),
}


def _spaced(label: str) -> str:
    """A regex for ``label`` that tolerates spaces between characters and either bracket width."""
    parts = []
    for ch in label:
        if ch in "（(":
            parts.append(r"[（(]")
        elif ch in "）)":
            parts.append(r"[）)]")
        else:
            parts.append(re.escape(ch))
    return r"[ \t\u3000]*".join(parts)


_ALL_HEADER = sorted(((t, k) for k, ts in _HEADER_LABELS.items() for t in ts), key=lambda p: -len(p[0]))
_KV = re.compile("(" + "|".join(_spaced(t) for t, _ in _ALL_HEADER) + r")[ \t\u3000]*[:：]")
_HEADER_KEY = {label_text(t): k for t, k in _ALL_HEADER}


def header_label(text: str) -> str | None:
    return _HEADER_KEY.get(label_text(text))


def starts_with_entry(value: object) -> bool:
    """True for a cell such as “填报人：张三” — the start of a header or signature line."""
    if not isinstance(value, str):
        return False
    m = _KV.match(value.strip())
    return m is not None


def header_entries(values: Sequence[object]) -> list[tuple[str, object]]:
    """(key, value) pairs found in one row of a header block or signature line.

    Handles “填报单位：XX局　填报人：张三” in one cell, a label cell followed by a
    value cell (“填报单位” | “XX局”), and a label with a colon but its value in the
    next cell (“填报单位：” | “XX局”).
    """
    cells = [(i, v) for i, v in enumerate(values) if v is not None and str(v).strip()]
    out: list[tuple[str, object]] = []
    used: set[int] = set()
    for pos, (i, value) in enumerate(cells):
        if i in used:
            continue
        following = cells[pos + 1][1] if pos + 1 < len(cells) else None
        following_free = following is not None and not _is_any_label(following)
        if not isinstance(value, str):
            continue
        text = value.strip()
        matches = list(_KV.finditer(text))
        if matches and not text[: matches[0].start()].strip():
            for m, nxt in zip(matches, [*matches[1:], None], strict=True):
                key = _HEADER_KEY.get(label_text(m.group(1)), "_ignored")
                entry: object = text[m.end() : nxt.start() if nxt else len(text)].strip()
                if not entry and nxt is None and following_free:
                    entry = following
                    used.add(cells[pos + 1][0])
                out.append((key, entry))
            continue
        key = header_label(text)
        if key and following_free:
            out.append((key, following))
            used.add(cells[pos + 1][0])
    return out


def _is_any_label(value: object) -> bool:
    return isinstance(value, str) and (header_label(value) is not None or starts_with_entry(value))


# ---- notes under a table ------------------------------------------------------------

_NOTE = re.compile(r"^[ \t\u3000]*(?:注|备注|说明|填表说明|填报说明|附注|温馨提示|提示)[ \t\u3000]*(?:[:：]|\d|[一二三四五六七八九十1-9][、.．]|$)")
_TOTAL = re.compile(r"^[ \t\u3000]*(?:合计|总计|小计|共[ \t\u3000]*\d+[ \t\u3000]*项)")


def is_note(value: object) -> bool:
    """“注：……”, “填表说明”, “合计”, “共 12 项，……”: text under a table that is not a record."""
    return isinstance(value, str) and bool(_NOTE.match(value) or _TOTAL.match(value))


def is_column_numbers(values: Sequence[object]) -> bool:
    """A row “1 2 3 4 …” that some templates put under the header."""
    numbers = [cell_value(v) for v in values if v is not None and str(v).strip()]
    if len(numbers) < 3 or not all(isinstance(n, int) for n in numbers):
        return False
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# ---- cell values -----------------------------------------------------------------------


def cell_value(value: object) -> object:
    """A cell's value with spreadsheet artefacts removed: 12.0 -> 12, blank text -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return int(value)
        return value
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str) and not value.strip():
        return None
    return value


# Excel keeps 15 significant digits of a number: from the 16th digit on, a number typed
# into a General cell is already changed when the file is saved.
EXCEL_DIGITS = 15


def number_as_identifier(value: int | float) -> str:
    """The text an identifier (phone, credit code) had before a spreadsheet stored it as a number.

    A whole number of at most 15 digits is intact apart from a lost leading 0, which
    ``forms.rules.check_phone`` recognises. A longer one lost its last digits for
    good; it is shown the way Excel shows it (9.13501001234568E+17), which
    ``forms.rules`` recognises and explains, instead of as digits that look right.
    """
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 10**EXCEL_DIGITS:
            return str(int(value))
        if abs(value) >= 10**EXCEL_DIGITS:
            mantissa, exponent = f"{value:.{EXCEL_DIGITS - 1}E}".split("E")
            mantissa = mantissa.rstrip("0").rstrip(".")
            return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"
        return repr(value)
    return str(value)


def raw_for(field: Field, value: object) -> object:
    """What to hand to ``forms.validation.normalise`` for a cell of ``field``."""
    if field.is_identifier and isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_as_identifier(value)  # before cell_value: it would make a long float an int
    value = cell_value(value)
    if value is None:
        return None
    if field.is_number or field.kind == Kind.DATE:
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value)
    if field.is_choice:
        # The export prefixes flagged levels with “★ ”; people add their own marks.
        text = text.strip(_MARK_STRIP)
    return text


_LOCAL_WORDS = ("本地", "属地", "本级", "自行", "市级", "县级", "区级", "市县", "市局", "县局", "区局")
_NO_WORDS = ("否", "无", "不需要", "无需协调", "不需协调", "不需要协调")


def guess_coord_level(text: str, local_value: str) -> str | None:
    """A coordination level written loosely (“国家知识产权局”, “需省局帮助”, “否”), or None."""
    key = fold(text)
    national, provincial = "国家" in key, "省" in key
    if national and not provincial:
        return FLAG_NATIONAL
    if provincial and not national:
        return FLAG_PROVINCIAL
    if not national and not provincial and (key in _NO_WORDS or any(w in key for w in _LOCAL_WORDS)):
        return local_value
    return None


_YEAR = re.compile(r"(20\d{2})[ \t\u3000]*年")


def year_in(text: object) -> int | None:
    m = _YEAR.search(str(text or ""))
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"\s*(20\d{2})(?:\.0)?\s*", str(text or ""))
    return int(m.group(1)) if m else None


def header_from_entries(entries: Iterable[tuple[str, object]]) -> dict[str, object]:
    """Clean values of the header block, first non-empty value of each key winning."""
    out: dict[str, object] = {}
    for key, value in entries:
        if key.startswith("_") or key in out:
            continue
        if key == "report_date":
            date = parse_date(cell_value(value))
            text = date.isoformat() if date else clean_text(value)
        elif key == "year":
            text = year_in(value) or ""
        elif key == "phone":
            text = normalise_phone(clean_text(cell_value(value)))
        else:
            text = clean_text(cell_value(value))
        if text:
            out[key] = text
    return out
