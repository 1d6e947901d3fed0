"""Reading an .xlsx file within the bounds of :mod:`exports.reading.limits`, without openpyxl's loader.

openpyxl's read-only mode parses each whole sheet once just to look for
``<dimension>`` when there is none, pads every row to ``<dimension>`` (a 2 KB
file can declare 16,384 columns × 1,048,576 rows) and to its last cell
(``<c r="XFD1"/>``), builds a whole ``<row>`` element before yielding it (a row
of a million cells) and reads all shared strings before anyone can count them.
So the workbook is read here: its small parts (workbook, relationships, styles;
each at most ``MAX_SMALL_PART`` bytes) with defusedxml, and the shared strings
and sheets with expat, which keeps nothing but the current row or string. A
value past ``MAX_COLUMNS``, a row past Excel's last row, too many cells,
strings or elements are refused as they are met; a DTD anywhere is refused.

Values are converted as openpyxl's ``WorkSheetParser`` (``data_only``) does,
using its public helpers for dates and number formats.
"""

from __future__ import annotations

import posixpath
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from exports.reading import limits
from exports.reading.errors import ReadError

CHUNK = 64 * 1024
MAX_SMALL_PART = 8 * limits.MiB  # workbook.xml, relationships, styles.xml: parsed whole
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class Context:
    """What converting a cell needs from the workbook, and the per-file running counts."""

    file_name: str
    shared: list[str] = field(default_factory=list)
    date_styles: set[int] = field(default_factory=set)
    timedelta_styles: set[int] = field(default_factory=set)
    epoch: Any = CALENDAR_WINDOWS_1900
    cells: int = 0  # cells with a value read so far, in all sheets


@dataclass
class SheetEntry:
    title: str
    state: str
    part: str  # path of the sheet's XML inside the zip


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _small(zf: zipfile.ZipFile, part: str, name: str):
    info = zf.getinfo(part)
    if info.file_size > MAX_SMALL_PART:
        raise limits.too_big(name, f"的部件“{part}”解压后超过 {MAX_SMALL_PART // limits.MiB} MB")
    try:
        return fromstring(zf.read(part), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ReadError(f"“{name}”的部件“{part}”含有 XML 实体声明（DTD），可能是恶意构造的文件，未导入。") from exc


def _rels(zf: zipfile.ZipFile, part: str, name: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target part) of a part's relationships."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in zf.NameToInfo:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in _small(zf, rels_part, name):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
    return out


def open_workbook(zf: zipfile.ZipFile, name: str) -> tuple[list[SheetEntry], Context]:
    """The sheets of a workbook and the context to read their cells."""
    root_rels = _rels(zf, "", name) if "_rels/.rels" in zf.NameToInfo else {}
    wb_part = next((t for typ, t in root_rels.values() if typ.endswith("/officeDocument")), "xl/workbook.xml")
    if wb_part not in zf.NameToInfo:
        wb_part = "xl/workbook.xml"
    wb = _small(zf, wb_part, name)
    rels = _rels(zf, wb_part, name)
    ctx = Context(name)
    for el in wb.iter():
        if _local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true"):
            ctx.epoch = CALENDAR_MAC_1904
    sheets: list[SheetEntry] = []
    for el in wb.iter():
        if _local(el.tag) != "sheet":
            continue
        if len(sheets) >= limits.MAX_SHEETS:
            raise limits.too_big(name, f"有超过 {limits.MAX_SHEETS:,} 个工作表")
        rid = el.get(f"{{{_REL}}}id") or el.get(f"{{{_STRICT_REL}}}id") or ""
        typ, target = rels.get(rid, ("", ""))
        if not typ.endswith("/worksheet") or target not in zf.NameToInfo:
            continue  # a chart sheet, a dialog sheet, or a dangling entry
        sheets.append(SheetEntry(el.get("name", ""), el.get("state", "visible"), target))
    for typ, target in rels.values():
        if typ.endswith("/styles") and target in zf.NameToInfo:
            _read_styles(_small(zf, target, name), ctx)
        elif typ.endswith("/sharedStrings") and target in zf.NameToInfo:
            with zf.open(target) as fh:
                ctx.shared = _read_shared_strings(fh, name, target)
    return sheets, ctx


def _read_styles(root, ctx: Context) -> None:
    formats = dict(BUILTIN_FORMATS)
    xfs = None
    for el in root:
        if _local(el.tag) == "numFmts":
            for fmt in el:
                try:
                    formats[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif _local(el.tag) == "cellXfs":
            xfs = el
    for index, xf in enumerate(xfs if xfs is not None else []):
        try:
            code = formats.get(int(xf.get("numFmtId", 0)), "")
        except ValueError:
            continue
        if code and is_date_format(code):
            ctx.date_styles.add(index)
            if is_timedelta_format(code):
                ctx.timedelta_styles.add(index)


def _read_shared_strings(source, name: str, part: str) -> list[str]:
    strings: list[str] = []
    text: list[str] | None = None
    current: list[str] = []
    depth = {"rPh": 0}

    def start(tag: str, attrs) -> None:
        nonlocal text, current
        local = tag.rpartition(" ")[2]
        if local == "si":
            current = []
        elif local == "t" and not depth["rPh"]:
            text = []
        elif local == "rPh":
            depth["rPh"] += 1

    def end(tag: str) -> None:
        nonlocal text
        local = tag.rpartition(" ")[2]
        if local == "t" and text is not None:
            current.extend(text)
            text = None
        elif local == "rPh":
            depth["rPh"] -= 1
        elif local == "si":
            strings.append("".join(current))
            if len(strings) > limits.MAX_SHARED_STRINGS:
                raise limits.too_big(name, f"有超过 {limits.MAX_SHARED_STRINGS:,} 个不同的文字")

    def chars(data: str) -> None:
        if text is not None:
            text.append(data)

    _parse(source, name, part, start, end, chars)
    return strings


def _dtd(name: str, part: str):
    def refuse(*args) -> None:
        raise ReadError(f"“{name}”的部件“{part}”含有 XML 实体声明（DTD），Excel 从不写入这种内容，"
                        "可能是恶意构造的文件，未导入。")
    return refuse


def _new_parser(name: str, part: str, start, end, chars):
    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    p.StartDoctypeDeclHandler = _dtd(name, part)
    p.EntityDeclHandler = _dtd(name, part)
    p.buffer_text = True
    return p


def _feed(parser, chunk: bytes, name: str, part: str) -> None:
    try:
        parser.Parse(chunk, not chunk)
    except xml.parsers.expat.ExpatError as exc:
        raise ReadError(f"“{name}”的部件“{part}”已损坏（XML 结构错误），无法读取。"
                        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc


def _parse(source, name: str, part: str, start, end, chars) -> None:
    parser = _new_parser(name, part, start, end, chars)
    while True:
        chunk = source.read(CHUNK)
        _feed(parser, chunk, name, part)
        if not chunk:
            break


class _RowParser:
    def __init__(self, ctx: Context, sheet: str) -> None:
        self.ctx = ctx
        self.sheet = sheet
        self.elements = 0
        self.done: list[tuple[int, dict[int, Any]]] = []
        self.row_number = 0
        self.row: dict[int, Any] | None = None
        self.col = 0
        self.cell_type = "n"
        self.cell_style: str | None = None
        self.pending: str | None = None  # the current cell's reference, parsed only when needed
        self.names: dict[str, str] = {}  # element names met in this sheet -> local name
        self.text: list[str] | None = None  # collecting the text of <v> or <is><t>
        self.value_parts: list[str] | None = None
        self.in_is = 0
        self.in_rph = 0
        p = _new_parser(ctx.file_name, sheet, self.start, self.end, self.chars)
        self.parser = p

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        # Called for every element of the sheet: kept cheap (the column of a cell is
        # only worked out when the cell turns out to hold a value).
        self.elements += 1
        if self.elements > limits.MAX_ELEMENTS:
            raise limits.elements_error(self.ctx.file_name, self.sheet)
        local = self.names.get(tag)
        if local is None:
            if len(self.names) >= MAX_ELEMENT_NAMES:
                raise limits.elements_error(self.ctx.file_name, self.sheet)
            local = self.names[tag] = _local_name(tag)
        if local == "c":
            if self.row is None:
                return
            ref = attrs.get("r")
            if ref:
                self.pending = ref
            else:
                self.col = self.column() + 1
            self.cell_type = attrs.get("t", "n")
            self.cell_style = attrs.get("s")
            self.value_parts = None
        elif local == "v":
            if self.row is not None:
                self.text = []
        elif local == "row":
            r = attrs.get("r")
            number = int(r) if r and r.isdigit() and len(r) < 9 else self.row_number + 1
            if number <= self.row_number:
                number = self.row_number + 1  # rows out of order: keep them in file order
            if number > limits.MAX_ROWS:
                raise limits.rows_error(self.ctx.file_name, self.sheet)
            self.row_number = number
            self.row = {}
            self.col = 0
            self.pending = None
        elif local == "is":
            self.in_is += 1
            self.value_parts = []
        elif local == "rPh":
            self.in_rph += 1  # phonetic guide: not part of the value
        elif local == "t" and self.in_is and not self.in_rph:
            self.text = []

    def column(self) -> int:
        """The current cell's 1-based column (parsing its reference now if it had one)."""
        if self.pending is not None:
            col = _column_of(self.pending)
            self.col = col if col > 0 else self.col + 1
            self.pending = None
        return self.col

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, tag: str) -> None:
        local = _LOCAL.get(tag) or _local_name(tag)
        if local == "v" and self.text is not None:
            self.value_parts = self.text
            self.text = None
        elif local == "t" and self.text is not None:
            if self.value_parts is not None:
                self.value_parts.extend(self.text)
            self.text = None
        elif local == "rPh":
            self.in_rph -= 1
        elif local == "is":
            self.in_is -= 1
        elif local == "c" and self.row is not None:
            parts = self.value_parts
            self.value_parts = None
            if parts is None:
                return
            value = self.convert("".join(parts))
            if value is None:
                return
            col = self.column()
            if col > limits.MAX_COLUMNS:
                raise limits.column_error(self.ctx.file_name, self.sheet, self.row_number, col)
            self.ctx.cells += 1
            if self.ctx.cells > limits.MAX_CELLS:
                raise limits.cells_error(self.ctx.file_name)
            self.row[col] = value
        elif local == "row" and self.row is not None:
            self.done.append((self.row_number, self.row))
            self.row = None

    def convert(self, text: str) -> Any:
        """The cell's value as openpyxl's WorkSheetParser (data_only) gives it."""
        t = self.cell_type
        if t == "s":
            try:
                return self.ctx.shared[int(text)]
            except (ValueError, IndexError):
                return None
        if t in ("str", "inlineStr", "e"):
            return text if text != "" else None
        if t == "b":
            return text.strip() in ("1", "true")
        if t == "d":
            try:
                return from_ISO8601(text)
            except ValueError:
                return text
        text = text.strip()
        if not text:
            return None
        try:
            number: Any = float(text) if any(ch in text for ch in ".eE") else int(text)
        except ValueError:
            return text
        style = int(self.cell_style) if self.cell_style and self.cell_style.isdigit() else 0
        if style and style in self.ctx.date_styles:
            try:
                return from_excel(number, self.ctx.epoch, timedelta=style in self.ctx.timedelta_styles)
            except (OverflowError, ValueError, TypeError):
                return "#VALUE!"
        return number


_LOCAL: dict[str, str] = {}
# A sheet uses a few dozen element names. Each new name costs expat and pyexpat
# ~7 µs for every later use, so a flood of random names would take minutes.
MAX_ELEMENT_NAMES = 300


def _local_name(tag: str) -> str:
    """"<namespace> row" -> "row" (expat's namespace separator is a space); cached per tag."""
    local = tag.rpartition(" ")[2]
    if len(_LOCAL) < 2000:  # random element names must not grow the cache without end
        _LOCAL[tag] = local
    return local


def _column_of(ref: str) -> int:
    """1-based column of a cell reference such as "AB12" (0 when it has no letters)."""
    n = 0
    for ch in ref:
        o = ord(ch)
        if 65 <= o <= 90:
            n = n * 26 + o - 64
        elif 97 <= o <= 122:
            n = n * 26 + o - 96
        elif ch != "$":
            break
        if n > 16384:
            return 0
    return n


def iter_sheet_rows(source, ctx: Context, sheet: str) -> Iterator[tuple]:
    """Rows from row 1 as tuples of plain values; a missing row is ``()``. Closes ``source``."""
    parser = _RowParser(ctx, sheet)
    emitted = 0
    try:
        while True:
            chunk = source.read(CHUNK)
            _feed(parser.parser, chunk, ctx.file_name, sheet)
            done, parser.done = parser.done, []
            for number, cells in done:
                while emitted + 1 < number:
                    emitted += 1
                    yield ()
                emitted = number
                width = max(cells, default=0)
                yield tuple(cells.get(c) for c in range(1, width + 1))
            if not chunk:
                break
    finally:
        source.close()
