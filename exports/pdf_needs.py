"""附件1 需求清单 as PDF: A4 landscape, header repeated on every page, flagged needs marked.

Runs on a worker thread (or the command line): plain arguments, a Progress object
for 进度 and 取消, no Qt. The columns come from ``forms.NEEDS``; a field added there
appears here without an edit.

In the consolidated mode (a city or the province merging colleagues' lists) a
summary page comes first: counts by place and by need category × coordination
level (``storage.stats.summary``, the figures the window shows), with a bar chart;
the list then carries each need's region and reporting unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from exports.fonts import FontSet, register_fonts
from exports.pdf_common import (
    CellPadding,
    LineBreaker,
    Margins,
    PagedColumn,
    PagedTable,
    TextBlock,
    build_pdf,
    date_text,
    esc,
    frame_size,
    print_text,
    styles,
)
from forms import NEEDS
from forms.fields import REPORTER, Field, Kind
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL, FLAGGED_LEVELS
from forms.progress import Progress, check
from forms.reference import region_label
from storage.stats import TOTAL, CountRow, Summary, list_line, region_order_key, summary

PAGE = landscape(A4)
MARGINS = Margins(top=20 * mm, bottom=20 * mm, left=20 * mm, right=20 * mm)

# Font sizes (cell text, header row): 13 columns across a landscape page, or 15
# with the region and unit of each need in the consolidated list.
SIZES = {False: (8.0, 8.5), True: (7.5, 8.0)}
STAR = "★"
FLAG_BACKGROUND = {FLAG_NATIONAL: colors.HexColor("#F9D3CF"), FLAG_PROVINCIAL: colors.HexColor("#FCEBB6")}
FLAG_TEXT = {FLAG_NATIONAL: colors.HexColor("#A50000"), FLAG_PROVINCIAL: colors.HexColor("#7A4B00")}
HEADER_BACKGROUND = colors.HexColor("#E6E6E6")
GRID = colors.HexColor("#333333")
CHART_COLORS = (colors.HexColor("#C0392B"), colors.HexColor("#E0A100"), colors.HexColor("#8395A7"),
                colors.HexColor("#B8C4CE"))

SEQ_LABEL = "序号"
REGION_LABEL = "所属地区"
UNIT_LABEL = "填报单位"
CATEGORY_HEAD = "需求类别"
LEGEND_NATIONAL = f"{STAR} {FLAG_NATIONAL}"
LEGEND_PROVINCIAL = f"{STAR} {FLAG_PROVINCIAL}"
PROGRESS_TEXT = "正在生成 PDF：第 {page} 页……"


def _title(year: object, consolidated: bool) -> str:
    return f"{year}年{NEEDS.title}" + ("（汇总）" if consolidated else "")


def _consolidated_order(rows: list[dict]) -> list[dict]:
    """City in the order of the region list, then district, then the officer's order."""
    return sorted(rows, key=lambda r: (*region_order_key(r.get("city"), r.get("district")), r.get("seq") or 0))


# ---- the table -------------------------------------------------------------------

def _align(f: Field) -> str:
    return "LEFT" if f.kind in (Kind.TEXT, Kind.LONGTEXT, Kind.CHOICE_FREE) else "CENTER"


def _columns(fields: Sequence[Field], consolidated: bool, count: int, body: LineBreaker,
             head: LineBreaker, total_width: float) -> list[PagedColumn]:
    """Widths proportional to the fields' declared widths, widened where a value must not wrap.

    A credit code or a phone number broken over two lines is hard to read and to
    copy, so those columns get room for one; so does the bracketed part of a
    header (“（重点标注）”). The long-text columns give up the difference: they
    take more lines more gracefully than names do.
    """
    # label, weight, align, minimum width, may give up width
    specs: list[tuple[str, float, str, float, bool]] = []
    pad = 2 * CellPadding + 0.5
    seq_min = max(body.width(str(max(count, 1))), head.width(SEQ_LABEL)) + pad
    specs.append((SEQ_LABEL, 5, "CENTER", seq_min, False))
    if consolidated:
        specs.append((REGION_LABEL, 12, "LEFT", head.width(REGION_LABEL) + pad, False))
        specs.append((UNIT_LABEL, 18, "LEFT", 0, False))
    for f in fields:
        minimum = 0.0
        if f.kind == Kind.CREDIT_CODE:
            minimum = body.width("9" * 18) + pad
        elif f.kind == Kind.PHONE:
            minimum = body.width("0591-87530216") + pad
        elif f.kind == Kind.DATE:
            minimum = body.width("2023-06-12") + pad
        elif f.kind in (Kind.TEXT, Kind.LONGTEXT):  # a column of one or two characters reads as noise
            minimum = head.width("需求主体") + pad
        if len(f.label) <= 4:  # a short header such as 联系人 reads badly when broken
            minimum = max(minimum, head.width(f.label) + pad)
        if "/" in f.label:  # “匹配资源/对接单位” breaks at the slash, each half on one line
            minimum = max(minimum, *(head.width(part + "/") + pad for part in f.label.split("/")))
        if "（" in f.label[1:]:
            minimum = max(minimum, head.width(f.label[f.label.index("（", 1):]) + pad)
        specs.append((f.label, f.width, _align(f), minimum, f.kind in (Kind.TEXT, Kind.LONGTEXT)))
    unit = total_width / sum(s[1] for s in specs)
    widths = [max(s[1] * unit, s[3]) for s in specs]
    # Shrink the text columns in proportion to their declared widths, none below its minimum,
    # so 需求内容 stays the widest column however many columns the table has.
    for _ in range(len(specs)):
        excess = sum(widths) - total_width
        flexible = [i for i, s in enumerate(specs) if s[4] and widths[i] > s[3] + 0.01]
        if excess <= 0.01 or not flexible:
            break
        weight = sum(specs[i][1] for i in flexible)
        for i in flexible:
            widths[i] = max(specs[i][3], widths[i] - excess * specs[i][1] / weight)
    return [PagedColumn(s[0], w, s[2]) for s, w in zip(specs, widths, strict=True)]


def _header_cell(label: str, width: float, head: LineBreaker) -> TextBlock:
    # Break "协调层级（重点标注）" before the bracket rather than inside it.
    if "（" in label[1:] and head.width(label) > width - 2 * CellPadding:
        label = label.replace("（", "\n（", 1)
    if "/" in label and head.width(label) > width - 2 * CellPadding:
        label = label.replace("/", "/\n", 1)
    return TextBlock(label, head, "CENTER")


def _needs_table(rows: list[dict], fields: Sequence[Field], consolidated: bool, fonts: FontSet,
                 width: float, height: float, progress: Progress | None) -> PagedTable:
    body_size, header_size = SIZES[consolidated]
    body = LineBreaker(fonts.body, body_size, body_size * 1.3)
    head = LineBreaker(fonts.heading, header_size, header_size * 1.3)
    columns = _columns(fields, consolidated, len(rows), body, head, width)
    header = [_header_cell(c.label, c.width, head) for c in columns]
    first_field = 3 if consolidated else 1
    keys = [f.key for f in fields]
    aligns = [c.align for c in columns]
    level_col = first_field + keys.index("coord_level") if "coord_level" in keys else None

    def make_row(i: int) -> list[TextBlock]:
        row = rows[i]
        values = [str(i + 1)]
        if consolidated:
            values += [region_label(row.get("city"), row.get("district")), print_text(row.get("unit"))]
        for key in keys:
            value = print_text(row.get(key))
            if key == "coord_level" and value in FLAGGED_LEVELS:
                value = STAR + value
            values.append(value)
        return [TextBlock(v, body, a) for v, a in zip(values, aligns, strict=True)]

    def row_styles(i: int, r: int) -> list:
        level = rows[i].get("coord_level")
        if level not in FLAGGED_LEVELS:
            return []
        commands: list = [("BACKGROUND", (0, r), (-1, r), FLAG_BACKGROUND[level])]
        if level_col is not None:
            commands.append(("TEXTCOLOR", (level_col, r), (level_col, r), FLAG_TEXT[level]))
        return commands

    base_style = [
        ("FONT", (0, 0), (-1, -1), fonts.body, body_size),
        ("FONT", (0, 0), (-1, 0), fonts.heading, header_size),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CellPadding),
        ("RIGHTPADDING", (0, 0), (-1, -1), CellPadding),
        ("TOPPADDING", (0, 0), (-1, -1), CellPadding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CellPadding),
    ]
    return PagedTable.create(
        columns, header, len(rows), make_row, row_styles, base_style, full_height=height,
        continued=lambda i: TextBlock(f"{i + 1}\n续", body, "CENTER"),
        progress=progress, progress_text=PROGRESS_TEXT,
    )


# ---- blocks above the table ---------------------------------------------------------

def _header_block(profile: dict, fonts: FontSet, width: float, consolidated: bool,
                  today: dt.date | None) -> Table:
    """填报单位 / 所属地区 / 填报日期 and 填报人 / 联系电话, as an unruled two-line block."""
    st = styles(fonts)
    unit_label = "汇总单位" if consolidated else "填报单位"
    items = [
        (unit_label, profile.get("unit")),
        ("所属地区", region_label(profile.get("city"), profile.get("district"))),
        ("填报日期", date_text(profile.get("report_date"), today)),
        ("填报人", profile.get("reporter")),
        ("联系电话", profile.get("phone")),
        ("", ""),
    ]
    cells = [Paragraph(f'<font name="{fonts.heading}">{label}：</font>{esc(value)}' if label else "", st.value)
             for label, value in items]
    table = Table([cells[:3], cells[3:]], colWidths=[width * 0.44, width * 0.32, width * 0.24])
    table.setStyle([("FONT", (0, 0), (-1, -1), fonts.body, 11), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])
    return table


def _summary_block(figures: Summary, rows: list[dict], fonts: FontSet, width: float) -> Table:
    """The summary line, and a legend showing what the row colours mean."""
    st = styles(fonts)
    line = list_line(rows, figures)
    legend = [Paragraph(esc(LEGEND_NATIONAL), st.note), Paragraph(esc(LEGEND_PROVINCIAL), st.note)]
    table = Table([[Paragraph(esc(line), st.value), legend[0], legend[1]]],
                  colWidths=[width - 2 * 62 * mm, 62 * mm, 62 * mm])
    table.setStyle([
        ("FONT", (0, 0), (-1, -1), fonts.body, 10),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("BACKGROUND", (1, 0), (1, 0), FLAG_BACKGROUND[FLAG_NATIONAL]),
        ("BACKGROUND", (2, 0), (2, 0), FLAG_BACKGROUND[FLAG_PROVINCIAL]),
        ("BOX", (1, 0), (1, 0), 0.5, GRID),
        ("BOX", (2, 0), (2, 0), 0.5, GRID),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ])
    return table


# ---- the consolidated summary page ----------------------------------------------------

def _count_table(first_head: str, figures: Summary, rows: Sequence[CountRow], fonts: FontSet,
                 width: float) -> Table:
    head_font = LineBreaker(fonts.heading, 10, 13)
    label_font = LineBreaker(fonts.body, 10.5, 12.5)
    head = [TextBlock(x, head_font, "CENTER") for x in [first_head, *figures.levels, TOTAL]]
    data: list[list] = [head]
    total_font = LineBreaker(fonts.heading, 10.5, 12.5)
    for row in [*rows, figures.total]:
        label = TextBlock(row.label, total_font if row is figures.total else label_font, "CENTER")
        data.append([label, *[str(n) for n in row.counts], str(row.total)])
    # The first column fits the longest label (平潭综合实验区, a category name) on one line if it can.
    pad = 2 * 6 + 1
    first = min(max([36 * mm, *(label_font.width(r.label) + pad for r in rows)]), width * 0.45)
    widths = [first] + [(width - first) / (len(figures.levels) + 1)] * (len(figures.levels) + 1)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle([
        ("FONT", (0, 0), (-1, -1), fonts.body, 10.5),
        ("FONT", (0, -1), (-1, -1), fonts.heading, 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        # Tight enough that 10 cities, one unknown place and the 合计 fit under the page's header.
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])
    for j, level in enumerate(figures.levels, start=1):
        if level in FLAG_BACKGROUND:
            table.setStyle([("BACKGROUND", (j, 0), (j, 0), FLAG_BACKGROUND[level])])
    return table


def _chart(figures: Summary, fonts: FontSet, width: float, height: float) -> Drawing:
    """Stacked bars per place, one colour per coordination level (the flag colours' darker kin)."""
    places = [r.label for r in figures.regions]
    # initialFontName: the drawing's starting font would otherwise be Helvetica.
    drawing = Drawing(width, height, initialFontName=fonts.body, initialFontSize=8)
    drawing.add(String(width / 2, height - 14, f"各{figures.grouping}需求数量（按协调层级）", fontName=fonts.heading,
                       fontSize=11, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 48
    chart.width, chart.height = width - 44, height - 100
    chart.data = [[r.counts[i] for r in figures.regions] for i in range(len(figures.levels))]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = places
    chart.categoryAxis.labels.fontName = fonts.body
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.angle = 35 if len(places) > 5 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(places) > 5 else "n"
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.labels.fontName = fonts.body
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = 1
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.barWidth = 10
    for i in range(len(figures.levels)):
        chart.bars[i].fillColor = CHART_COLORS[min(i, len(CHART_COLORS) - 1)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    # The legend sits in one row under the title, clear of the slanted city names.
    legend = Legend()
    legend.fontName = fonts.body
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.variColumn = 1
    legend.dx = legend.dy = 7
    legend.dxTextSpace = 4
    legend.deltax = 0
    legend.autoXPadding = 8
    legend.boxAnchor = "n"
    legend.x, legend.y = width / 2, height - 24
    legend.colorNamePairs = [(CHART_COLORS[min(i, len(CHART_COLORS) - 1)], lv) for i, lv in enumerate(figures.levels)]
    drawing.add(legend)
    return drawing


def _summary_page(figures: Summary, fonts: FontSet, width: float) -> list[Flowable]:
    """Figures from ``storage.stats.summary``, as the window and the xlsx show them."""
    st = styles(fonts)
    story: list[Flowable] = [Paragraph("一、汇总情况", st.heading)]
    if not figures.regions:
        return [*story, Paragraph("（没有需求记录）", st.value)]
    table_width = width * 0.52
    chart = _chart(figures, fonts, width - table_width - 10 * mm, 78 * mm)
    outer = Table([[_count_table(figures.grouping, figures, figures.regions, fonts, table_width), chart]],
                  colWidths=[table_width + 10 * mm, width - table_width - 10 * mm])
    outer.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, 0), 10 * mm), ("FONT", (0, 0), (-1, -1), fonts.body, 10)])
    categories = _count_table(CATEGORY_HEAD, figures, figures.categories, fonts, table_width)
    categories.hAlign = "LEFT"
    # Whole on the next page rather than a line or two at the foot of this one.
    return [*story, outer, KeepTogether([Spacer(1, 5 * mm), categories])]


# ---- the export ------------------------------------------------------------------------

def printed_fields(rows: Sequence[dict]) -> list[Field]:
    """The table's columns on paper: every table field, except that the matching step's
    fields other than 办理状态 are left out while no exported need has one filled in.
    A list sent up before 6/1 has no feedback yet, and A4 landscape has no room for
    five empty columns beside 需求内容; a progress report with feedback prints them."""
    out = []
    for f in NEEDS.table_fields:
        if f.owner != REPORTER and not f.default and not any(r.get(f.key) for r in rows):
            continue
        out.append(f)
    return out


def export_needs_pdf(store, path: str | Path, ids: Sequence[str] | None = None,
                     progress: Progress | None = None, consolidated: bool = False,
                     today: dt.date | None = None, fields: Sequence[str] | None = None,
                     title_suffix: str = "") -> int:
    """Write 附件1 需求清单 to ``path``; returns the number of needs written.

    ``fields`` limits the columns to those field keys, all printed even when empty, and
    ``title_suffix`` follows the title (the progress report, forms.needs.PROGRESS_FIELDS).

    ``ids`` None means every live need in display order; otherwise those needs in
    the given order (the consolidated list sorts by region itself). Runs on a
    worker thread; raises ``forms.progress.Cancelled`` when 取消 is pressed,
    leaving no file behind.
    """
    check(progress)
    fonts = register_fonts()
    rows = store.needs.rows() if ids is None else store.needs.rows(ids)
    if consolidated:
        rows = _consolidated_order(rows)
    profile = store.profile()
    st = styles(fonts)
    width, height = frame_size(PAGE, MARGINS)
    title = _title(profile.get("year"), consolidated) + ("" if consolidated else title_suffix)
    figures = summary(store, rows)

    story: list[Flowable] = [
        Paragraph("附件1", st.annex),
        Paragraph(esc(title), st.title),
        _header_block(profile, fonts, width, consolidated, today),
        Spacer(1, 2 * mm),
        _summary_block(figures, rows, fonts, width),
    ]
    if consolidated:
        story += _summary_page(figures, fonts, width)
        story += [PageBreak(), Paragraph("二、需求明细", st.heading)]
    story.append(Spacer(1, 2 * mm))
    printed = printed_fields(rows) if fields is None else [f for f in NEEDS.table_fields if f.key in fields]
    story.append(_needs_table(rows, printed, consolidated, fonts, width, height, progress))
    build_pdf(path, story, PAGE, MARGINS, fonts, title=title, author=print_text(profile.get("unit")),
              subject=NEEDS.title)
    if progress is not None:
        progress.update(len(rows), len(rows), "完成")
    return len(rows)
