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
- **No ASCII85 on top of compression.** ``rl_config.useA85`` is a process-wide setting;
  it is switched off only while one of our documents is built, not at import.

Pinned below the next major version in pyproject.toml; when reportlab is upgraded, the
test fails here first, with the name of what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
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
