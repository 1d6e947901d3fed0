"""A sheet's top is parsed once for every look at it (form, header row, header block); a sheet
that ends within it is never parsed again, a longer one is streamed once more from the start."""

from __future__ import annotations

import io

from exports.reading.workbook import HEAD_ROWS, Sheet


def counting_sheet(n_rows: int) -> tuple[Sheet, list[int]]:
    parses: list[int] = []

    def rows():
        parses.append(1)
        for i in range(n_rows):
            yield (f"第{i}行", i)

    return Sheet("清单", "visible", rows), parses


def test_a_short_sheet_is_parsed_once():
    sheet, parses = counting_sheet(60)
    assert sheet.head(40) == [(f"第{i}行", i) for i in range(40)]
    assert len(sheet.head(500)) == 60
    assert list(sheet.iter_rows()) == [(f"第{i}行", i) for i in range(60)]
    assert list(sheet.iter_rows()) == [(f"第{i}行", i) for i in range(60)]
    assert len(parses) == 1


def test_a_long_sheet_is_streamed_again_whole():
    sheet, parses = counting_sheet(HEAD_ROWS + 7)
    assert len(sheet.head(40)) == 40 and len(sheet.head(HEAD_ROWS)) == HEAD_ROWS
    assert len(parses) == 1
    assert sum(1 for _ in sheet.iter_rows()) == HEAD_ROWS + 7
    assert len(parses) == 2


def test_the_terminal_progress_line_and_plain_output():
    import main

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = main._ImportBar(4, tty)
    bar.added = 120
    bar.show(1)
    bar.clear()
    assert tty.getvalue().startswith("\r[#######-----------------------] 1/4 个文件 25%  新增 120 条")
    assert tty.getvalue().endswith("\r\033[K")
    plain = io.StringIO()
    quiet = main._ImportBar(4, plain)
    quiet.show(1)
    quiet.clear()
    assert plain.getvalue() == ""  # a file or a pipe gets the per-file lines only
