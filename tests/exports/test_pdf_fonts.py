"""Choosing the PDF fonts: Windows official fonts when present, the shipped ones otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from exports import fonts
from exports.pdf_common import LineBreaker, tokens


def test_register_fonts_is_idempotent_and_registers_real_fonts():
    first = fonts.register_fonts()
    assert fonts.register_fonts() is first
    for name in (first.body, first.heading, first.title):
        assert pdfmetrics.getFont(name).face.charToGlyph.get(ord("需"))  # a CJK glyph, not a blank box
    assert {"body", "heading"} <= set(first.files)


def test_shipped_fonts_used_when_the_system_has_none(tmp_path):
    chosen = fonts.choose_fonts([tmp_path])
    assert chosen["body"][1] == fonts.SHIPPED_SERIF
    assert chosen["heading"][1] == fonts.SHIPPED_SANS
    assert "title" not in chosen  # the title then uses the heading font


def test_official_fonts_preferred_case_insensitively(tmp_path):
    # Stand-ins with the Windows file names (a Windows font folder is not case sensitive).
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "SimHei.TTF").symlink_to(fonts.SHIPPED_SANS)
    (tmp_path / "simsun.ttc").symlink_to(fonts.SHIPPED_SERIF)
    chosen = fonts.choose_fonts([tmp_path])
    assert chosen["heading"][1] == tmp_path / "sub" / "SimHei.TTF"
    assert chosen["body"][1] == tmp_path / "simsun.ttc"


def test_unusable_candidates_fall_back(tmp_path):
    """A CFF-flavoured or damaged file under an official name is skipped, never embedded."""
    (tmp_path / "simfang.ttf").write_bytes(b"OTTO" + b"\0" * 200)
    (tmp_path / "simhei.ttf").write_bytes(b"")
    chosen = fonts.choose_fonts([tmp_path])
    assert chosen["body"][1] == fonts.SHIPPED_SERIF
    assert chosen["heading"][1] == fonts.SHIPPED_SANS


def test_qt_font_files_are_the_shipped_ones():
    files = fonts.qt_font_files()
    assert files and all(isinstance(p, Path) and p.is_file() for p in files)
    assert [p.name for p in files] == ["wqy-microhei.ttc"]  # the Ming face is for PDFs only


def test_importing_fonts_does_not_load_reportlab():
    """The window imports this module at start-up; reportlab waits for the first PDF."""
    code = "import sys, exports.fonts; print('reportlab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.strip() == "False"


def test_line_breaking_rules():
    f = fonts.register_fonts()
    breaker = LineBreaker(f.body, 10)
    # Closing marks stay with the character before them, opening marks with the one after.
    assert tokens("企业（示例），") == ["企", "业", "（示", "例），"]
    # Phone numbers and e-mail addresses are never broken when they fit on a line.
    lines = breaker.wrap("联系电话0591-87530216，邮箱case1@example.com", 90)
    assert any(line.startswith("0591-87530216，") for line in lines)
    assert "case1@example.com" in lines
    # Nothing is lost, whatever the width.
    text = "知识产权服务万里行（示例）：ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789，完。"
    for width in (12, 35, 60, 200):
        lines = breaker.wrap(text, width)
        assert "".join(lines) == text
        if width > 30:  # narrower than three characters, a mark may have to start a line
            assert not any(line.startswith(("，", "。", "）", "：")) for line in lines[1:])


@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.sampled_from([*"知识产权（）“”，。、：AZ09@. \n", "服务", "Ab1", "0591-87530216"]),
                    max_size=40).map("".join),
       width=st.floats(min_value=8, max_value=300))
def test_wrapping_loses_nothing_and_keeps_to_the_width(text, width):
    breaker = LineBreaker(fonts.register_fonts().body, 10)
    lines = breaker.wrap(text, width)
    assert "".join("".join(lines).split()) == "".join(text.split())  # only white space may go
    for line in lines:
        # A line is never wider than asked, except a single character in a very narrow column.
        assert breaker.width(line) <= width + 0.01 or len(line) <= 2
