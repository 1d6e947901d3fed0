"""Field-level rules: normalising what people type and checking it.

Each ``check_*`` returns None when the value is acceptable, otherwise a
Chinese sentence saying what is wrong and what to do.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# GB 32100-2015: 18 characters from this 31-character set (no I, O, Z, S, V).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MOBILE = re.compile(r"^(?:\+?86-?)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:\(0\d{2,3}\)|0\d{2,3}-?)?[2-9]\d{6,7}(?:(?:-|转|ext\.?)\d{1,6})?$", re.I)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_PHONE_SEPARATORS = re.compile(r"[、，,;；/]|\s{2,}")
# A mobile written in groups: 139-0591-0001, 139 0591 0001, 139.0591.0001, +86 139-0591-0001.
_GROUPED_MOBILE = re.compile(r"(?<![\d\-.])((?:\+?86[\-. ]?)?1[3-9]\d[\-. ]?\d{4}[\-. ]?\d{4})(?![\d\-.])")
# How a spreadsheet shows a number too long for its cell: 9.13501001234568E+17, 5.91875E+10.
_SCIENTIFIC = re.compile(r"^[+-]?\d(?:\.\d+)?E[+-]?\d{1,3}$", re.I)
# Area codes of two digits after the 0 (010 Beijing, 02x the large cities); all others have three.
_SHORT_AREA = re.compile(r"^(?:10|2\d)")


def clean_text(value: object, multiline: bool = False) -> str:
    """Text as it is stored: control characters removed, ends trimmed.

    Tabs and newlines stay in long texts; in one-line fields they become spaces,
    because a tab or newline there is an artefact of copy-and-paste.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = re.sub(r"[\t\n]+", " ", text)
    return text.strip()


def _half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalise_credit_code(text: str) -> str:
    return re.sub(r"\s+", "", _half_width(text)).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def looks_scientific(text: str) -> bool:
    """True for a number as a spreadsheet displays it in scientific notation (digits already lost)."""
    return bool(_SCIENTIFIC.match(text.strip()))


def check_credit_code(text: str) -> str | None:
    code = normalise_credit_code(text)
    if looks_scientific(code):
        return (f"Excel 把这个代码当成了数字，后几位已经丢失（现在是“{code}”），"
                "请把该列设为文本后重新填写完整的18位统一社会信用代码。")
    if len(code) != 18:
        return f"统一社会信用代码应为18位，现在是{len(code)}位，请核对。"
    bad = [ch for ch in code if ch not in CREDIT_CODE_CHARSET]
    if bad:
        return f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用 I、O、Z、S、V），请核对。"
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位（第18位）不正确，请对照营业执照核对。"
    return None


def normalise_phone(text: str) -> str:
    """Half-width, one kind of dash; a mobile written in groups (139-0591-0001) as its 11 digits."""
    text = _half_width(text).strip()
    text = text.replace("－", "-").replace("—", "-").replace("–", "-")
    text = _GROUPED_MOBILE.sub(lambda m: re.sub(r"[\-. ]", "", m.group(1)), text)
    return re.sub(r"(?<=\d)\s+(?=\d)", "", text)


def lost_leading_zero(digits: str) -> str | None:
    """The landline a number probably was before a spreadsheet dropped its leading 0:
    "59187530216" -> "0591-87530216"; None when it does not look like one."""
    if not digits.isdigit() or digits[0] == "0" or not 9 <= len(digits) <= 11:
        return None
    if _MOBILE.match(digits):
        return None
    area = 2 if _SHORT_AREA.match(digits) else 3
    local = digits[area:]
    if len(local) not in (7, 8) or local[0] in "01":
        return None
    return f"0{digits[:area]}-{local}"


def check_phone(text: str) -> str | None:
    parts = [p.strip() for p in _PHONE_SEPARATORS.split(normalise_phone(text)) if p.strip()]
    for part in parts:
        compact = part.replace(" ", "")
        if _MOBILE.match(compact) or _LANDLINE.match(compact):
            continue
        likely = lost_leading_zero(compact)
        if likely:
            return (f"联系电话“{part}”开头的 0 丢失了（Excel 把电话当成数字时会去掉开头的 0），"
                    f"应为“{likely}”吗？请核对后改正，并把该列设为文本。")
        if looks_scientific(compact):
            return (f"联系电话“{part}”被 Excel 当成了数字，显示成了科学计数法，号码已经无法还原，"
                    "请把该列设为文本后重新填写。")
        return (
            f"联系电话“{part}”格式不对：手机为11位（1开头），"
            "座机如 0591-87530216，分机写在后面如 0591-87530216-801。"
        )
    return None


def check_email(text: str) -> str | None:
    if not _EMAIL.match(_half_width(text).strip()):
        return f"电子邮箱“{text}”格式不对，应如 name@example.com。"
    return None


def parse_int(value: object) -> int | None:
    """An integer from a cell or a typed string ("12", "12.0", "１２", "1,200"); None if not one."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _half_width(str(value)).strip().replace(",", "")
    text = re.sub(r"[家场人次个项]+$", "", text)
    if re.fullmatch(r"[+-]?\d+(?:\.0+)?", text):
        return int(float(text))
    return None


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


# Excel's day numbers (serials) of 2000-01-01 and 2100-12-31: a date cell whose date format
# was lost (or a date typed into a text column and converted) reads as such a number.
_SERIAL_RANGE = (36526, 73415)
_SERIAL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """A date from a cell (datetime/date, or an Excel serial such as 45064) or text such as
    2023-05-18, 2023/5/18, 2023年5月18日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _SERIAL_EPOCH + dt.timedelta(days=int(value))
        return None if isinstance(value, float) else parse_date(str(value))
    text = _half_width(str(value)).strip().split(" ")[0]
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None
