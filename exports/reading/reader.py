"""Reading colleagues' files — this app's exports or the official templates filled by hand.

``read_file`` turns an .xlsx/.xlsm, .xls or .csv file into a :class:`ReadResult`:
the form it holds, its header (填报单位, 所属地区 …) and one :class:`IncomingRow`
per need or case, with values normalised as if typed into the app. Nothing
here touches the database; :mod:`storage.merge` decides what to do with the rows.

The visible cells are the truth. The hidden metadata sheet of our own exports
(:mod:`exports.meta`) only tells which record each row is; when a colleague's
program dropped it (WPS re-saving), rows are recognised by their natural key.

Every problem reaches the caller as :class:`ReadError` with a Chinese sentence
naming the file; the traceback of an unexpected failure goes to the log.
Runs on whatever thread calls it (the import worker); it opens no database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from openpyxl.utils import get_column_letter

from exports.meta import META_SHEET, ExportMeta, MetaError, read_meta
from exports.reading import formats
from exports.reading.cases import MAX_FORM_COLUMNS, MAX_FORM_ROWS, case_label_count, read_case_sheet
from exports.reading.errors import ReadError
from exports.reading.labels import (
    CONTENT,
    LabelMatcher,
    form_matcher,
    header_entries,
    header_from_entries,
    year_in,
)
from exports.reading.tables import HEADER_SCAN_ROWS, HeaderRow, find_header, read_table
from exports.reading.workbook import Sheet, open_book, sniff
from forms import RECORD_FORMS
from forms.fields import Form, Layout
from forms.identity import record_digest
from forms.incoming import HeaderInfo, IncomingRow, ReadResult
from forms.progress import Cancelled, Progress, check
from forms.reference import ChoiceLists, builtin_choices, region_in_text

log = logging.getLogger(__name__)

_RECORD_FORMS = {f.id: f for f in RECORD_FORMS}


# ---- reading ---------------------------------------------------------------------------


def read_file(path: str | Path, form_hint: str | None = None, progress: Progress | None = None,
              choices: ChoiceLists | None = None, password: str | None = None) -> ReadResult:
    """Read a colleague's file. ``form_hint`` ("needs"/"cases") is the form the officer
    chose to import; a file holding the other form is refused with a clear message.
    ``choices`` adds the officer's own choice values to the built-in lists.
    ``password`` opens a file locked with one (else a password remembered for the
    path by :func:`exports.reading.formats.remember_password`, else it is refused).

    Raises :class:`ReadError` for anything wrong with the file, ``Cancelled`` when the
    progress object asks to stop.
    """
    path = Path(path)
    try:
        with formats.unlocked(path, password) as readable:
            return _read(readable, form_hint, progress, choices or builtin_choices())
    except (ReadError, Cancelled):
        raise
    except FileNotFoundError as exc:
        raise ReadError(f"找不到文件“{path.name}”，它可能已被移动或删除。") from exc
    except PermissionError as exc:
        raise ReadError(f"无法打开“{path.name}”：文件正被其他程序占用或没有读取权限。"
                        "请关闭 Excel/WPS 中打开的这个文件后重试。") from exc
    except MemoryError as exc:
        raise ReadError(f"“{path.name}”太大，内存不足以读取。请把文件拆分成几个较小的文件后分别导入。") from exc
    except Exception as exc:  # a damaged file can fail anywhere inside openpyxl or xlrd
        log.exception("reading %s failed", path)
        raise ReadError(f"无法读取“{path.name}”：文件已损坏或格式不受支持。"
                        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc


def _read(path: Path, form_hint: str | None, progress: Progress | None, choices: ChoiceLists) -> ReadResult:
    name = path.name
    formats.refuse_unsupported(path)
    if not path.is_file():
        raise ReadError(f"找不到文件“{name}”，它可能已被移动或删除。")
    with formats.wps_hint(path):
        kind, file_hash = sniff(path)
        book = open_book(kind, path)
    try:
        try:
            meta = read_meta(book)  # type: ignore[arg-type]
        except MetaError as exc:
            raise ReadError(f"无法导入“{name}”：{exc}") from exc
        except (ValueError, TypeError, IndexError):
            log.warning("unreadable metadata sheet in %s", path, exc_info=True)
            meta = None
        if meta is not None and meta.form_id not in _RECORD_FORMS:
            meta = None
        sheets = [s for s in book.worksheets if s.title != META_SHEET]
        visible = [s for s in sheets if s.sheet_state == "visible"] or sheets
        form = _which_form(name, visible, form_hint, meta)
        # Our own exports carry extra sheets (statistics of a consolidated list): no remark on those.
        quiet = meta is not None
        if form.layout is Layout.TABLE or _sheets_as_table(form, visible):
            result = _read_tables(name, visible, form, choices, progress, quiet)
        else:
            result = _read_cases(name, visible, form, choices, quiet)
    finally:
        book.close()
    rows, header, notes = result
    if not rows:
        raise ReadError(f"“{name}”中没有填写任何{form.noun}，没有可导入的内容。")
    _fill_from_meta(header, meta)
    _assign_ids(rows, meta, form)
    consolidated = bool(meta and meta.consolidated) or any(r.extra.get("unit") for r in rows)
    if progress:
        progress.update(len(rows), len(rows), f"已读取 {len(rows)} 条")
    return ReadResult(form_id=form.id, file_name=name, file_hash=file_hash, meta=meta, header=header, rows=rows,
                      consolidated=consolidated, notes=notes, choices=choices)


def _head(sheet: Sheet, n: int) -> list[tuple]:
    return sheet.head(n)


def _grid(sheet: Sheet) -> list[tuple]:
    return [tuple(r[:MAX_FORM_COLUMNS]) for r in _head(sheet, MAX_FORM_ROWS)]


_MATCHERS: dict[str, LabelMatcher] = {}


def _matcher(form: Form) -> LabelMatcher:
    if form.id not in _MATCHERS:
        _MATCHERS[form.id] = form_matcher(form)
    return _MATCHERS[form.id]


def _header_of(sheet: Sheet, form: Form) -> HeaderRow | None:
    """The sheet's header row for ``form``, looked for once per sheet (telling the form and
    reading the table both ask)."""
    if form.id not in sheet.found:
        sheet.found[form.id] = find_header(_head(sheet, HEADER_SCAN_ROWS), form, _matcher(form))
    return sheet.found[form.id]  # type: ignore[return-value]


def _holds(form: Form, sheets: Sequence[Sheet]) -> bool:
    """Whether some sheet holds ``form``: its header row, or (a form per sheet) its labels."""
    if form.layout is Layout.TABLE:
        return any(_header_of(s, form) for s in sheets)
    return any(case_label_count(_grid(s), _matcher(form)) >= 3 for s in sheets)


def _which_form(name: str, sheets: Sequence[Sheet], hint: str | None, meta: ExportMeta | None) -> Form:
    """The form the file holds, checked against what the officer asked to import."""
    expected = hint or (meta.form_id if meta else None)
    if hint and meta and meta.form_id != hint:
        raise ReadError(f"“{name}”是{_RECORD_FORMS[meta.form_id].document_title}，"
                        f"不是{_RECORD_FORMS[hint].document_title}。请在对应的页面导入它。")
    wanted = _RECORD_FORMS.get(expected or "")
    if wanted is not None and _holds(wanted, sheets):
        return wanted
    found = next((f for f in RECORD_FORMS if f is not wanted and _holds(f, sheets)), None)
    if found is not None and wanted is None:
        return found
    if found is not None and wanted is not None:
        raise ReadError(f"“{name}”看起来是{found.document_title}，不是{wanted.document_title}。请在对应的页面导入它。")
    if not any(any(v is not None and str(v).strip() for v in row) for s in sheets for row in _head(s, 200)):
        raise ReadError(f"“{name}”是空表格，没有可导入的内容。")
    what = wanted.document_title if wanted else "或".join(f.document_name for f in RECORD_FORMS)
    labels = "或".join("".join(f"“{f.field(k).label}”" for k in f.header_fields) for f in RECORD_FORMS)
    raise ReadError(f"在“{name}”中找不到{what}的表头（如{labels}），它可能是其他表格。请确认选择了正确的文件。")


def _sheets_as_table(form: Form, sheets: Sequence[Sheet]) -> bool:
    """A list of forms-per-sheet, one per row: a city's list of cases."""
    for s in sheets:
        head = _head(s, HEADER_SCAN_ROWS)
        found = find_header(head, form, _matcher(form))
        if found and found.score >= 4:
            rest = [row for i, row in enumerate(head) if i + 1 != found.row]
            sections = {f.label for f in form.fields if not f.in_table}
            if not any(isinstance(v, str) and v.strip() in sections for row in rest for v in row):
                return True
    return False


def _read_tables(name: str, sheets: Sequence[Sheet], form: Form, choices: ChoiceLists,
                 progress: Progress | None, quiet: bool = False) -> tuple[list[IncomingRow], HeaderInfo, list[str]]:
    rows: list[IncomingRow] = []
    entries: list[tuple[str, object]] = []
    footer: list[tuple[str, object]] = []
    titles: list[object] = []
    notes: list[str] = []
    for sheet in sheets:
        header: HeaderRow | None = _header_of(sheet, form)
        if header is None:
            if not quiet and any(any(v is not None for v in r) for r in _head(sheet, 50)):
                notes.append(f"工作表“{sheet.title}”中没有找到表头，未导入。")
            continue

        def tick(n: int, sheet: Sheet = sheet) -> None:
            check(progress)
            if progress:
                progress.update(n, sheet.size_hint, f"正在读取“{sheet.title}”第 {n:,} 行……")

        data = read_table(sheet.title, sheet.iter_rows(values_only=True), header, form, _matcher(form), choices,
                          name, counted=len(rows), tick=tick)
        rows.extend(data.rows)
        for values in data.above:
            entries.extend(header_entries(values))
            titles.extend(v for v in values if isinstance(v, str))
        footer.extend(data.entries)
        for number, gap in data.after_gaps:
            notes.append(f"工作表“{sheet.title}”第 {number:,} 行在 {gap:,} 行空白之后仍有内容，已作为记录读取，请核对。")
        if data.skipped_notes:
            notes.append(f"工作表“{sheet.title}”表格下方的 {data.skipped_notes} 行说明或合计未作为记录导入。")
    return rows, _header(entries + footer, titles), notes


def _read_cases(name: str, sheets: Sequence[Sheet], form: Form, choices: ChoiceLists, quiet: bool = False
                ) -> tuple[list[IncomingRow], HeaderInfo, list[str]]:
    rows: list[IncomingRow] = []
    titles: list[object] = []
    notes: list[str] = []
    for sheet in sheets:
        grid = _grid(sheet)
        found = read_case_sheet(sheet.title, grid, _matcher(form), choices)
        if not found:
            if not quiet and any(any(v is not None for v in r) for r in grid):
                notes.append(f"工作表“{sheet.title}”中没有找到“案例名称”，未导入。")
            continue
        rows.extend(found)
        outside = _outside_grid(sheet)
        if outside:
            notes.append(f"工作表“{sheet.title}”第 {outside[0]:,} 行 {get_column_letter(outside[1])} 列还有内容，"
                         f"超出了一份推荐表的范围（前 {MAX_FORM_ROWS} 行、{MAX_FORM_COLUMNS} 列），未导入，请核对。")
        titles.extend(v for r in grid[:5] for v in r if isinstance(v, str) and CONTENT not in v)
    return rows, _header([], titles), notes


def _outside_grid(sheet: Sheet) -> tuple[int, int] | None:
    """(row, column), 1-based, of the first filled cell outside what ``_grid`` reads."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        start = 0 if number > MAX_FORM_ROWS else MAX_FORM_COLUMNS
        for col in range(start, len(row)):
            if row[col] is not None and str(row[col]).strip():
                return number, col + 1
    return None


def _header(entries: list[tuple[str, object]], titles: list[object]) -> HeaderInfo:
    found = header_from_entries(entries)
    header = HeaderInfo(
        unit=str(found.get("unit", "")),
        reporter=str(found.get("reporter", "")),
        phone=str(found.get("phone", "")),
        report_date=str(found.get("report_date", "")),
        year=found.get("year") or None,  # type: ignore[arg-type]
    )
    region = str(found.get("region", ""))
    if region:
        header.city, header.district = region_in_text(region)
    if not header.city and header.unit:
        header.city, header.district = region_in_text(header.unit)
    if header.year is None:
        for text in titles:
            if "万里行" in str(text) or "清单" in str(text) or "推荐表" in str(text):
                header.year = year_in(text)
                if header.year:
                    break
    if header.year is None and header.report_date[:4].isdigit():
        header.year = int(header.report_date[:4])
    return header


def _fill_from_meta(header: HeaderInfo, meta: ExportMeta | None) -> None:
    """The visible header block wins; the metadata sheet fills what it lacks."""
    if meta is None:
        return
    if not header.unit:
        header.unit = meta.unit
    if not header.city:
        header.city, header.district = meta.city, meta.district
    if header.year is None:
        header.year = meta.year


def _assign_ids(rows: list[IncomingRow], meta: ExportMeta | None, form: Form) -> None:
    """Give each row the UUID the metadata sheet recorded for it.

    A row whose values are unchanged since export is matched by its digest, so
    sorting or inserting rows in Excel does not mix up records; an edited row
    falls back to its position (same sheet and row), if that entry is still free.
    """
    if meta is None or meta.form_id != form.id or not meta.records:
        return
    used: set[str] = set()
    by_digest: dict[str, list] = {}
    for m in meta.records:
        by_digest.setdefault(m.digest, []).append(m)
    for row in rows:
        candidates = [m for m in by_digest.get(record_digest(form, row.values), []) if m.id not in used]
        if not candidates:
            continue
        # Prefer the entry of the same sheet and the nearest row.
        best = min(candidates, key=lambda m: (m.sheet != row.sheet, abs((m.row or row.row_number) - row.row_number)))
        _take(row, best, "digest", used)
    by_place = {(m.sheet, m.row): m for m in meta.records}
    for row in rows:
        if row.id:
            continue
        m = by_place.get((row.sheet, row.row_number)) or by_place.get((row.sheet, None))
        if m and m.id not in used:
            _take(row, m, "position", used)


def _take(row: IncomingRow, m, source: str, used: set[str]) -> None:
    row.id = m.id
    row.meta_digest = m.digest
    row.meta_updated_at = m.updated_at
    row.id_source = source
    used.add(m.id)
