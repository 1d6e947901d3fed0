"""How an exported sheet is printed across the page: a scale the officer can still read.

Excel, WPS and LibreOffice shrink a sheet set to "fit to one page wide" as far as it takes;
13 columns of 附件1 on landscape A4 came out at about 6 pt. Here the print scale is
estimated from the column widths: one page wide when the body text stays at 8 pt or larger,
otherwise two pages wide with the first columns (序号 … 需求主体名称) and the table header
repeated on each page, so that every printed row can still be told apart.

The estimate uses Excel's column-width unit: the width of "0" in the workbook's default font
(Calibri 11 in openpyxl's workbooks, 7 px at 96 dpi) plus 5 px of padding per column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

A4_SHORT_PT, A4_LONG_PT = 595.28, 841.89
MIN_TEXT_PT = 8.0  # smallest printed body text the sheet may shrink to
DIGIT_PX = 7  # width of "0" in Calibri 11 at 96 dpi: Excel's column-width unit
PAD_PX = 5
SIDE_MARGINS_IN = 1.0  # left + right, as xlsx_common.setup_page sets them
SAFETY = 0.97


def column_points(width: float) -> float:
    """Printed width at 100 % of a column ``width`` characters wide."""
    return (width * DIGIT_PX + PAD_PX) * 72 / 96


@dataclass(frozen=True)
class PageFit:
    pages_wide: int  # 1: fit to one page wide; 2: a fixed scale and a column break
    scale: float  # the print scale (1.0 = 100 %)
    split: int | None  # two pages: the first column (1-based) of the second page's own part
    title_cols: int  # two pages: how many first columns every page repeats
    text_pt: float  # body text size at that scale


def _two_pages(points: list[float], title_cols: int, printable: float) -> tuple[float, int]:
    """The largest scale at which the columns print on two pages that both start with the
    first ``title_cols`` columns, and where the second page's own part starts (1-based)."""
    titles = sum(points[:title_cols])
    widest, k = min((max(titles + sum(points[title_cols:k]), titles + sum(points[k:])), k)
                    for k in range(title_cols + 1, len(points)))
    return min(1.0, printable / widest), k + 1


def choose_fit(widths: Sequence[float], font_size: float, landscape: bool, title_options: Sequence[int] = (),
               side_margins_in: float = SIDE_MARGINS_IN) -> PageFit:
    """One page wide if the text stays ≥ ``MIN_TEXT_PT``; else two pages repeating the first of
    ``title_options`` (numbers of first columns, most wanted first) that keeps the text that
    large, or the one that comes closest."""
    printable = (A4_LONG_PT if landscape else A4_SHORT_PT) - side_margins_in * 72
    points = [column_points(w) for w in widths]
    one = min(1.0, printable / sum(points))
    options = [t for t in title_options if len(widths) - t >= 2]
    if font_size * one >= MIN_TEXT_PT or not options:
        return PageFit(1, one, None, 0, round(font_size * one, 2))
    best: PageFit | None = None
    for title_cols in options:
        scale, split = _two_pages(points, title_cols, printable)
        # Whole percent, a little under the estimate: the break is fixed, so an application
        # whose columns come out a hair wider must not push the last column onto a third page.
        scale = math.floor(scale * SAFETY * 100) / 100
        fit = PageFit(2, scale, split, title_cols, round(font_size * scale, 2))
        if fit.text_pt >= MIN_TEXT_PT:
            return fit
        if best is None or fit.scale > best.scale:
            best = fit
    assert best is not None
    return best


def apply_fit(ws: Worksheet, fit: PageFit) -> None:
    """Set ``fit`` on ``ws`` after ``xlsx_common.setup_page`` (A4, margins, footer)."""
    ws.page_setup.fitToHeight = 0
    if fit.pages_wide == 1:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        return
    # Applications ignore manual page breaks while fitting to pages: a fixed scale instead.
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.fitToWidth = 2
    ws.page_setup.scale = round(fit.scale * 100)
    ws.col_breaks.append(Break(id=fit.split - 1))  # a break after column split - 1
    # Both halves of a row on consecutive sheets, not all left halves first.
    ws.page_setup.pageOrder = "overThenDown"
    if fit.title_cols:
        ws.print_title_cols = f"A:{get_column_letter(fit.title_cols)}"
