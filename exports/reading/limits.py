"""Bounds for reading strangers' files, decided before anything is parsed.

A supervisor opens files from strangers' e-mail. A file of a few kilobytes can
declare a sheet of 17 billion cells (``<dimension ref="A1:XFD1048576"/>``),
unpack to gigabytes (a zip bomb) or hold an XML entity bomb. So every file is
measured first and refused — with a Chinese sentence naming the file and the
reason — when it is outside these limits, and every row is then streamed with
the running counts checked:

============================  ====================  =========================================
limit                         value                 why this value
============================  ====================  =========================================
file size (.xlsx)             64 MiB                a city's list of 10,000 needs is ~2 MiB
file size (.xls)              32 MiB                xlrd loads the whole file (~8× in memory)
file size (.csv / text)       32 MiB                decoded in a stream, one line at a time
zip parts                     4,000                 one sheet per case: a few hundred sheets
sheets                        1,000
one part, unpacked            64 MiB                ~100,000 rows of sheet XML
all parts, unpacked           128 MiB
compression ratio             100 : 1 per part      (parts over 1 MiB) Excel's XML packs 5-30×
XML prolog                    no ``<!DOCTYPE``,     Excel never writes them; entity bombs do
                              no ``<!ENTITY``
rows per sheet                1,048,576             Excel's own maximum
columns with a value          200 (column GR)       the widest form has ~20 columns
cells with a value, per file  600,000               ~3.5 s of CPU; ~40,000 rows of a full list
shared strings                1,000,000
XML elements per sheet        3,000,000             ~3 s of CPU at most; a list of 10,000
                                                    needs has ~300,000
distinct element names        300 per sheet         a sheet uses a few dozen
============================  ====================  =========================================

``<dimension>`` is never trusted: rows are counted as they come. The zip's
declared sizes are safe to rely on because Python's ``zipfile`` stops reading a
member at its declared size (and fails its CRC check if the data goes on).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from exports.reading.errors import ReadError

MiB = 1 << 20

MAX_XLSX_BYTES = 64 * MiB
MAX_XLS_BYTES = 32 * MiB
MAX_TEXT_BYTES = 32 * MiB
MAX_PARTS = 4_000
MAX_SHEETS = 1_000
MAX_PART_BYTES = 64 * MiB
MAX_TOTAL_BYTES = 128 * MiB
MAX_RATIO = 100
RATIO_FLOOR = 1 * MiB  # small parts may pack better (a sheet of empty styled cells); they are harmless
MAX_ROWS = 1_048_576
MAX_COLUMNS = 200
MAX_CELLS = 600_000
MAX_SHARED_STRINGS = 1_000_000
MAX_ELEMENTS = 3_000_000
PROLOG_BYTES = 64 * 1024  # how much of each XML part is checked for a DTD

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_SPLIT_ADVICE = "请把文件拆分成几个较小的文件后分别导入。"


def too_big(name: str, what: str) -> ReadError:
    """The one sentence for a file outside the limits."""
    return ReadError(f"“{name}”{what}，超出了导入的安全上限，未导入。如果这是正常的表格，{_SPLIT_ADVICE}")


def check_file_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise too_big(name, f"有 {size / MiB:,.1f} MB，大于 {limit // MiB} MB")


def inspect_zip(path: Path, name: str) -> list[str]:
    """Check a zip container's declared sizes, ratio, part count and XML prologs; return its part names.

    Raises ReadError before any part is parsed when the file is outside the limits.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise too_big(name, f"内含 {len(infos):,} 个部件（正常的表格只有几十到几百个）")
            total = 0
            for info in infos:
                size = info.file_size
                total += size
                if size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                    raise too_big(name, f"解压后超过 {min(total, size) // MiB:,} MB（部件“{info.filename}”）")
                if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                    raise ReadError(f"“{name}”的部件“{info.filename}”压缩比异常（{size // max(info.compress_size, 1):,} 倍），"
                                    "可能是恶意构造的“压缩炸弹”文件，未导入。请让对方重新导出或另存为 .xlsx 后再发送。")
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES) and not info.is_dir():
                    with zf.open(info) as fh:
                        _check_prolog(fh.read(PROLOG_BYTES), name, info.filename)
            return [i.filename for i in infos]
    except zipfile.BadZipFile as exc:
        raise ReadError(f"“{name}”已损坏，无法打开（压缩包结构不完整）。请让对方重新发送文件。") from exc
    except (NotImplementedError, RuntimeError) as exc:  # an unknown compression method, an encrypted member
        raise ReadError(f"“{name}”使用了无法识别的压缩方式或加密，无法读取。"
                        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc


def _check_prolog(head: bytes, name: str, part: str) -> None:
    """Refuse a DTD or entity declaration (billion laughs, external entities) in an XML part.

    They can only appear before the root element, so the first bytes tell; NUL
    bytes are dropped so a UTF-16 part is checked too.
    """
    text = head.replace(b"\x00", b"")
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise ReadError(f"“{name}”的部件“{part}”含有 XML 实体声明（DTD），Excel 从不写入这种内容，"
                        "可能是恶意构造的文件，未导入。")


def column_error(name: str, sheet: str, row: int, column: int) -> ReadError:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(min(max(column, 1), 16384))
    return ReadError(f"“{name}”的工作表“{sheet}”第 {row:,} 行 {letter} 列有内容，超出了读取范围"
                     f"（最多 {MAX_COLUMNS} 列）。请删除表格右侧多余的内容后再导入。")


def rows_error(name: str, sheet: str) -> ReadError:
    return too_big(name, f"的工作表“{sheet}”超过 {MAX_ROWS:,} 行（Excel 的最大行数）")


def cells_error(name: str) -> ReadError:
    return too_big(name, f"有内容的单元格超过 {MAX_CELLS:,} 个")


def elements_error(name: str, sheet: str) -> ReadError:
    return too_big(name, f"的工作表“{sheet}”结构异常庞大（超过 {MAX_ELEMENTS:,} 个 XML 元素）")
