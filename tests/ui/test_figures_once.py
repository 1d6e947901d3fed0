"""Figures once: the xlsx 汇总统计 sheet, the PDF summary page and the window's 统计图表 show the same table.

One database with the awkward cases (no region, a city outside the region list, no
category, the real category "其他", no level, a level outside the list, a level the
officer added); the three renderings are read back as documents and compared cell by cell.
"""

from __future__ import annotations

import re

import openpyxl
import pytest

from exports.pdf_needs import export_needs_pdf
from exports.xlsx_needs import STATS_SHEET_NAME, export_needs_xlsx
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL
from storage.stats import OTHER_LEVEL, UNKNOWN_CATEGORY, UNKNOWN_REGION
from tests.conftest import PROFILE
from tests.tools import run_tool, squeeze

Table = list[tuple]  # (label, count, ..., total), the 合计 line last

NEEDS = [  # city, district, level, category, how many
    ("福州市", "鼓楼区", FLAG_NATIONAL, "商标品牌建设", 3),
    ("福州市", "台江区", FLAG_PROVINCIAL, "专利导航与分析评议", 2),
    ("福州市", "", "本地解决", "其他", 1),  # the city's own unit; "其他" is a real category
    ("厦门市", "思明区", "需市局协调", "商标品牌建设", 2),  # a level the officer added
    ("宁德市", "蕉城区", "", "", 1),  # a draft: no level, no category
    ("", "", "本地解决", "自创类别", 2),  # no region; a category outside the list
    ("福州", "", "随便写的", "商标品牌建设", 1),  # a city and a level outside the lists
]


def _fill(store) -> None:
    store.add_choice("coord_levels", "需市局协调")
    store.needs.insert_many([
        {"subject_name": f"企业{i}-{n}", "content": "需求", "city": city, "district": district,
         "unit": f"{city}{district}局", "coord_level": level, "category": category}
        for i, (city, district, level, category, count) in enumerate(NEEDS) for n in range(count)
    ], origin="import")


def _xlsx_tables(path) -> tuple[list[list[str]], list[Table]]:
    ws = openpyxl.load_workbook(path)[STATS_SHEET_NAME]
    heads: list[list[str]] = []
    tables: list[Table] = []
    rows = list(ws.iter_rows(values_only=True))
    for i, row in enumerate(rows):
        if i + 1 < len(rows) and rows[i + 1][0] and isinstance(rows[i + 1][1], int) and isinstance(row[1], str):
            heads.append([v for v in row if v is not None])
            tables.append([])
        elif tables and isinstance(row[1], int) and (not tables[-1] or tables[-1][-1][0] != "合计"):
            tables[-1].append(tuple(v for v in row if v is not None))
    return heads, tables


_COUNT_LINE = re.compile(r"^\s*(\S+)((?:\s+\d+)+)\s*$")


def _pdf_tables(path) -> tuple[str, list[Table]]:
    """The summary page's tables from pdftotext -layout, cropped left of the chart."""
    text = run_tool("pdftotext", "-layout", "-x", "0", "-y", "0", "-W", "445", "-H", "595", path, "-")
    text = text[: text.index("二、需求明细")]
    tables: list[Table] = [[]]
    for line in text.splitlines():
        m = _COUNT_LINE.match(line)
        if m:
            tables[-1].append((m.group(1), *map(int, m.group(2).split())))
            if m.group(1) == "合计":
                tables.append([])
    raw = squeeze(run_tool("pdftotext", "-raw", "-l", "2", path, "-"))
    return raw, tables[:-1]


def _model_table(model) -> tuple[list[str], Table]:
    from ui.qt import Qt

    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    rows = [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]
    return heads, [(label, *map(int, counts)) for label, *counts in rows]


@pytest.mark.parametrize("profile", [
    PROFILE,  # a district: compares cities
    {**PROFILE, "unit": "福州市市场监督管理局", "district": ""},  # a city: compares its districts
])
def test_xlsx_pdf_and_window_show_the_same_figures(store, tmp_path, qtbot, profile):
    from ui.consolidation_page import ConsolidationPage
    from ui.undo import EditHistory

    store.set_profile(profile)
    _fill(store)
    xlsx, pdf = tmp_path / "汇总.xlsx", tmp_path / "汇总.pdf"
    assert export_needs_xlsx(store, xlsx, consolidated=True) == 12
    assert export_needs_pdf(store, pdf, consolidated=True) == 12
    page = ConsolidationPage(store, EditHistory(store))
    qtbot.addWidget(page)
    page.refresh()  # what opening the tab does

    window_heads, window_regions = _model_table(page.level_model)
    category_heads, window_categories = _model_table(page.category_model)
    xlsx_heads, xlsx_tables = _xlsx_tables(xlsx)
    raw, pdf_tables = _pdf_tables(pdf)

    levels = [FLAG_NATIONAL, FLAG_PROVINCIAL, "本地解决", "需市局协调", OTHER_LEVEL]
    by_city = profile["district"] != ""
    grouping = "设区市" if by_city else "县（市、区）"
    assert window_heads == xlsx_heads[0] == [grouping, *levels, "合计"]
    assert category_heads == xlsx_heads[1] == ["需求类别", *levels, "合计"]
    assert xlsx_tables == pdf_tables == [window_regions, window_categories]
    for head in [grouping, *levels]:
        assert squeeze(head) in raw

    if by_city:
        assert window_regions == [
            ("福州市", 3, 2, 1, 0, 0, 6), ("厦门市", 0, 0, 0, 2, 0, 2), ("宁德市", 0, 0, 0, 0, 1, 1),
            ("福州", 0, 0, 0, 0, 1, 1), (UNKNOWN_REGION, 0, 0, 2, 0, 0, 2), ("合计", 3, 2, 3, 2, 2, 12)]
    else:
        assert window_regions == [
            ("市本级", 0, 0, 1, 0, 0, 1), ("鼓楼区", 3, 0, 0, 0, 0, 3), ("台江区", 0, 2, 0, 0, 0, 2),
            (UNKNOWN_REGION, 0, 0, 2, 0, 0, 2),
            ("辖区外", 0, 0, 0, 2, 2, 4),  # 厦门市, 宁德市 and "福州": beyond the city, one line, last
            ("合计", 3, 2, 3, 2, 2, 12)]
    assert window_categories == [
        ("专利导航与分析评议", 0, 2, 0, 0, 0, 2), ("商标品牌建设", 3, 0, 0, 2, 1, 6), ("其他", 0, 0, 1, 0, 0, 1),
        ("自创类别", 0, 0, 2, 0, 0, 2), (UNKNOWN_CATEGORY, 0, 0, 0, 0, 1, 1), ("合计", 3, 2, 3, 2, 2, 12)]
    # The summary lines above both lists agree with the tables too.
    assert "共12项，需国家局协调3项，需省局协调2项" in raw
    from exports.xlsx_needs import NOTE_ROW, block_span, columns

    note_col = block_span(columns(consolidated=True))[0]  # after the columns repeated on page 2
    first = openpyxl.load_workbook(xlsx).worksheets[0].cell(NOTE_ROW, note_col).value
    assert squeeze(first) == "共12项，需国家局协调3项，需省局协调2项"
