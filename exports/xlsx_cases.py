"""附件2 优秀案例推荐表 as an Excel workbook: one sheet per case, laid out as the paper form.

Layout of every case sheet (six columns A–F; the import relies on it, and can
use ``VALUE_CELLS`` / ``LABEL_CELLS`` instead of hard-coding addresses):

    row 1      title "知识产权服务万里行活动优秀案例推荐表", merged A1:F1
    row 2      A 案例名称            B2:F2 value
    row 3      A 推荐单位  B3:C3     D 所属地区  E3:F3 (city + district, one text)
    row 4      A 案例类别            B4:F4 (drop-down)
    row 5      A 实施主体            B5:F5
    row 6      A 联系人    B6:C6     D 职务      E6:F6
    row 7      A 联系电话  B7:C7     D 电子邮箱  E7:F7
    row 8      A 服务企业数（家） B8  C 开展活动（场） D8  E 参与人数（人次） F8 (integers)
    row 9      "案例内容（…合计不超过2000字）", merged A9:F9
    rows 10–12 A 背景情况 (merged A10:A12)  B10:F12 value
    rows 13–15 A 主要做法                    B13:F15
    rows 16–18 A 取得成效                    B16:F18
    rows 19–21 A 经验启示                    B19:F21
    rows 22–23 A 推荐单位意见 (merged A22:A23)  B22:F22 value,
               B23:F23 the stamp area "推荐单位（盖章）/ 年 月 日"

Each content block spans three rows because one Excel row is at most 409
points high; the text's height is spread over them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports import xlsx_common as xc
from exports.meta import MetaRow, write_meta
from exports.xlsx_pagefit import apply_fit, choose_fit
from forms import CASES
from forms.cases import CONTENT_GROUP, CONTENT_LIMIT
from forms.fields import Kind
from forms.identity import record_digest
from forms.progress import Progress, check
from forms.reference import region_label
from forms.validation import problems

TEMPLATE_SHEET_NAME = "优秀案例推荐表"
COLUMN_WIDTHS = (15, 13, 15, 13, 15, 13)  # A–F: label, value, label, value, label, value
BODY_SIZE = 12  # 小四, as the paper form
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)  # as xlsx_common's 正文靠上
TITLE_ROW = 1
REGION_LABEL = "所属地区"
# The one-line fields, a row each; two fields share a row as label|value|label|value.
FIELD_ROWS = (
    ("name",),
    ("recommender", "region"),
    ("category",),
    ("implementer",),
    ("contact", "position"),
    ("phone", "email"),
    ("enterprises", "activities", "participants"),
)
FIRST_FIELD_ROW = 2
CONTENT_HEADER_ROW = FIRST_FIELD_ROW + len(FIELD_ROWS)
CONTENT_KEYS = tuple(f.key for f in CASES.group_fields(CONTENT_GROUP))
ROWS_PER_BLOCK = 3
FIRST_CONTENT_ROW = CONTENT_HEADER_ROW + 1
OPINION_ROW = FIRST_CONTENT_ROW + ROWS_PER_BLOCK * len(CONTENT_KEYS)
STAMP_ROW = OPINION_ROW + 1
STAMP_TEXT = "推荐单位（盖章）\n\n年    月    日"
CONTENT_HEADER = f"案例内容（{'、'.join(CASES.field(k).label for k in CONTENT_KEYS)}合计不超过{CONTENT_LIMIT}字）"


def _spans(n: int) -> list[tuple[int, int, int]]:
    """(label col, value first col, value last col) for ``n`` fields on one row."""
    if n == 1:
        return [(1, 2, 6)]
    if n == 2:
        return [(1, 2, 3), (4, 5, 6)]
    return [(1, 2, 2), (3, 4, 4), (5, 6, 6)]


def _layout() -> dict[str, tuple[int, int, int, int, int]]:
    """key -> (first row, last row, label col, value first col, value last col)."""
    out: dict[str, tuple[int, int, int, int, int]] = {}
    for i, keys in enumerate(FIELD_ROWS):
        r = FIRST_FIELD_ROW + i
        for key, (lc, v1, v2) in zip(keys, _spans(len(keys)), strict=True):
            out[key] = (r, r, lc, v1, v2)
    for i, key in enumerate(CONTENT_KEYS):
        r = FIRST_CONTENT_ROW + i * ROWS_PER_BLOCK
        out[key] = (r, r + ROWS_PER_BLOCK - 1, 1, 2, 6)
    out["opinion"] = (OPINION_ROW, OPINION_ROW, 1, 2, 6)
    return out


LAYOUT = _layout()
VALUE_CELLS = {k: f"{get_column_letter(v1)}{r1}" for k, (r1, _r2, _lc, v1, _v2) in LAYOUT.items()}
LABEL_CELLS = {k: f"{get_column_letter(lc)}{r1}" for k, (r1, _r2, lc, _v1, _v2) in LAYOUT.items()}


def label_of(key: str) -> str:
    return REGION_LABEL if key == "region" else CASES.field(key).label


def _width(first_col: int, last_col: int) -> float:
    return sum(COLUMN_WIDTHS[first_col - 1 : last_col])


def invalid_cells(found: dict[str, str] | None) -> dict[str, str]:
    """A draft's problems by the cell that shows them: the city and district are one 所属地区 cell."""
    cells: dict[str, str] = {}
    for key, problem in (found or {}).items():
        cell_key = "region" if key in ("city", "district") else key
        if cell_key in LAYOUT:
            cells[cell_key] = f"{cells[cell_key]}\n{problem}" if cell_key in cells else problem
    return cells


def write_case_sheet(ws: Worksheet, styles: xc.Styles, lists: xc.DropDownLists, case: dict | None,
                     found: dict[str, str] | None = None) -> None:
    """Lay out one recommendation form on ``ws``; ``case`` None gives the blank form.

    ``found`` maps a field to its problem (a draft exported anyway): its value is boxed in red
    and carries a comment saying what to correct, as in the needs list; the value is unchanged.
    """
    blank = case is None
    invalid = invalid_cells(found)
    values = dict(case or {})
    values["region"] = region_label(values.get("city"), values.get("district"))
    for i, w in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    lh = xc.line_height(BODY_SIZE)

    xc.put_text(xc.merge(ws, TITLE_ROW, 1, TITLE_ROW, 6, xc.Styles.TITLE), CASES.title)
    ws.row_dimensions[TITLE_ROW].height = 42

    # One-line fields: the row is as tall as its longest value needs.
    for i, keys in enumerate(FIELD_ROWS):
        r = FIRST_FIELD_ROW + i
        lines = 1
        for key in keys:
            _r1, _r2, lc, v1, v2 = LAYOUT[key]
            label = ws.cell(row=r, column=lc)
            styles.apply(label, xc.Styles.LABEL)
            xc.put_text(label, label_of(key))
            lines = max(lines, xc.line_count(label_of(key), _width(lc, lc), BODY_SIZE))
            kind = CASES.field(key).kind if key != "region" else Kind.TEXT
            if key in invalid:
                style = xc.Styles.INVALID
            elif kind == Kind.INT:
                style = xc.Styles.INPUT_INT if blank else xc.Styles.INT
            else:
                style = xc.Styles.INPUT if blank else xc.Styles.TEXT
            cell = xc.merge(ws, r, v1, r, v2, style)
            if key != "region" and CASES.field(key).is_identifier:
                for c in range(v1, v2 + 1):  # typed as text: a phone keeps its leading 0
                    ws.cell(row=r, column=c).number_format = xc.TEXT_FORMAT
            value = values.get(key)
            if kind == Kind.INT and isinstance(value, int) and not isinstance(value, bool):
                xc.put_value(cell, value)
            else:
                xc.put_text(cell, value)
                if isinstance(cell.value, str):
                    lines = max(lines, xc.line_count(cell.value, _width(v1, v2), BODY_SIZE))
            if key in invalid:
                xc.mark_invalid(cell, invalid[key])
        ws.row_dimensions[r].height = max(30.0, lines * lh + 8)
    lists.validate(ws, CASES.field("category"), VALUE_CELLS["category"])

    header = xc.merge(ws, CONTENT_HEADER_ROW, 1, CONTENT_HEADER_ROW, 6, xc.Styles.LABEL)
    xc.put_text(header, CONTENT_HEADER, multiline=True)
    ws.row_dimensions[CONTENT_HEADER_ROW].height = 28

    # Content blocks: label on the left, the text merged over three rows whose
    # heights add up to what the text needs (no application sizes merged cells).
    for key in (*CONTENT_KEYS, "opinion"):
        r1, r2, lc, v1, v2 = LAYOUT[key]
        label_last = STAMP_ROW if key == "opinion" else r2
        xc.put_text(xc.merge(ws, r1, lc, label_last, lc, xc.Styles.LABEL), label_of(key), multiline=True)
        style = xc.Styles.INVALID if key in invalid else xc.Styles.INPUT_TOP if blank else xc.Styles.TOP
        cell = xc.merge(ws, r1, v1, r2, v2, style)
        xc.put_text(cell, values.get(key), multiline=True)
        if key in invalid:
            cell.alignment = TOP_LEFT  # a long text reads from the top
            xc.mark_invalid(cell, invalid[key])
        nrows = r2 - r1 + 1
        if isinstance(cell.value, str):
            needed = xc.line_count(cell.value, _width(v1, v2), BODY_SIZE) * lh + 10
        else:
            needed = 0.0
        minimum = (150.0 if key != "opinion" else 60.0) if blank else (45.0 if key != "opinion" else 40.0)
        height = max(needed, minimum) / nrows
        for r in range(r1, r2 + 1):
            ws.row_dimensions[r].height = round(min(409.0, height), 1)

    xc.put_text(xc.merge(ws, STAMP_ROW, 2, STAMP_ROW, 6, xc.Styles.STAMP), STAMP_TEXT, multiline=True)
    ws.row_dimensions[STAMP_ROW].height = 80
    xc.setup_page(ws, landscape=False, annex="附件2")
    apply_fit(ws, choose_fit(COLUMN_WIDTHS, BODY_SIZE, landscape=False))  # one page wide at 100 %
    ws.print_area = f"A1:F{STAMP_ROW}"


def case_sheet_title(number: int, name: object, taken: Sequence[str]) -> str:
    name = xc.safe_text(name)
    return xc.sheet_name(f"案例{number}-{name}" if name else f"案例{number}", taken)


def export_cases_xlsx(store, path: str | Path, ids: Sequence[str] | None = None,
                      progress: Progress | None = None, today: dt.date | None = None) -> int:
    """Write the chosen cases (all live ones when ``ids`` is None), one sheet each.

    Returns the number of cases written. ``today`` is accepted for symmetry
    with the needs export; the form's date is written by hand when stamped.
    Runs on a worker thread with a Store opened there.
    """
    check(progress)
    profile = store.profile()
    rows = store.cases.rows() if ids is None else store.cases.rows(ids)
    total = len(rows)
    wb = xc.new_workbook(CASES.title)
    styles = xc.Styles(wb, body_size=BODY_SIZE)
    lists = xc.DropDownLists(wb, store.choices.values)
    wb.remove(wb.active)
    meta_rows: list[MetaRow] = []
    for n, row in enumerate(rows, start=1):
        check(progress)
        if progress:
            progress.update(n - 1, total, f"正在写入第 {n} / {total} 个案例……")
        title = case_sheet_title(n, row.get("name"), wb.sheetnames)
        ws = wb.create_sheet(title, n - 1)
        # ``complete`` is kept on every write: only drafts are checked again, to mark their cells.
        found = None if row.get("complete") else problems(CASES, row, store.choices)
        write_case_sheet(ws, styles, lists, row, found)
        meta_rows.append(MetaRow(title, None, row["id"], row.get("updated_at") or "", record_digest(CASES, row)))
    if not rows:
        # Excel needs one visible sheet; give the blank form rather than nothing.
        write_case_sheet(wb.create_sheet(TEMPLATE_SHEET_NAME, 0), styles, lists, None)
    wb.active = 0
    write_meta(wb, xc.export_meta("cases", profile, meta_rows))
    return xc.finish(wb, path, total, progress)
