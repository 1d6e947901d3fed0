"""Every use of reportlab's internals, in one place (tested by tests/exports/test_compat_reportlab.py).

reportlab has no public API for three things the PDF exports need:

- **Drawing a table cell ourselves.** ``Table._drawCell`` is the per-cell hook; our
  :class:`exports.pdf_common.TextTable` collects the text of all cells and writes it as one
  text object (drawing cell by cell made a 10,000-need list several times slower).
- **"第 X 页 共 Y 页".** The total is known only after the last page, so every page is
  kept and drawn at ``save`` — reportlab's own documented NumberedCanvas recipe, which
  snapshots the canvas's ``__dict__`` and calls ``Canvas._startPage``.
- **Chinese line-start rule in ``Paragraph``.** reportlab's CJK wrapping hangs a mark that may
  not start a line in the margin, but its list (``ALL_CANNOT_START``, a module global of
  ``lib.textsplit`` — single-run paragraphs — copied into ``platypus.paragraph``) is Japanese and lacks ，；：？！》” and others: case PDFs broke before “，”.
  It has no rule at all for marks that may not END a line (“（《). :func:`chinese_line_rules`
  adds our marks to that global and wraps ``paragraph.wordSplit`` so that an opening mark left
  at a line's end moves to the next line; process-wide, once.
- **Writing a line of text once per distinct line.** ``PDFTextObject.textOut`` splits the
  text into the font's subsets and escapes it on every call (``_formatText``); a 10,000-need
  list prints the same category, status and region lines thousands of times.
  :class:`LineWriter` does what ``setTextOrigin`` + ``textOut`` do, with that work cached per
  distinct line (a character's subset code never changes once assigned, so the cache is exact).
- **No ASCII85 on top of compression.** ``rl_config.useA85`` is a process-wide setting;
  it is switched off only while one of our documents is built, not at import.

Pinned below the next major version in pyproject.toml; when reportlab is upgraded, the
test fails here first, with the name of what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Table


class CellHookTable(Table):
    """A ``Table`` that offers each cell to :meth:`draw_cell` before drawing it itself."""

    def draw_cell(self, value: object, style: object, pos: tuple[float, float], size: tuple[float, float]) -> bool:
        """Draw the cell (``value`` as given to the table, reportlab's ``CellStyle``, the
        bottom-left corner and the size of the cell) and return True, or return False
        to let reportlab draw it. Called while the table draws, in cell order."""
        return False

    def _drawCell(self, cellval, cellstyle, pos, size) -> None:  # noqa: N802 (reportlab's name)
        if not self.draw_cell(cellval, cellstyle, pos, size):
            super()._drawCell(cellval, cellstyle, pos, size)


class DeferredPagesCanvas(Canvas):
    """A canvas that keeps every page until ``save`` and then calls :meth:`finish_page`
    on each with its number and the total (the standard NumberedCanvas recipe)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deferred_pages: list[dict] = []

    @property
    def page_width(self) -> float:
        return float(self._pagesize[0])

    def finish_page(self, number: int, total: int) -> None:
        """Draw what needs the page count (the canvas is on page ``number``)."""

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._deferred_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = self._deferred_pages
        for number, state in enumerate(pages, start=1):
            self.__dict__.update(state)
            self.finish_page(number, len(pages))
            super().showPage()
        super().save()


class LineWriter:
    """``text.setTextOrigin(x, y); text.textOut(line)`` for the text objects of one canvas, with
    each distinct line's subset split and escaping done once (see the module note).

    For TrueType (subset) fonts on a bottom-up canvas, which is every font and canvas the exports
    use; anything else goes through reportlab's own calls. The text cursor (``_x``) is not
    advanced: every line is placed by its own origin.
    """

    def __init__(self, canvas: Canvas) -> None:
        self._canvas = canvas
        self._doc = canvas._doc
        self._escape = canvas._escape
        self._fast = bool(canvas.bottomup)
        self._pieces: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self._select: dict[tuple[str, float, float, int], str] = {}

    def put(self, text: PDFTextObject, x: float, y: float, line: str) -> None:
        name = text._fontname
        font = pdfmetrics.getFont(name)
        if not (self._fast and font._dynamicFont):
            text.setTextOrigin(x, y)
            text.textOut(line)
            return
        code = text._code
        code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        text._x0 = text._x = x
        text._y0 = text._y = y
        key = (name, line)
        pieces = self._pieces.get(key)
        if pieces is None:
            pieces = self._pieces[key] = [(subset, f"({self._escape(t)}) Tj")
                                          for subset, t in font.splitString(line, self._doc)]
        for subset, op in pieces:
            if subset != text._curSubset:
                select = (name, text._fontsize, text._leading, subset)
                if select not in self._select:
                    self._select[select] = (f"{font.getSubsetInternalName(subset, self._doc)} "
                                            f"{fp_str(text._fontsize)} Tf {fp_str(text._leading)} TL")
                code.append(self._select[select])
                text._curSubset = subset
            code.append(op)


@contextmanager
def without_ascii85() -> Iterator[None]:
    """Write page streams compressed but not ASCII85-encoded while the block runs.

    ASCII85 on compressed streams only makes the file a quarter bigger and costs a
    tenth of the export time. The setting is read while the document is written, so
    the block must cover ``doc.build``. Two exports at once may restore it early; the
    other file then merely comes out larger.
    """
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def chinese_line_rules(cannot_start: str, cannot_end: str) -> None:
    """Make reportlab's ``Paragraph`` (wordWrap="CJK") follow 行首禁则 and 行尾禁则.

    Only ever adds characters / wraps once, so calling it again is harmless.
    """
    from reportlab.lib import textsplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        missing = "".join(ch for ch in cannot_start if ch not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing
    original = paragraph.wordSplit
    if getattr(original, "_wanlixing", False):
        return

    def word_split(word, max_widths, font_name, font_size, encoding="utf8"):
        lines = original(word, max_widths, font_name, font_size, encoding)
        for here, after in zip(lines, lines[1:], strict=False):
            text = here[1]
            if isinstance(text, str) and len(text) > 1 and text[-1] in cannot_end:
                width = stringWidth(text[-1], font_name, font_size)
                here[0], here[1] = here[0] + width, text[:-1]
                after[0], after[1] = after[0] - width, text[-1] + after[1]
        return lines

    word_split._wanlixing = True  # type: ignore[attr-defined]
    paragraph.wordSplit = word_split
