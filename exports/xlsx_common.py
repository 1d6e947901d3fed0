"""Shared pieces of the Excel (openpyxl) exports: styles, safe text, page setup, lists.

Both forms' workbooks and the blank templates are built from these, so the
needs list, the case forms and the templates look like one family of
documents, and the import can rely on the same conventions everywhere.

Speed note: a 10,000-row list has ~150,000 cells. Creating Font/Border objects
per cell, or letting openpyxl hash a new style for each, costs seconds; instead
every look is registered once per workbook as a ``NamedStyle`` and cells only
get the style name (openpyxl then copies a small index array).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from exports.compat_openpyxl import (
    RawRows,
    set_style_array,
    style_array,
    style_id,
    with_number_format,
    with_quote_prefix,
)
from exports.safefile import atomic_path
from forms import APP_NAME, APP_VERSION
from forms.fields import Field, Kind
from forms.incoming import ExportMeta, MetaRow
from forms.progress import Progress, check
from forms.rules import clean_text
from storage.records import now_iso

# ---- conventions the import relies on -------------------------------------

# Prefix written before a flagged coordination level in the 协调层级 column,
# e.g. "★ 需国家知识产权局协调". An importer strips it with ``strip_flag_mark``.
FLAG_MARK = "★ "

# The hidden sheet that holds the drop-down lists (a list longer than 255
# characters cannot be written inline in a data validation).
LISTS_SHEET = "下拉选项"

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
# Excel's built-in "Text" number format: what is typed stays as typed (identifiers keep a
# leading 0 and all 18 characters). Its built-in id, for the fast style copy in ``Styles``.
TEXT_FORMAT = "@"
TEXT_FORMAT_ID = 49

# ---- look ------------------------------------------------------------------

TITLE_FONT_NAME = "黑体"  # present on every Chinese Windows; 方正小标宋 often is not
BODY_FONT_NAME = "宋体"

NATIONAL_FILL = "FFC7CE"  # light red: needs the national office
PROVINCIAL_FILL = "FFEB9C"  # light amber: needs the provincial office
NATIONAL_MARK_COLOR = "C00000"
PROVINCIAL_MARK_COLOR = "9C5700"
HEADER_FILL = "D9E1F2"  # table header / form labels
INPUT_FILL = "FFFDE7"  # empty cells a colleague fills in a blank template
# A value the app would not accept (a draft exported anyway): red text in a red box, with a comment.
# A box, not a fill: the pale red and amber fills already mean "needs coordination".
ERROR_COLOR = "C00000"
_RED = Side(style="medium", color=ERROR_COLOR)
ERROR_BORDER = Border(left=_RED, right=_RED, top=_RED, bottom=_RED)

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
UNDERLINE_BORDER = Border(bottom=_THIN)

FOOTER_TEXT = "第 &P 页 共 &N 页"

# Characters Excel refuses in sheet names.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot carry at all (clean_text removes the C0 controls;
# lone surrogates and the two non-characters would make the writer raise).
_XML_BAD = re.compile("[\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell


# ---- text ------------------------------------------------------------------

def safe_text(value: object, multiline: bool = False) -> str:
    """Text as it may go into a cell: no control or XML-illegal characters, not too long."""
    if type(value) is str and value.isprintable() and not (value[:1].isspace() or value[-1:].isspace()):
        # Nothing to clean (control characters, surrogates and non-characters are not printable;
        # the only printable space is " "): the common case, without the regular expressions.
        return value[:MAX_CELL_CHARS]
    text = clean_text(value, multiline=multiline)
    text = _XML_BAD.sub("", text)
    return text[:MAX_CELL_CHARS]


def put_text(cell, value: object, multiline: bool = False) -> None:
    """Write text so that it is always shown as text, never run as a formula.

    This is the one way the app writes a string into any cell, visible or
    hidden. openpyxl turns any string starting with "=" into a formula
    (data type "f", written as ``<f>``); setting the data type to "s" after
    the value keeps it a plain string in the file. The quote prefix (the
    apostrophe Excel shows for typed text) keeps a text that looks like a
    formula or a DDE call (= + - @, or a tab/CR before them) text when a
    colleague edits the cell in Excel, WPS or LibreOffice.
    """
    text = safe_text(value, multiline)
    cell.value = text or None
    if text:
        cell.data_type = "s"
        if _looks_active(text):
            cell.quotePrefix = True


def _looks_active(text: str) -> bool:
    stripped = text.lstrip(" \t\r\n\u3000")
    return stripped.startswith(_FORMULA_START) or text[:1] in ("\t", "\r") or "|" in text and "!" in text


def put_value(cell, value: object, multiline: bool = False) -> None:
    """Write any value the app puts in a cell: text through :func:`put_text`,
    numbers, dates and booleans as themselves, None as an empty cell."""
    if value is None or isinstance(value, (bool, int, float, dt.date, dt.datetime, dt.time)):
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        cell.value = value
        return
    put_text(cell, value, multiline)


def mark_invalid(cell, problem: str) -> None:
    """A cell the app would not accept gets a comment saying what to correct (style: ``Styles.INVALID``)."""
    from openpyxl.comments import Comment

    comment = Comment(safe_text(f"请修改：{problem}", multiline=True), "万里行填报助手")
    comment.width, comment.height = 240, 90
    cell.comment = comment


class RowWriter:
    """The data rows of a big sheet, written as XML text instead of openpyxl cells.

    The cells are the ones :func:`put_value` / :func:`put_text` make (a text is always a string
    cell, never a formula, and gets the quote prefix when it looks like one), with a style id
    from :meth:`Styles.id`; openpyxl splices the rows into the sheet when the workbook is saved
    (``compat_openpyxl.RawRows``). Rows go in order, from ``first_row`` down, below every cell
    the sheet has the ordinary way. A 10,000-need list builds in a fraction of the time.
    """

    def __init__(self, ws: Worksheet, first_row: int, ncols: int) -> None:
        self.wb = ws.parent
        self.raw = RawRows(ws, first_row)
        self.ncols = ncols
        self.letters = [get_column_letter(i) for i in range(1, ncols + 1)]
        self._quoted: dict[int, int] = {}

    def cell(self, col: int, row: int, value: object, style: int = 0, multiline: bool = False
             ) -> tuple[str, object]:
        """The XML of one cell (``col`` 1-based) and the value it holds (None, a number or the text)."""
        ref = f"{self.letters[col - 1]}{row}"
        s = f' s="{style}"' if style else ""
        if value is None or isinstance(value, (bool, int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            if value is None:
                return (f'<c r="{ref}"{s}/>' if style else ""), None
            if isinstance(value, bool):
                return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>', value
            return f'<c r="{ref}"{s} t="n"><v>{value!r}</v></c>', value
        if isinstance(value, (dt.date, dt.datetime, dt.time)):
            raise TypeError("RowWriter writes text and numbers; put dates in ordinary cells")
        text = safe_text(value, multiline)
        if not text:
            return (f'<c r="{ref}"{s}/>' if style else ""), None
        if _looks_active(text):
            style = self.quoted(style)
            s = f' s="{style}"'
        body = text
        if "&" in body or "<" in body or ">" in body:
            body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{body}</t></is></c>', text

    def quoted(self, style: int) -> int:
        """The id of ``style`` with the quote prefix (what ``put_text`` sets on an active-looking text)."""
        if style not in self._quoted:
            self._quoted[style] = style_id(self.wb, with_quote_prefix(self.wb._cell_styles[style]))
        return self._quoted[style]

    def add(self, row: int, cells: Sequence[str], height: float | None = None) -> None:
        """Append row ``row`` made of the ``cell`` XML pieces, with a fixed height in points."""
        ht = f' ht="{height:g}" customHeight="1"' if height is not None else ""
        self.raw.add(row, f'<row r="{row}"{ht}>{"".join(cells)}</row>', self.ncols)

    def values(self, row: int, values: Sequence[object]) -> None:
        """Append a row of unstyled values (``put_value`` on each)."""
        self.add(row, [self.cell(c, row, v)[0] for c, v in enumerate(values, start=1)])

    def comment(self, col: int, row: int, problem: str) -> None:
        """What :func:`mark_invalid` does, for a cell of these rows."""
        self.raw.comment(f"{self.letters[col - 1]}{row}", "万里行填报助手",
                         safe_text(f"请修改：{problem}", multiline=True), 240, 90)


def strip_flag_mark(text: str) -> str:
    """The coordination level without the export's mark (for the import)."""
    text = (text or "").strip()
    mark = FLAG_MARK.strip()
    while text.startswith(mark):
        text = text[len(mark):].lstrip()
    return text


def text_units(text: str) -> int:
    """Width of one line of text in Excel column units: CJK and full-width count 2."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fast_units(text: str) -> int:
    """``text_units`` estimated without a per-character loop (for 100,000-cell sheets):
    characters taking three UTF-8 bytes are, in this data, CJK text and punctuation."""
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


def line_count(text: str, width_units: float, font_size: float = 11) -> int:
    """How many lines ``text`` wraps to in a cell ``width_units`` wide.

    Column units are the width of "0" in the default 11pt font (~7 px); a CJK
    glyph at ``font_size`` points is ``font_size * 4/3`` px, i.e. about two
    units at 11pt. A margin absorbs the cell padding and the way Excel, WPS
    and LibreOffice break lines slightly differently (they break CJK text
    anywhere, but Latin words only at spaces).
    """
    if not text:
        return 1
    usable = max(width_units - 1.0, 1.0) * 11 / font_size
    lines = 0
    for paragraph in text.split("\n"):
        lines += max(1, math.ceil(_fast_units(paragraph) * 1.05 / usable))
    return lines


def line_height(font_size: float) -> float:
    """Row height in points for one line of text at ``font_size`` (CJK fonts are tall)."""
    return round(font_size * 1.32, 1)


def sheet_name(text: str, taken: Iterable[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, not quoted at the ends, at most 31 characters."""
    base = _SHEET_NAME_BAD.sub("", safe_text(text)).strip().strip("'") or "Sheet"
    used = {t.lower() for t in taken}
    name = base[:31]
    n = 2
    while name.lower() in used:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    return name


# ---- styles ----------------------------------------------------------------

def _style(name: str, font: Font, align: Alignment, border: Border | None = None,
           fill: str | None = None, number_format: str | None = None) -> NamedStyle:
    style = NamedStyle(name=name, font=font, alignment=align, border=border or Border())
    if fill:
        style.fill = PatternFill("solid", fgColor=fill)
    if number_format:
        style.number_format = number_format
    return style


class Styles:
    """The named styles of one workbook; cells refer to them by name (see module note)."""

    def __init__(self, wb: Workbook, body_size: float = 11) -> None:
        self.body_size = body_size
        body = Font(name=BODY_FONT_NAME, size=body_size)
        bold = Font(name=BODY_FONT_NAME, size=body_size, bold=True)
        label = Font(name=TITLE_FONT_NAME, size=body_size)
        left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        right = Alignment(horizontal="right", vertical="center", wrap_text=True)
        top = Alignment(horizontal="left", vertical="top", wrap_text=True)
        styles = [
            _style("万里行标题", Font(name=TITLE_FONT_NAME, size=18), center),
            _style("万里行小标题", Font(name=TITLE_FONT_NAME, size=13), left),
            _style("万里行表头", label, center, BORDER, HEADER_FILL),
            _style("万里行标签", label, center, BORDER, HEADER_FILL),
            _style("万里行表头项", bold, right),
            _style("万里行表头值", body, left, UNDERLINE_BORDER),
            _style("万里行表头日期", body, left, UNDERLINE_BORDER, number_format=DATE_FORMAT),
            _style("万里行说明", Font(name=BODY_FONT_NAME, size=body_size, bold=True), left),
            _style("万里行提示", Font(name=BODY_FONT_NAME, size=body_size - 1, color="595959"), left),
            _style("万里行正文", body, left, BORDER),
            _style("万里行正文居中", body, center, BORDER),
            _style("万里行正文靠上", body, top, BORDER),
            _style("万里行整数", body, center, BORDER, number_format="0"),
            _style("万里行盖章", body, Alignment(horizontal="right", vertical="bottom", wrap_text=True), BORDER),
            _style("万里行待填", body, left, BORDER, INPUT_FILL),
            _style("万里行待填靠上", body, top, BORDER, INPUT_FILL),
            _style("万里行待填整数", body, center, BORDER, INPUT_FILL, number_format="0"),
            _style("万里行表头待填", body, left, UNDERLINE_BORDER, INPUT_FILL),
            _style("万里行表头待填日期", body, left, UNDERLINE_BORDER, INPUT_FILL, number_format=DATE_FORMAT),
            _style("万里行有误", Font(name=BODY_FONT_NAME, size=body_size, color=ERROR_COLOR), left, ERROR_BORDER),
        ]
        for level, fill, color in (("国家", NATIONAL_FILL, NATIONAL_MARK_COLOR),
                                   ("省", PROVINCIAL_FILL, PROVINCIAL_MARK_COLOR)):
            mark = Font(name=BODY_FONT_NAME, size=body_size, bold=True, color=color)
            styles += [
                _style(f"万里行正文需{level}协调", body, left, BORDER, fill),
                _style(f"万里行居中需{level}协调", body, center, BORDER, fill),
                _style(f"万里行标注需{level}协调", mark, center, BORDER, fill),
            ]
        for style in styles:
            wb.add_named_style(style)
        # The registered style's index array, copied into each cell by ``apply``.
        self._arrays = {style.name: style_array(style) for style in styles}
        self._text_arrays = {name: with_number_format(a, TEXT_FORMAT_ID) for name, a in self._arrays.items()}
        self._wb = wb
        self._ids: dict[tuple[str, bool], int] = {}

    def apply(self, cell, name: str, text: bool = False) -> None:
        """Same as ``cell.style = name``, several times faster in a 100,000-cell loop.

        openpyxl's setter looks the name up in a list and compares style
        objects on every call; the result is always this copied array.
        ``text`` gives the cell the Text number format (a column of identifiers).
        """
        set_style_array(cell, (self._text_arrays if text else self._arrays)[name])

    def id(self, name: str, text: bool = False) -> int:
        """The style id a ``RowWriter`` cell gives for what ``apply(cell, name, text)`` sets."""
        key = (name, text)
        if key not in self._ids:
            self._ids[key] = style_id(self._wb, (self._text_arrays if text else self._arrays)[name])
        return self._ids[key]

    TITLE = "万里行标题"
    SUBTITLE = "万里行小标题"
    HEADER = "万里行表头"
    LABEL = "万里行标签"
    BLOCK_LABEL = "万里行表头项"
    BLOCK_VALUE = "万里行表头值"
    BLOCK_DATE = "万里行表头日期"
    NOTE = "万里行说明"
    HINT = "万里行提示"
    TEXT = "万里行正文"
    CENTER = "万里行正文居中"
    TOP = "万里行正文靠上"
    INT = "万里行整数"
    STAMP = "万里行盖章"
    INPUT = "万里行待填"
    INPUT_TOP = "万里行待填靠上"
    INPUT_INT = "万里行待填整数"
    BLOCK_INPUT = "万里行表头待填"
    BLOCK_INPUT_DATE = "万里行表头待填日期"
    INVALID = "万里行有误"

    @staticmethod
    def flagged(kind: str, level: str) -> str:
        """Style name for a flagged row: kind is 正文 / 居中 / 标注, level 国家 / 省."""
        return f"万里行{kind}需{level}协调"


def style_range(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
                style: str) -> None:
    """Give every cell of a (merged) range the style, so borders show on all edges."""
    for r in range(first_row, last_row + 1):
        for c in range(first_col, last_col + 1):
            ws.cell(row=r, column=c).style = style


def merge(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
          style: str | None = None):
    """Merge a block (if larger than one cell) and return its top-left cell."""
    if style:
        style_range(ws, first_row, first_col, last_row, last_col, style)
    if (first_row, first_col) != (last_row, last_col):
        ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
    return ws.cell(row=first_row, column=first_col)


# ---- page setup --------------------------------------------------------------

def setup_page(ws: Worksheet, landscape: bool, title_rows: str | None = None, annex: str = "") -> None:
    """A4, fit to the page width (as many pages down as needed), page X of Y in the footer.

    ``annex`` ("附件1") is printed at the top left of the first page, where the PDF and the
    official template have it; a page header keeps the sheet's rows (which the import reads)
    where they are.
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = FOOTER_TEXT
    ws.oddFooter.center.size = 10
    if annex:
        ws.HeaderFooter.differentFirst = True
        ws.page_margins.header = 0.3
        ws.firstHeader.left.text = annex
        ws.firstHeader.left.size = 16
        ws.firstHeader.left.font = f"{TITLE_FONT_NAME},Bold"
        ws.firstFooter.center.text = FOOTER_TEXT
        ws.firstFooter.center.size = 10
    if title_rows:
        ws.print_title_rows = title_rows


# ---- drop-down lists ---------------------------------------------------------

class DropDownLists:
    """Writes each choice list once to the hidden lists sheet and hands out validations.

    Lists are referenced through workbook-level defined names, which Excel,
    WPS and LibreOffice all accept in a list validation across sheets.
    """

    def __init__(self, wb: Workbook, values_of) -> None:
        self.wb = wb
        self.values_of = values_of  # (list name) -> list[str], e.g. store.choices.values
        self.ws: Worksheet | None = None
        self.names: dict[str, str] = {}

    def _ref(self, list_name: str) -> str:
        if list_name in self.names:
            return self.names[list_name]
        if self.ws is None:
            self.ws = self.wb.create_sheet(LISTS_SHEET)
            self.ws.sheet_state = "hidden"
        col = len(self.names) + 1
        values = [safe_text(v) for v in self.values_of(list_name)] or [""]
        put_text(self.ws.cell(row=1, column=col), list_name)
        for i, v in enumerate(values, start=2):
            put_text(self.ws.cell(row=i, column=col), v)
        letter = self.ws.cell(row=1, column=col).column_letter
        defined = f"选项_{list_name}"
        self.wb.defined_names[defined] = DefinedName(
            defined, attr_text=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}")
        self.names[list_name] = defined
        return defined

    def validate(self, ws: Worksheet, field: Field, sqref: str) -> DataValidation:
        """Add a drop-down on ``sqref`` for a choice field."""
        assert field.choices, field.key
        # Stored as in Excel's own files: the formula without its leading "=".
        dv = DataValidation(type="list", formula1=self._ref(field.choices), allow_blank=True)
        dv.showDropDown = False  # (sic) False means: do show the in-cell arrow
        dv.promptTitle = field.label
        dv.prompt = "请从下拉列表中选择" if field.kind == Kind.CHOICE else "可从下拉列表中选择，也可直接填写"
        dv.showInputMessage = True
        if field.kind == Kind.CHOICE_FREE:
            dv.showErrorMessage = False
        else:
            # A warning, not a stop: the app accepts values added to the list
            # elsewhere and flags unknown ones on import instead of losing them.
            dv.showErrorMessage = True
            dv.errorStyle = "warning"
            dv.errorTitle = field.label
            dv.error = "填写的内容不在下拉列表中，建议从列表中选择。"
        dv.add(sqref)
        ws.add_data_validation(dv)
        return dv


# ---- workbook-level helpers ---------------------------------------------------

def schema_version() -> int:
    from storage.db import schema_names

    return len(schema_names())


def profile_year(profile: dict, fallback: int | None = None) -> int:
    try:
        return int(profile.get("year"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return fallback or dt.date.today().year


def export_meta(form_id: str, profile: dict, records: Sequence[MetaRow], consolidated: bool = False,
                year: int | None = None, sender: str | None = None) -> ExportMeta:
    """``profile``: the header the file shows; ``sender``: the unit writing it, when that is
    not the header's unit (feedback sent down names the receiving unit in its header)."""
    return ExportMeta(
        form_id=form_id,
        schema=schema_version(),
        app_version=APP_VERSION,
        unit=safe_text(profile.get("unit")),
        city=safe_text(profile.get("city")),
        district=safe_text(profile.get("district")),
        year=year if year is not None else profile_year(profile),
        exported_at=now_iso("seconds"),
        consolidated=consolidated,
        records=list(records),
        sender=safe_text(profile.get("unit") if sender is None else sender),
    )


def new_workbook(title: str = "") -> Workbook:
    """An empty workbook whose file properties say which program made it."""
    wb = Workbook()
    wb.properties.creator = APP_NAME
    wb.properties.title = title or None
    return wb


def save(wb: Workbook, path: str | Path) -> None:
    """Save through a temporary file, so a failed export never leaves a broken file."""
    with atomic_path(path) as tmp:
        wb.save(tmp)


def finish(wb: Workbook, path: str | Path, total: int, progress: Progress | None) -> int:
    """The last step of every workbook export: a final cancel check, save, report. Returns ``total``."""
    check(progress)
    if progress:
        progress.update(total, total, "正在保存文件……")
    save(wb, path)
    if progress:
        progress.update(total, total, "完成")
    return total
