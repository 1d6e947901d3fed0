"""附件1 需求清单 as an Excel workbook (also the blank template, see ``xlsx_templates``).

Layout of the list sheet (``SHEET_NAME``); the import relies on it:

    row 1  title, merged across the table: "{年度}年知识产权服务万里行活动需求清单"
           (consolidated: "...需求清单（汇总）")
    row 2  填报单位：[value]  所属地区：[value]  活动年度：[int]
    row 3  填报人：[value]    联系电话：[value]  填报日期：[date cell]
           each label is right-aligned in its own cell (merged over one or more
           columns), its value in the merged cells to its right (``header_cells``)
    row 4  summary line, storage.stats.list_line(...) (template: how-to note)
    row 5  table header: 序号, [所属地区, 填报单位 when consolidated], then the
           labels of NEEDS.table_fields in order
    row 6… one need per row; 序号 renumbered 1..N; a flagged need has a fill on
           the whole row and "★ " (xlsx_common.FLAG_MARK) before its 协调层级
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from exports import xlsx_common as xc
from exports.meta import MetaRow, write_meta
from exports.xlsx_pagefit import PageFit, apply_fit, choose_fit
from forms import NEEDS, PROFILE
from forms.fields import Field, Kind
from forms.identity import record_digest
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL
from forms.progress import Progress, check
from forms.reference import region_label
from forms.rules import parse_date
from forms.validation import problems
from storage.bases import mark_sent
from storage.stats import TOTAL, CountRow, Summary, list_line, region_order_key, summary

SHEET_NAME = "需求清单"
ANNEX = "附件1"  # printed above the title, as in the PDF
STATS_SHEET_NAME = "汇总统计"
TITLE_ROW = 1
HEADER_BLOCK_ROWS = (2, 3)
NOTE_ROW = 4
TABLE_HEADER_ROW = 5
FIRST_DATA_ROW = 6
TEMPLATE_ROWS = 50
# Drop-downs and flag colouring reach this many rows below the data, so a
# colleague who adds needs at the bottom in Excel/WPS still gets them.
SPARE_ROWS = 100

# The header block: (label, profile key) pairs, three per row.
HEADER_BLOCK = (
    (("填报单位", "unit"), ("所属地区", "region"), ("活动年度", "year")),
    (("填报人", "reporter"), ("联系电话", "phone"), ("填报日期", "report_date")),
)
# Header-block values that are identifiers (profile field keys): text cells.
HEADER_IDENTIFIERS = frozenset(f.key for f in PROFILE.fields if f.is_identifier)
TEMPLATE_NOTE = ("填写说明：每行填写一项需求；带下拉箭头的列请从列表中选择；"
                 "“协调层级”选择需国家或省知识产权局协调的需求，整行将以颜色标注。")

_LEVEL_NAMES = {FLAG_NATIONAL: "国家", FLAG_PROVINCIAL: "省"}
_SERIES_COLORS = ("C00000", "ED7D31", "5B9BD5", "A5A5A5")


@dataclass(frozen=True)
class Column:
    key: str  # a NEEDS field key, or "seq" / "region" / "unit"
    label: str
    width: float
    field: Field | None = None

    @property
    def identifier(self) -> bool:
        """Written and typed as text (``@``): a phone or code must keep every digit."""
        return self.field is not None and self.field.is_identifier


def columns(consolidated: bool = False, fields: Sequence[str] | None = None) -> list[Column]:
    """The table's columns in order; their labels are the header row. ``fields``: only these
    field keys, in the form's order (the progress report); None: every table field."""
    cols = [Column("seq", "序号", 6)]
    if consolidated:
        cols += [Column("region", "所属地区", 16), Column("unit", "填报单位", 24)]
    for f in NEEDS.table_fields:
        if fields is not None and f.key not in fields:
            continue
        # Wide enough that the label wraps to at most two lines.
        width = max(f.width, xc.text_units(f.label) / 2 + 2)
        cols.append(Column(f.key, f.label, width, f))
    return cols


def page_fit(cols: Sequence[Column], body_size: float = 11) -> PageFit:
    """How the list prints across landscape A4: one page wide, or two each starting with
    序号 … 需求主体名称 (``exports.xlsx_pagefit``)."""
    name_col = next(i for i, c in enumerate(cols, start=1) if c.key == "subject_name")
    # 序号 … 需求主体名称 on both pages; only 序号 when that would shrink the text below 8 pt.
    return choose_fit([c.width for c in cols], body_size, landscape=True, title_options=(name_col, 1))


def top_width(cols: Sequence[Column], body_size: float = 11) -> int:
    """How many columns the title spans: the first printed page's."""
    fit = page_fit(cols, body_size)
    return fit.split - 1 if fit.split else len(cols)


def block_span(cols: Sequence[Column], body_size: float = 11) -> tuple[int, int]:
    """First and last column (1-based) of the header block and the note: the first printed page's,
    less the columns repeated on the second page (which would show them there cut off)."""
    fit = page_fit(cols, body_size)
    return (fit.title_cols + 1, fit.split - 1) if fit.split else (1, len(cols))


def header_cells(cols: Sequence[Column]) -> list[tuple[int, int, int, int, int]]:
    """Where the header block goes: (row, label first col, label last col, value first col,
    value last col), 1-based, in the order of ``HEADER_BLOCK``.

    The columns of ``block_span`` are shared out in thirds of their width; each third
    holds one label (as narrow as possible, at least 8 units) and its value.
    """
    first, last = block_span(cols)
    widths = [c.width for c in cols[first - 1:last]]
    n, total = len(widths), sum(widths)
    spans: list[tuple[int, int, int, int]] = []
    col = 0  # 0-based index of the next free column
    for k in range(3):
        later = 2 * (2 - k)  # columns the pairs after this one need at least
        label_first, label_width = col, 0.0
        while True:
            label_width += widths[col]
            col += 1
            if label_width >= 8 or col >= n - 1 - later:
                break
        value_first = col
        if k == 2:
            col = n
        else:
            target = total * (k + 1) / 3
            acc = sum(widths[: col + 1])
            col += 1
            # Stop at the column boundary nearest to the third.
            while col < n - later and acc + widths[col] / 2 < target:
                acc += widths[col]
                col += 1
        spans.append((first + label_first, first + value_first - 1, first + value_first, first + col - 1))
    return [(r, *spans[i]) for r, pairs in zip(HEADER_BLOCK_ROWS, HEADER_BLOCK, strict=True)
            for i in range(len(pairs))]


def report_date(profile: dict, today: dt.date | None = None) -> dt.date:
    return parse_date(profile.get("report_date")) or today or dt.date.today()


class NeedsSheet:
    """Writes one needs list sheet; used for exports and for the blank template."""

    def __init__(self, wb: Workbook, ws: Worksheet, styles: xc.Styles, lists: xc.DropDownLists,
                 consolidated: bool = False, fields: Sequence[str] | None = None) -> None:
        self.wb, self.ws, self.styles, self.lists = wb, ws, styles, lists
        self.consolidated = consolidated
        self.cols = columns(consolidated, fields)
        self.ncols = len(self.cols)
        self.fit = page_fit(self.cols, styles.body_size)
        self.top_ncols = top_width(self.cols, styles.body_size)  # the title's
        self.block = block_span(self.cols, styles.body_size)  # the header block's and the note's
        self.index = {c.key: i + 1 for i, c in enumerate(self.cols)}
        self.next_row = FIRST_DATA_ROW
        self._writer: xc.RowWriter | None = None  # the data rows, once the first is written
        self._invalid: dict[bool, int] = {}
        self._style_rows: dict[str | None, list[int]] = {}
        for i, c in enumerate(self.cols, start=1):
            ws.column_dimensions[get_column_letter(i)].width = round(c.width, 1)

    # ---- top of the sheet --------------------------------------------------
    def write_title(self, year: int, suffix: str = "") -> None:
        title = f"{year}年{NEEDS.title}" + ("（汇总）" if self.consolidated else suffix)
        xc.put_text(xc.merge(self.ws, TITLE_ROW, 1, TITLE_ROW, self.top_ncols, xc.Styles.TITLE), title)
        self.ws.row_dimensions[TITLE_ROW].height = 36

    def write_header_block(self, profile: dict | None, year: int, today: dt.date | None = None) -> None:
        """The submission header; ``profile`` None leaves the values empty to fill in by hand."""
        ws = self.ws
        pairs = [p for row in HEADER_BLOCK for p in row]
        for (r, l1, l2, v1, v2), (label, key) in zip(header_cells(self.cols), pairs, strict=True):
            xc.put_text(xc.merge(ws, r, l1, r, l2, xc.Styles.BLOCK_LABEL), f"{label}：")
            if profile is None and key != "year":  # shaded: to be filled in by hand
                style = xc.Styles.BLOCK_INPUT_DATE if key == "report_date" else xc.Styles.BLOCK_INPUT
            else:
                style = xc.Styles.BLOCK_DATE if key == "report_date" else xc.Styles.BLOCK_VALUE
            cell = xc.merge(ws, r, v1, r, v2, style)
            if key in HEADER_IDENTIFIERS:
                for c in range(v1, v2 + 1):
                    ws.cell(row=r, column=c).number_format = xc.TEXT_FORMAT
            if key == "year":
                xc.put_value(cell, year)
            elif profile is None:
                continue
            elif key == "region":
                xc.put_text(cell, region_label(profile.get("city"), profile.get("district")))
            elif key == "report_date":
                xc.put_value(cell, report_date(profile, today))
            else:
                xc.put_text(cell, profile.get(key))
        # Two pages wide, the block has fewer columns: a long unit name may take two lines.
        lines = {r: 1 for r in HEADER_BLOCK_ROWS}
        for r, _l1, _l2, v1, v2 in header_cells(self.cols):
            value = ws.cell(row=r, column=v1).value
            if isinstance(value, str):
                width = sum(c.width for c in self.cols[v1 - 1:v2])
                lines[r] = max(lines[r], xc.line_count(value, width))
        for r in HEADER_BLOCK_ROWS:
            ws.row_dimensions[r].height = max(22.0, lines[r] * xc.line_height(11) + 6)

    def write_note(self, text: str, hint: bool = False) -> None:
        style = xc.Styles.HINT if hint else xc.Styles.NOTE
        xc.put_text(xc.merge(self.ws, NOTE_ROW, self.block[0], NOTE_ROW, self.block[1], style), text, multiline=True)
        self.ws.row_dimensions[NOTE_ROW].height = 30 if hint else 22

    def write_table_header(self) -> None:
        for i, c in enumerate(self.cols, start=1):
            cell = self.ws.cell(row=TABLE_HEADER_ROW, column=i)
            cell.style = xc.Styles.HEADER
            xc.put_text(cell, c.label)
        self.ws.row_dimensions[TABLE_HEADER_ROW].height = 36

    # ---- the rows ------------------------------------------------------------
    def write_row(self, number: int, row: dict, found: dict[str, str] | None = None) -> int:
        """Write one need at the next row; returns its Excel row number.

        ``found`` maps a field to its problem (a draft exported anyway): that cell is boxed in red
        and carries a comment saying what to correct; the value itself is written unchanged.
        The rows are XML text (``xlsx_common.RowWriter``): the same cells, styles and rules as
        ``put_value``/``put_text``, without an openpyxl cell each.
        """
        found = found or {}
        out = self._rows()
        r = self.next_row
        level = _LEVEL_NAMES.get(xc.strip_flag_mark(str(row.get("coord_level") or "")))
        styles = self._row_styles(level)
        cells: list[str] = []
        lines = 1
        for i, c in enumerate(self.cols, start=1):
            f = c.field
            style = self._invalid[c.identifier] if c.key in found else styles[i - 1]
            multiline = False
            if c.key == "seq":
                value: object = number
            elif c.key == "region":
                value = region_label(row.get("city"), row.get("district"))
            elif c.key == "unit":
                value = row.get("unit")
                value = value if value is None or isinstance(value, str) else str(value)
            elif f is not None and f.is_number and isinstance(row.get(f.key), int):
                value = row[f.key]
            elif c.key == "coord_level" and level:
                value = xc.FLAG_MARK + xc.strip_flag_mark(str(row.get("coord_level")))
            else:
                value = row.get(c.key)
                if value is not None and not isinstance(value, str):
                    value = str(value)  # put_text: anything else is written as its text
                multiline = f is not None and f.kind == Kind.LONGTEXT
            xml, written = out.cell(i, r, value, style, multiline)
            cells.append(xml)
            if c.key in found:
                out.comment(i, r, found[c.key])
            if isinstance(written, str):
                lines = max(lines, xc.line_count(written, c.width))
        # No application fits wrapped rows reliably on opening (LibreOffice
        # does not at all), so the height is set from an estimate.
        out.add(r, cells, self.row_height(lines))
        self.next_row += 1
        return r

    def _rows(self) -> xc.RowWriter:
        if self._writer is None:
            self._writer = xc.RowWriter(self.ws, self.next_row, self.ncols)
            s = self.styles
            self._invalid = {text: s.id(xc.Styles.INVALID, text) for text in (False, True)}
        return self._writer

    def _row_styles(self, level: str | None) -> list[int]:
        """The style id of each column for a row of this coordination level (None: not flagged)."""
        if level not in self._style_rows:
            ids = []
            for c in self.cols:
                f = c.field
                centered = c.key == "seq" or (f is not None and f.is_choice)
                if level is None:
                    name = xc.Styles.CENTER if centered else xc.Styles.TEXT
                elif c.key == "coord_level":
                    name = xc.Styles.flagged("标注", level)
                else:
                    name = xc.Styles.flagged("居中" if centered else "正文", level)
                ids.append(self.styles.id(name, text=c.identifier))
            self._style_rows[level] = ids
        return self._style_rows[level]

    @staticmethod
    def row_height(lines: int) -> float:
        return max(20.0, min(409.0, lines * xc.line_height(11) + 5))

    def write_blank_rows(self, n: int) -> None:
        for r in range(self.next_row, self.next_row + n):
            for i, c in enumerate(self.cols, start=1):
                self.styles.apply(self.ws.cell(row=r, column=i), xc.Styles.TEXT, text=c.identifier)
            self.ws.row_dimensions[r].height = 30
        self.next_row += n

    # ---- sheet-wide settings -----------------------------------------------------
    def finish(self) -> None:
        ws = self.ws
        last = max(self.next_row - 1, FIRST_DATA_ROW) + SPARE_ROWS
        for c in self.cols:
            if c.field is not None and c.field.is_choice:
                letter = get_column_letter(self.index[c.key])
                self.lists.validate(ws, c.field, f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        # Colour the rows a colleague flags later by picking from the drop-down;
        # exported rows also carry a static fill for viewers without this feature.
        level_col = get_column_letter(self.index["coord_level"])
        area = f"A{FIRST_DATA_ROW}:{get_column_letter(self.ncols)}{last}"
        for word, fill in (("国家", xc.NATIONAL_FILL), ("省", xc.PROVINCIAL_FILL)):
            ws.conditional_formatting.add(area, FormulaRule(
                formula=[f'ISNUMBER(SEARCH("{word}",${level_col}{FIRST_DATA_ROW}))'],
                fill=PatternFill("solid", fgColor=fill, bgColor=fill)))
        # Rows a colleague adds below the table get the Text format in identifier columns too.
        for c in self.cols:
            if c.identifier:
                self.ws.column_dimensions[get_column_letter(self.index[c.key])].number_format = xc.TEXT_FORMAT
        name_col = self.index["subject_name"]
        ws.freeze_panes = f"{get_column_letter(name_col + 1)}{FIRST_DATA_ROW}"  # no cell: rows are RowWriter's
        xc.setup_page(ws, landscape=True, title_rows=f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}", annex=ANNEX)
        apply_fit(ws, self.fit)


# ---- the consolidated statistics sheet -----------------------------------------

def _region_order(row: dict) -> tuple:
    return (*region_order_key(row.get("city"), row.get("district")), row.get("seq") or 0)


def write_stats(wb: Workbook, figures: Summary, year: int) -> Worksheet:
    """Two count tables (places and need categories × coordination level) with bar charts.

    The figures and their labels are ``storage.stats.summary``'s, as the window shows them.
    """
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet(STATS_SHEET_NAME, 1)
    levels = figures.levels
    ncols = len(levels) + 2
    total_font = Font(name=xc.BODY_FONT_NAME, size=11, bold=True)
    ws.column_dimensions["A"].width = 28
    for i in range(2, ncols + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14
    xc.put_text(xc.merge(ws, 1, 1, 1, ncols, xc.Styles.TITLE), f"{year}年{NEEDS.title}汇总统计")
    ws.row_dimensions[1].height = 36

    def table(top: int, caption: str, first_head: str, rows: Sequence[CountRow]) -> int:
        xc.put_text(xc.merge(ws, top, 1, top, ncols, xc.Styles.SUBTITLE), caption)
        ws.row_dimensions[top].height = 24
        for i, h in enumerate([first_head, *levels, TOTAL], start=1):
            ws.cell(row=top + 1, column=i).style = xc.Styles.HEADER
            xc.put_text(ws.cell(row=top + 1, column=i), h)
        ws.row_dimensions[top + 1].height = 36
        r = top + 2
        for row in [*rows, figures.total]:
            ws.cell(row=r, column=1).style = xc.Styles.TEXT  # style first: put_text may add the quote prefix
            xc.put_text(ws.cell(row=r, column=1), row.label)
            for i, n in enumerate([*row.counts, row.total], start=2):
                ws.cell(row=r, column=i).style = xc.Styles.INT
                xc.put_value(ws.cell(row=r, column=i), n)
            if row is figures.total:
                for i in range(1, ncols + 1):
                    ws.cell(row=r, column=i).font = total_font
            ws.row_dimensions[r].height = 20
            r += 1
        return r - 1  # the 合计 row

    city_total = table(3, f"一、按{figures.grouping}和协调层级统计", figures.grouping, figures.regions)
    cat_top = city_total + 3
    cat_total = table(cat_top, "二、按需求类别统计", "需求类别", figures.categories)

    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"各{figures.grouping}需求数量（按协调层级）"
    chart.y_axis.title = "项数"
    data = Reference(ws, min_col=2, max_col=1 + len(levels), min_row=4, max_row=city_total - 1)
    chart.add_data(data, titles_from_data=True)
    # Series in the colours of the flags: national red, provincial amber.
    for series, color in zip(chart.series, _SERIES_COLORS, strict=False):
        series.graphicalProperties.solidFill = color
        series.graphicalProperties.line.solidFill = color
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=city_total - 1))
    chart.height, chart.width = 8, 16
    chart.x_axis.delete = chart.y_axis.delete = False  # else newer Excel hides the axes
    ws.add_chart(chart, f"{get_column_letter(ncols + 2)}3")

    chart2 = BarChart()
    chart2.type = "bar"
    chart2.title = "各类别需求数量"
    chart2.legend = None
    chart2.add_data(Reference(ws, min_col=ncols, min_row=cat_top + 1, max_row=cat_total - 1),
                    titles_from_data=True)
    chart2.series[0].graphicalProperties.solidFill = _SERIES_COLORS[2]
    chart2.set_categories(Reference(ws, min_col=1, min_row=cat_top + 2, max_row=cat_total - 1))
    chart2.x_axis.scaling.orientation = "maxMin"  # categories top-down, as in the table
    chart2.x_axis.delete = chart2.y_axis.delete = False
    chart2.height, chart2.width = max(8, 0.7 * len(figures.categories) + 3), 16
    ws.add_chart(chart2, f"{get_column_letter(ncols + 2)}{cat_top}")
    xc.setup_page(ws, landscape=True)
    return ws


# ---- the public entry point ----------------------------------------------------

def export_needs_xlsx(store, path: str | Path, ids: Sequence[str] | None = None,
                      progress: Progress | None = None, consolidated: bool = False,
                      today: dt.date | None = None, profile: dict | None = None, title_suffix: str = "",
                      sent_to: str | None = None, fields: Sequence[str] | None = None) -> int:
    """Write the needs list to ``path``; returns the number of needs written.

    ``profile`` overrides the header block (a feedback file names the unit it goes to).
    The needs written become the base of the next exchange (storage.bases.mark_sent): a
    reply built on this file changes only what its sender changed. ``sent_to`` names the one
    unit the file goes to (feedback sent down): then only that unit's base moves. ``fields``
    limits the columns (the progress report, forms.needs.PROGRESS_FIELDS).
    Runs on a worker thread (pass a Store opened on that thread); ``progress``
    is reported every few hundred rows and checked for 取消.
    """
    check(progress)
    sender = store.profile().get("unit") if profile is not None else None
    profile = profile if profile is not None else store.profile()
    year = xc.profile_year(profile)
    rows = store.needs.rows() if ids is None else store.needs.rows(ids)
    if consolidated:
        rows = sorted(rows, key=_region_order)
    total = len(rows)
    if progress:
        progress.update(0, total, "正在生成需求清单……")

    wb = xc.new_workbook(f"{year}年{NEEDS.title}")
    styles = xc.Styles(wb)
    lists = xc.DropDownLists(wb, store.choices.values)
    ws = wb.active
    ws.title = SHEET_NAME
    sheet = NeedsSheet(wb, ws, styles, lists, consolidated, fields)
    sheet.write_title(year, title_suffix)
    sheet.write_header_block(profile, year, today)
    figures = summary(store, rows)
    sheet.write_note(list_line(rows, figures))
    sheet.write_table_header()

    meta_rows: list[MetaRow] = []
    for n, row in enumerate(rows, start=1):
        # ``complete`` is kept on every write: only drafts are checked again, to mark their cells.
        found = None if row.get("complete") else problems(NEEDS, row, store.choices)
        excel_row = sheet.write_row(n, row, found)
        meta_rows.append(MetaRow(SHEET_NAME, excel_row, row["id"], row.get("updated_at") or "",
                                 record_digest(NEEDS, row)))
        if n % 500 == 0:
            check(progress)
            if progress:
                progress.update(n, total, f"正在写入第 {n} / {total} 项需求……")
    sheet.finish()
    if consolidated:
        write_stats(wb, figures, year)
    write_meta(wb, xc.export_meta("needs", profile, meta_rows, consolidated, year, sender=sender))
    written = xc.finish(wb, path, total, progress)
    mark_sent(store.needs, rows, to=sent_to)
    return written
