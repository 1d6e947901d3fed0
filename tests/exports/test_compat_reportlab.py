"""exports/compat_reportlab.py: what it relies on in reportlab still exists and behaves.

A failure here after upgrading reportlab names the internal that changed; fix the
compat module (and only it), or keep the upper bound in pyproject.toml.
"""

from __future__ import annotations

import inspect

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table

from exports.compat_reportlab import CellHookTable, DeferredPagesCanvas, without_ascii85
from tests.tools import run_tool


def test_the_internals_exist_with_the_signatures_used():
    assert list(inspect.signature(Table._drawCell).parameters) == ["self", "cellval", "cellstyle", "pos", "size"]
    assert callable(Canvas._startPage)
    assert list(inspect.signature(Canvas._startPage).parameters) == ["self"]
    canvas = Canvas("unused.pdf", pagesize=A4)
    assert tuple(canvas._pagesize) == A4
    assert rl_config.useA85 in (0, 1, True, False)


class Recording(CellHookTable):
    def draw_cell(self, value, style, pos, size) -> bool:
        self.seen.append((value, style.alignment, pos, size))
        return value == "mine"


def test_every_cell_is_offered_with_its_style_position_and_size(tmp_path):
    table = Recording([["a", "mine"], ["c", "d"]], colWidths=[50, 70], rowHeights=[20, 30])
    table.seen = []
    table.setStyle([("ALIGN", (1, 0), (1, 0), "RIGHT")])
    SimpleDocTemplate(str(tmp_path / "t.pdf")).build([table])
    assert [v for v, *_ in table.seen] == ["a", "mine", "c", "d"]
    by_value = {v: rest for v, *rest in table.seen}
    assert by_value["mine"][0] == "RIGHT"
    assert by_value["mine"][2] == (70, 20) and by_value["c"][2] == (50, 30)
    x_a, y_a = by_value["a"][1]
    assert by_value["mine"][1] == (x_a + 50, y_a)  # the next column, same row
    assert by_value["c"][1] == (x_a, y_a - 30)  # the row below: lower by its height
    # reportlab drew the cells the hook declined, and not the one it took.
    words = _pages(tmp_path / "t.pdf")[0].split()
    assert "a" in words and "d" in words and "mine" not in words


class Numbered(DeferredPagesCanvas):
    def finish_page(self, number: int, total: int) -> None:
        self.drawString(10, 10, f"page {number} of {total} width {self.page_width:.0f}")


def test_deferred_pages_know_the_total(tmp_path):
    path = tmp_path / "n.pdf"
    canvas = Numbered(str(path), pagesize=A4)
    for n in range(3):
        canvas.drawString(100, 700, f"body {n}")
        canvas.showPage()
    canvas.save()
    pages = _pages(path)
    assert len(pages) == 3
    for n, text in enumerate(pages):
        # Each page keeps its own body (the state snapshot restored the right page) and gets its footer.
        assert f"body {n}" in text and f"page {n + 1} of 3 width 595" in text


def test_ascii85_is_off_only_inside_the_block(tmp_path):
    before = rl_config.useA85
    with without_ascii85():
        assert rl_config.useA85 == 0
        c = Canvas(str(tmp_path / "plain.pdf"))
        c.drawString(10, 10, "x")
        c.save()
    assert rl_config.useA85 == before
    data = (tmp_path / "plain.pdf").read_bytes()
    assert b"/ASCII85Decode" not in data and b"/FlateDecode" in data
    rl_config.useA85 = 1
    try:
        c = Canvas(str(tmp_path / "a85.pdf"))
        c.drawString(10, 10, "x")
        c.save()
    finally:
        rl_config.useA85 = before
    assert b"/ASCII85Decode" in (tmp_path / "a85.pdf").read_bytes()  # the setting is what decides


def _pages(path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    return run_tool("pdftotext", "-layout", path, "-").split("\f")[:-1]


def test_chinese_line_rules_reach_reportlabs_wrapping():
    """Fails loudly if reportlab renames the globals or the function the rules hook into."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    import exports.pdf_common  # noqa: F401 (installs the rules)

    for module in (textsplit, paragraph):
        assert isinstance(module.ALL_CANNOT_START, str) and "，" in module.ALL_CANNOT_START
    assert getattr(paragraph.wordSplit, "_wanlixing", False)
    lines = paragraph.wordSplit("一二三四“五六", [40], "Helvetica", 10)  # 4 wide chars per line
    assert [text for _extra, text in lines][0][-1] != "“"


def test_line_writer_writes_what_set_text_origin_and_text_out_write(tmp_path):
    """LineWriter caches each distinct line's subset split: the page content is the same operators."""
    from exports.compat_reportlab import LineWriter
    from exports.fonts import register_fonts

    fonts = register_fonts()
    lines = ["需求清单（汇总）", "a<b & (c) \\ 专利", "需求清单（汇总）", "", "第二字体"]
    codes = []
    for fast in (False, True):
        canvas = Canvas(str(tmp_path / f"l{fast}.pdf"), pagesize=A4)
        writer = LineWriter(canvas)
        text = canvas.beginText()
        for i, line in enumerate(lines):
            text.setFont(fonts.body if i < 4 else fonts.heading, 10, 13)
            if fast:
                writer.put(text, 10.5, 700 - 13 * i, line)
            else:
                text.setTextOrigin(10.5, 700 - 13 * i)
                text.textOut(line)
        codes.append(" ".join(" ".join(text._code).split()))
        canvas.drawText(text)
        canvas.save()
    assert codes[0] == codes[1]
    printed = "".join(run_tool("pdftotext", str(tmp_path / "lTrue.pdf"), "-").split())
    assert printed == "".join("".join(lines).split())
