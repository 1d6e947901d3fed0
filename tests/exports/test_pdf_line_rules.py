"""Chinese line breaking in the PDFs: no line starts with ，。、；：？！）》」』” and none ends with （《「『“."""

from __future__ import annotations

import subprocess

import pytest

from exports.pdf_cases import export_cases_pdf
from exports.pdf_common import _NO_LINE_END, _NO_LINE_START
from exports.pdf_needs import export_needs_pdf
from storage.sample import fill
from tests.tools import require_tool

# ASCII marks can legitimately start a line in pdftotext's output (e.g. a wrapped URL); the rule is for Chinese.
FORBIDDEN_START = {ch for ch in _NO_LINE_START if ord(ch) > 0x7F}
FORBIDDEN_END = {ch for ch in _NO_LINE_END if ord(ch) > 0x7F}


def pdf_lines(path) -> list[str]:
    require_tool("pdftotext")
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_line_starts_or_ends_with_forbidden_punctuation(store, tmp_path, seed):
    fill(store, needs=60, cases=4, seed=seed)
    cases, needs = tmp_path / "cases.pdf", tmp_path / "needs.pdf"
    export_cases_pdf(store, cases)
    export_needs_pdf(store, needs)
    for path in (cases, needs):
        lines = pdf_lines(path)
        assert len(lines) > 200
        assert [line for line in lines if line[0] in FORBIDDEN_START] == []
        assert [line for line in lines if line[-1] in FORBIDDEN_END] == []
    # The case sections really are wrapped text full of commas (the test reaches the rule).
    assert sum(line.count("，") for line in pdf_lines(cases)) > 50
