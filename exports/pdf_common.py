"""Building blocks shared by the two PDF exports (附件1 需求清单, 附件2 优秀案例推荐表).

- :class:`LineBreaker` and :class:`TextBlock`: plain text wrapped the Chinese way
  (a line may break between any two CJK characters, never before a closing or
  after an opening punctuation mark, never inside a Latin word or a number).
  Table cells use these instead of reportlab's ``Paragraph``: a ``Paragraph``
  parses markup and measures every character on every wrap, which made 10,000
  needs take half a minute. User text is never parsed as markup here, so
  ``<``, ``&`` and ``=`` cannot break anything.
- :class:`PagedTable`: a long table laid out one page at a time, the header row
  repeated on each page, a row taller than a page split across pages. It keeps
  the work per page constant (one ``LongTable`` of 10,000 rows is re-sliced on
  every page break) and reports progress and honours 取消 while it goes. Each
  page is a :class:`TextTable`: reportlab draws the grid and the colours, the
  text of the whole page goes out as one text object.
- :class:`NumberedCanvas`: the two-pass canvas that prints "第 X 页 共 Y 页".
- :func:`build_pdf`: the document template, written atomically.

Every style here names a font from :mod:`exports.fonts`; reportlab falls back to
Helvetica (not embedded) wherever one is forgotten, and the tests check for it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table

from exports.compat_reportlab import (
    CellHookTable,
    DeferredPagesCanvas,
    LineWriter,
    chinese_line_rules,
    without_ascii85,
)
from exports.fonts import FontSet
from exports.safefile import atomic_path
from forms import APP_NAME
from forms.progress import Progress, check

# ---- text -----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def print_text(value: object) -> str:
    """Text as it should print: no control characters, Windows line ends unified."""
    if value is None:
        return ""
    if type(value) is str and value.isprintable() and not (value[:1].isspace() or value[-1:].isspace()):
        return value  # nothing to change (control characters, CR and tab are not printable)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def esc(value: object) -> str:
    """User text made safe for ``Paragraph`` markup (``&``, ``<``, ``>``); line breaks kept."""
    return escape(print_text(value)).replace("\n", "<br/>")


def date_text(iso: object, today: dt.date | None = None) -> str:
    """"2023年5月18日" from an ISO date; today's date when ``iso`` is empty or unreadable."""
    day = None
    if isinstance(iso, dt.date):
        day = iso
    elif iso:
        try:
            day = dt.date.fromisoformat(str(iso)[:10])
        except ValueError:
            day = None
    day = day or today or dt.date.today()
    return f"{day.year}年{day.month}月{day.day}日"


# Chinese line-breaking rules (a light form of 禁则): these never start a line ...
_NO_LINE_START = set("，。、；：？！）》」』】〉〕］｝…—·％‰℃,.;:?!)]}%”’")
# ... and these never end one.
_NO_LINE_END = set("（《「『【〈〔［｛“‘([{")
# reportlab's Paragraph (the case sections) follows the same rules; see compat_reportlab.
chinese_line_rules("".join(sorted(_NO_LINE_START)), "".join(sorted(_NO_LINE_END)))
# A run of printable ASCII (a word, a number, a phone number, an e-mail) is kept
# whole; everything else is one token per character.
_TOKEN = re.compile(r"[\x21-\x7e]+|\s|.", re.S)


def tokens(line: str) -> list[str]:
    out: list[str] = []
    for tok in _TOKEN.findall(line):
        if out and not tok.isspace() and not out[-1].isspace() and (
                tok[0] in _NO_LINE_START or out[-1][-1] in _NO_LINE_END):
            out[-1] += tok
        else:
            out.append(tok)
    return out


class LineBreaker:
    """Wraps plain text to a width in one font and size; character widths are cached."""

    def __init__(self, font_name: str, size: float, leading: float | None = None) -> None:
        self.font_name = font_name
        self.size = size
        self.leading = leading or round(size * 1.3, 2)
        self._font = pdfmetrics.getFont(font_name)
        self._widths: dict[str, float] = {}
        # Each distinct text is wrapped once per width: a long list repeats its categories,
        # statuses, regions and units thousands of times. The lists returned are shared: never
        # change one.
        self._wrapped: dict[tuple[str, float], list[str]] = {}
        self._line_widths: dict[str, float] = {}

    def width(self, text: str) -> float:
        widths = self._widths
        total = 0.0
        for ch in text:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = self._font.stringWidth(ch, self.size)
            total += w
        return total

    def line_width(self, line: str) -> float:
        """``width``, remembered per line (a centred column prints the same lines again and again)."""
        w = self._line_widths.get(line)
        if w is None:
            w = self._line_widths[line] = self.width(line)
        return w

    def wrap(self, text: str, width: float) -> list[str]:
        key = (text, width)
        lines = self._wrapped.get(key)
        if lines is None:
            if "\n" not in text and self.width(text) <= width + 0.01:
                lines = [text]  # most cells: one line, no need to look for break points
            else:
                lines = []
                for para in text.split("\n"):
                    self._wrap_para(para, width, lines)
            self._wrapped[key] = lines
        return lines

    def _wrap_para(self, para: str, width: float, lines: list[str]) -> None:
        cur: list[str] = []
        cur_w = 0.0
        limit = width + 0.01
        for tok in tokens(para):
            w = self.width(tok)
            if cur_w + w <= limit:
                if cur or not tok.isspace():
                    cur.append(tok)
                    cur_w += w
                continue
            if cur:
                lines.append("".join(cur).rstrip())
                cur, cur_w = [], 0.0
            if tok.isspace():
                continue
            if w <= limit:
                cur, cur_w = [tok], w
                continue
            for ch in tok:  # a token wider than the line: break between its characters
                cw = self.width(ch)
                if cur and cur_w + cw > limit:
                    carried: list[str] = []
                    if ch in _NO_LINE_START and len(cur) > 1:
                        carried = [cur.pop()]  # the mark takes the character before it along
                    lines.append("".join(cur))
                    cur, cur_w = carried, self.width("".join(carried))
                cur.append(ch)
                cur_w += cw
        if cur or not lines or not para:
            lines.append("".join(cur).rstrip())


class TextBlock(Flowable):
    """Plain text in one font, wrapped to the width it is given; splits between lines."""

    def __init__(self, text: str, breaker: LineBreaker, align: str = "LEFT",
                 lines: list[str] | None = None) -> None:
        super().__init__()
        self.text = text
        self.breaker = breaker
        self.align = align
        self._lines = lines
        self._for_width = -1.0 if lines is None else None  # None: lines are fixed (a split part)

    def lines_for(self, width: float) -> list[str]:
        if self._for_width is not None and self._for_width != width:
            self._lines = self.breaker.wrap(self.text, width) if self.text else []
            self._for_width = width
        return self._lines or []

    @property
    def wrapped_lines(self) -> list[str]:
        """The lines as last wrapped (by ``wrap``), what ``draw`` prints."""
        return self._lines or []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = len(self.lines_for(availWidth)) * self.breaker.leading
        return self.width, self.height

    def split_lines(self, width: float, count: int) -> tuple[TextBlock, TextBlock]:
        lines = self.lines_for(width)
        return (TextBlock("", self.breaker, self.align, lines[:count]),
                TextBlock("", self.breaker, self.align, lines[count:]))

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        count = int(availHeight // self.breaker.leading)
        lines = self.lines_for(availWidth)
        if count <= 0 or count >= len(lines):
            return []
        return list(self.split_lines(availWidth, count))

    def draw(self) -> None:
        b = self.breaker
        lines = self._lines or []
        if not lines:
            return
        text = self.canv.beginText()
        text.setFont(b.font_name, b.size, b.leading)
        # Baseline of the first line: the glyph box (about 0.88 em above the
        # baseline for CJK faces) centred in the line's leading.
        y = self.height - (b.leading - b.size) / 2 - b.size * 0.88
        if self.align == "LEFT":
            text.setTextOrigin(0, y)
            for line in lines:
                text.textLine(line)
        else:
            for line in lines:
                free = self.width - b.width(line)
                text.setTextOrigin(free / 2 if self.align == "CENTER" else free, y)
                text.textOut(line)
                y -= b.leading
        self.canv.drawText(text)


# ---- the long table ----------------------------------------------------------

class TextTable(CellHookTable):
    """A Table that draws the text of all its :class:`TextBlock` cells in one text object.

    Drawing each cell as a flowable (save state, move, new text object, set font,
    restore) cost more than laying the text out; here the grid and backgrounds
    are reportlab's and the text of the whole page is one ``BT … ET``. Cells
    are vertically centred (the needs list's style).
    """

    def draw(self) -> None:
        self._text_cells: list[tuple] = []
        super().draw()
        text = self.canv.beginText()
        writer = _line_writer(self.canv)
        font = color = None
        for block, style, (x, y), (width, height) in self._text_cells:
            lines = block.wrapped_lines
            if not lines:
                continue
            b = block.breaker
            if font != (b.font_name, b.size, b.leading):
                font = (b.font_name, b.size, b.leading)
                text.setFont(*font)
            if color != style.color:
                color = style.color
                text.setFillColor(color)
            block_height = len(lines) * b.leading
            top = y + (height + style.bottomPadding - style.topPadding + block_height) / 2
            baseline = top - (b.leading - b.size) / 2 - b.size * 0.88
            left = x + style.leftPadding
            inner = width - style.leftPadding - style.rightPadding
            for line in lines:
                if block.align == "LEFT":
                    writer.put(text, left, baseline, line)
                else:
                    free = inner - b.line_width(line)
                    writer.put(text, left + (free / 2 if block.align == "CENTER" else free), baseline, line)
                baseline -= b.leading
        self.canv.drawText(text)

    def draw_cell(self, value, style, pos, size) -> bool:
        cell = value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value
        if not isinstance(cell, TextBlock):
            return False
        self._text_cells.append((cell, style, pos, size))
        return True


def _line_writer(canvas: Canvas) -> LineWriter:
    """The canvas's LineWriter (its cache lives as long as the document)."""
    writer = getattr(canvas, "_wanlixing_lines", None)
    if writer is None:
        writer = canvas._wanlixing_lines = LineWriter(canvas)
    return writer


@dataclass
class PagedColumn:
    """A column of a :class:`PagedTable`: its header text, width and alignment."""

    label: str
    width: float  # points
    align: str = "LEFT"  # LEFT / CENTER


CellPadding = 3.0
_MIN_SPLIT_LINES = 2


class _TableSource:
    """State shared by the page-sized parts of one :class:`PagedTable`."""

    def __init__(self, columns: Sequence[PagedColumn], header: Sequence[Flowable], count: int,
                 make_row: Callable[[int], list[TextBlock]], styles: Callable[[int, int], list],
                 base_style: list, full_height: float, continued: Callable[[int], TextBlock] | None,
                 progress: Progress | None, progress_text: str) -> None:
        self.columns = list(columns)
        self.header = list(header)
        self.count = count
        self.make_row = make_row
        self.row_styles = styles
        self.base_style = base_style
        self.full_height = full_height
        self.continued = continued
        self.progress = progress
        self.progress_text = progress_text
        self.inner = [c.width - 2 * CellPadding for c in columns]
        self.header_height = self.height(self.header)
        self.pages = 0

    def height(self, cells: Sequence[Flowable]) -> float:
        return max(c.wrap(w, 1e9)[1] for c, w in zip(cells, self.inner, strict=True)) + 2 * CellPadding

    def split_row(self, cells: list[TextBlock], lines: int) -> tuple[list[TextBlock], list[TextBlock]]:
        top, rest = [], []
        for c, w in zip(cells, self.inner, strict=True):
            a, b = c.split_lines(w, lines)
            top.append(a)
            rest.append(b)
        return top, rest


class PagedTable(Flowable):
    """A table of ``count`` rows flowing over as many pages as it needs.

    ``make_row(i)`` builds the cells of row ``i``; ``styles(i, r)`` gives the
    style commands of row ``i`` drawn at table row ``r`` (flag backgrounds);
    ``continued(i)`` is the first cell of the continuation of a split row.
    """

    def __init__(self, source: _TableSource, start: int = 0,
                 carry: tuple[int, list[TextBlock]] | None = None) -> None:
        super().__init__()
        self.source = source
        self.start = start
        self.carry = carry
        self._whole: Table | None = None
        # wrap() and split() are asked about the same space in turn: pack once.
        self._packed: tuple[float, Table | None, PagedTable | None] | None = None

    @classmethod
    def create(cls, columns: Sequence[PagedColumn], header: Sequence[Flowable], count: int,
               make_row: Callable[[int], list[TextBlock]], styles: Callable[[int, int], list],
               base_style: list, full_height: float, continued: Callable[[int], TextBlock] | None = None,
               progress: Progress | None = None, progress_text: str = "") -> PagedTable:
        """``full_height``: the frame's height, to tell a row taller than any page."""
        return cls(_TableSource(columns, header, count, make_row, styles, base_style, full_height,
                                continued, progress, progress_text))

    def _pack(self, avail: float) -> tuple[Table | None, PagedTable | None]:
        """The table that fits in ``avail`` points, and what is left for later pages."""
        if self._packed is not None and self._packed[0] == avail:
            return self._packed[1], self._packed[2]
        src = self.source
        check(src.progress)
        used = src.header_height
        rows: list[tuple[int, list[TextBlock]]] = []
        heights = [src.header_height]  # given to the table: reportlab would wrap every cell again
        carry, index = self.carry, self.start
        rest: PagedTable | None = None
        while True:
            if carry is not None:
                (record, cells), carry = carry, None
            elif index < src.count:
                record, cells = index, src.make_row(index)
                index += 1
            else:
                break
            h = src.height(cells)
            if used + h <= avail:
                rows.append((record, cells))
                heights.append(h)
                used += h
                continue
            # A row that does not fit moves to the next page, unless it is taller
            # than a whole page: then it is split, filling this page first.
            leading = max(c.breaker.leading for c in cells if isinstance(c, TextBlock))
            lines = int((avail - used - 2 * CellPadding) // leading)
            if h > src.full_height - src.header_height and lines >= _MIN_SPLIT_LINES:
                top, bottom = src.split_row(cells, lines)
                if src.continued is not None:
                    bottom[0] = src.continued(record)
                rows.append((record, top))
                heights.append(src.height(top))
                rest = PagedTable(src, index, (record, bottom))
            else:
                rest = PagedTable(src, index, (record, cells))
            break
        if not rows and not (src.count == 0 and used <= avail):
            self._packed = (avail, None, self)  # nothing fits here: try on the next page
            return None, self
        table = TextTable([src.header] + [cells for _record, cells in rows],
                          colWidths=[c.width for c in src.columns], rowHeights=heights, repeatRows=1)
        commands = list(src.base_style)
        for r, (record, _cells) in enumerate(rows, start=1):
            commands += src.row_styles(record, r)
        table.setStyle(commands)
        src.pages += 1
        if src.progress is not None:
            done = src.count if rest is None else rest.start - (rest.carry is not None)
            src.progress.update(done, src.count, src.progress_text.format(page=src.pages))
        self._packed = (avail, table, rest)
        return table, rest

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        table, rest = self._pack(availHeight)
        if table is None or rest is not None:
            self._whole = None
            return availWidth, availHeight + 1  # does not fit: the frame will split it
        self._whole = table
        return table.wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        table, rest = self._pack(availHeight)
        if table is None:
            return []  # not even one line fits below what is already on this page
        return [table] if rest is None else [table, rest]

    def draw(self) -> None:
        assert self._whole is not None
        self._whole.wrapOn(self.canv, self.width, self.height)
        self._whole.drawOn(self.canv, 0, 0)


# ---- pages -----------------------------------------------------------------

FOOTER_TEXT = "第 {page} 页 共 {total} 页"


def numbered_canvas(fonts: FontSet, footer_y: float = 12 * mm, size: float = 9) -> type[Canvas]:
    """A canvas class that writes "第 X 页 共 Y 页" once the page count is known.

    Pages are kept until ``save`` (``compat_reportlab.DeferredPagesCanvas``);
    the initial font is ours so reportlab's Helvetica never enters the file.
    """

    class NumberedCanvas(DeferredPagesCanvas):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.body
            kwargs["initialFontSize"] = kwargs.get("initialFontSize") or size
            super().__init__(*args, **kwargs)

        def finish_page(self, number: int, total: int) -> None:
            self.saveState()
            self.setFont(fonts.body, size)
            self.setFillColor(colors.black)
            self.drawCentredString(self.page_width / 2, footer_y, FOOTER_TEXT.format(page=number, total=total))
            self.restoreState()

    return NumberedCanvas


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


def frame_size(pagesize: tuple[float, float], margins: Margins) -> tuple[float, float]:
    return pagesize[0] - margins.left - margins.right, pagesize[1] - margins.top - margins.bottom


def build_pdf(path: str | Path, story: list[Flowable], pagesize: tuple[float, float], margins: Margins,
              fonts: FontSet, title: str, author: str = "", subject: str = "") -> None:
    """Lay out ``story`` and write it to ``path`` atomically (no half-written file on failure)."""
    with atomic_path(path) as tmp:
        doc = BaseDocTemplate(str(tmp), pagesize=pagesize, title=title, author=author, subject=subject,
                              creator=APP_NAME, producer=APP_NAME, initialFontName=fonts.body,
                              leftMargin=margins.left, rightMargin=margins.right,
                              topMargin=margins.top, bottomMargin=margins.bottom)
        width, height = frame_size(pagesize, margins)
        frame = Frame(margins.left, margins.bottom, width, height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        with without_ascii85():
            doc.build(story, canvasmaker=numbered_canvas(fonts))


# ---- styles ------------------------------------------------------------------

@dataclass(frozen=True)
class ParagraphStyles:
    """The reportlab paragraph styles of one PDF (the xlsx cell styles are ``xlsx_common.Styles``)."""

    annex: ParagraphStyle  # "附件1" above the title
    title: ParagraphStyle
    heading: ParagraphStyle  # 一、背景情况
    body: ParagraphStyle  # case text: first-line indent of two characters
    label: ParagraphStyle  # labels of the header block and the case form
    value: ParagraphStyle
    note: ParagraphStyle
    caption: ParagraphStyle  # under a picture
    stamp: ParagraphStyle  # 推荐单位（盖章）, the date line


@cache
def styles(fonts: FontSet) -> ParagraphStyles:
    """ParagraphStyles, built once per font set (creating them per cell is costly)."""
    def style(name: str, font: str, size: float, leading: float, **kw) -> ParagraphStyle:
        kw.setdefault("textColor", colors.black)
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)

    return ParagraphStyles(
        annex=style("annex", fonts.heading, 16, 22, alignment=TA_LEFT),
        title=style("title", fonts.title, 20, 28, alignment=TA_CENTER, spaceBefore=4, spaceAfter=10),
        heading=style("heading", fonts.heading, 14, 22, spaceBefore=8, spaceAfter=4),
        body=style("body", fonts.body, 13, 22, firstLineIndent=26, alignment=TA_JUSTIFY),
        label=style("label", fonts.heading, 11, 16, alignment=TA_CENTER),
        value=style("value", fonts.body, 11, 16, alignment=TA_LEFT),
        note=style("note", fonts.body, 10, 14, alignment=TA_LEFT, textColor=colors.HexColor("#444444")),
        caption=style("caption", fonts.body, 10.5, 14, alignment=TA_CENTER, spaceAfter=4),
        stamp=style("stamp", fonts.body, 13, 20, alignment=TA_RIGHT),
    )


def scale_to_fit(width: float, height: float, max_width: float, max_height: float) -> tuple[float, float]:
    """``width`` x ``height`` shrunk (never enlarged) to fit the box, keeping the aspect ratio."""
    if width <= 0 or height <= 0:
        return 0.0, 0.0
    factor = min(1.0, max_width / width, max_height / height)
    return width * factor, height * factor

