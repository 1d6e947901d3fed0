"""附件1 需求清单 PDF, checked as a document: its text (pdftotext), pages (pdfinfo), fonts (pdffonts)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from exports.pdf_needs import export_needs_pdf
from forms.needs import FLAG_NATIONAL, FLAG_PROVINCIAL, summary_line
from forms.progress import Cancelled, NullProgress
from storage.sample import fill
from tests.conftest import PROFILE
from tests.tools import pdf_page_count, require_tool, run_tool, squeeze

LONG = "".join(f"第{i}句：企业需要<专利导航>与A&B检索服务，" for i in range(200))[:3000]
BASE = {"subject_type": "企业", "industry": "先进制造", "category": "专利导航与分析评议", "status": "待对接"}
TRICKY = [
    {**BASE, "subject_name": "<script>&闽江公司", "content": "=SUM(A1:A2) 需要 <b>加粗</b> & 转义",
     "coord_level": FLAG_NATIONAL, "contact": "王经理", "phone": "13812345678"},
    {**BASE, "subject_name": "超长需求股份有限公司", "content": LONG, "coord_level": FLAG_PROVINCIAL},
    {**BASE, "subject_name": "=HYPERLINK(\"x\")", "content": "+1 号需求\x07响铃", "coord_level": "本地解决"},
]


run = run_tool
page_count = pdf_page_count


def is_subsequence(needle: str, haystack: str) -> bool:
    """Every character of ``needle`` appears in ``haystack`` in order (other text may come between)."""
    it = iter(haystack)
    return all(ch in it for ch in needle)


def assert_fonts_embedded(path: Path) -> None:
    lines = run("pdffonts", path).splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        assert re.search(r"TrueType\s+\S+\s+yes\s+yes", line), line  # type, encoding, emb, sub
        assert not re.search(r"Helvetica|Times|Courier|Symbol", line), line


@pytest.fixture
def needs_pdf(store, tmp_path):
    fill(store, needs=40, cases=0)
    store.needs.insert_many(TRICKY)
    path = tmp_path / "需求清单.pdf"
    count = export_needs_pdf(store, path)
    return store, path, count


def test_title_header_block_summary_and_page_numbers(needs_pdf):
    store, path, count = needs_pdf
    assert count == 43
    text = run("pdftotext", "-layout", path, "-")
    flat = squeeze(text)
    assert "附件1" in flat
    assert "2023年知识产权服务万里行活动需求清单" in flat
    for value in ("填报单位：" + PROFILE["unit"], "所属地区：福州市鼓楼区", "填报人：林晓",
                  "联系电话：0591-87530216", "填报日期：2023年5月18日"):
        assert value in flat
    levels = Counter(r["coord_level"] for r in store.needs.rows())
    assert squeeze(summary_line(43, levels[FLAG_NATIONAL], levels[FLAG_PROVINCIAL])) in flat
    pages = page_count(path)
    assert pages >= 3
    assert f"第1页共{pages}页" in flat
    assert f"第{pages}页共{pages}页" in flat
    # The header row is repeated on every page.
    assert flat.count("统一社会信用代码") == pages


def test_every_need_and_tricky_text_printed(needs_pdf):
    store, path, _count = needs_pdf
    raw = squeeze(run("pdftotext", "-raw", path, "-"))
    for row in store.needs.rows():
        assert squeeze(row["subject_name"]) in raw, row["subject_name"]
    assert "<script>&闽江公司" in raw
    assert squeeze("=SUM(A1:A2) 需要 <b>加粗</b> & 转义") in raw
    assert "+1号需求响铃" in raw  # the control character is dropped, the rest kept
    # The 3000-character need runs over several pages, in order, nothing cut.
    assert is_subsequence(squeeze(LONG), raw)
    assert "续" in raw  # its continuation rows say so


def test_flagged_needs_marked(needs_pdf):
    store, path, _count = needs_pdf
    raw = squeeze(run("pdftotext", "-raw", path, "-"))
    levels = Counter(r["coord_level"] for r in store.needs.rows())
    assert raw.count("★" + FLAG_NATIONAL) >= levels[FLAG_NATIONAL] + 1  # + the legend
    assert raw.count("★" + FLAG_PROVINCIAL) >= levels[FLAG_PROVINCIAL] + 1
    assert raw.count("★") == levels[FLAG_NATIONAL] + levels[FLAG_PROVINCIAL] + 2


def test_flagged_row_has_a_background(store, tmp_path):
    """Rendered, the national need's row is reddish, the provincial one yellowish, the local one white."""
    pdftoppm = require_tool("pdftoppm")
    store.needs.insert_many([{**BASE, "subject_name": f"企业{i}", "content": "短", "coord_level": lv}
                             for i, lv in enumerate((FLAG_NATIONAL, FLAG_PROVINCIAL, "本地解决"))])
    path = tmp_path / "flags.pdf"
    export_needs_pdf(store, path)
    subprocess.run([pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    # Scan the 序号 column (just inside the left margin) for the three row colours.
    x = int(image.width * 24 / 297)
    colours = {image.getpixel((x, y)) for y in range(image.height // 3, image.height)}
    assert any(r > 230 and g < 225 and b < 225 for r, g, b in colours)  # national: red tint
    assert any(r > 240 and g > 220 and b < 200 for r, g, b in colours)  # provincial: yellow tint


def test_fonts_embedded_and_no_helvetica(needs_pdf):
    _store, path, _count = needs_pdf
    assert_fonts_embedded(path)


def test_consolidated_summary_page_and_sorted_list(store, tmp_path):
    rows = [
        {**BASE, "subject_name": "宁德企业甲", "content": "a", "coord_level": FLAG_NATIONAL,
         "city": "宁德市", "district": "蕉城区", "unit": "宁德市蕉城区市场监督管理局"},
        {**BASE, "subject_name": "厦门企业乙", "content": "b", "coord_level": FLAG_PROVINCIAL,
         "city": "厦门市", "district": "思明区", "unit": "厦门市思明区市场监督管理局"},
        {**BASE, "subject_name": "福州企业丙", "content": "c", "coord_level": "本地解决",
         "city": "福州市", "district": "鼓楼区", "unit": "福州市鼓楼区市场监督管理局"},
        {**BASE, "subject_name": "厦门企业丁", "content": "d", "coord_level": FLAG_NATIONAL,
         "city": "厦门市", "district": "湖里区", "unit": "厦门市湖里区市场监督管理局"},
    ]
    store.needs.insert_many(rows, origin="import")
    path = tmp_path / "汇总.pdf"
    assert export_needs_pdf(store, path, consolidated=True) == 4
    pages = page_count(path)
    first = squeeze(run("pdftotext", "-layout", "-f", "1", "-l", "1", path, "-"))
    assert "2023年知识产权服务万里行活动需求清单（汇总）" in first
    assert "汇总单位：" + PROFILE["unit"] in first
    assert "一、汇总情况" in first
    assert "各设区市需求数量（按协调层级）" in first  # the chart's title
    # Count table rows: city, national, provincial, local, total.
    assert "福州市0011" in first
    assert "厦门市1102" in first
    assert "宁德市1001" in first
    assert "合计2114" in first
    assert first.index("福州市0011") < first.index("厦门市1102") < first.index("宁德市1001")
    assert f"第1页共{pages}页" in first
    rest = squeeze(run("pdftotext", "-raw", "-f", "2", path, "-"))
    assert "所属地区" in rest and "填报单位" in rest
    order = [rest.index(name) for name in ("福州企业丙", "厦门企业乙", "厦门企业丁", "宁德企业甲")]
    assert order == sorted(order)  # region-list order: 福州, 厦门 (思明 before 湖里), 宁德
    assert "厦门市湖里区市场监督管理局" in rest
    assert_fonts_embedded(path)


def test_selected_ids_in_given_order(store, tmp_path):
    ids = store.needs.insert_many([{**BASE, "subject_name": f"企业{n}", "content": "x", "coord_level": "本地解决"}
                                   for n in "甲乙丙"])
    path = tmp_path / "sel.pdf"
    assert export_needs_pdf(store, path, ids=[ids[2], ids[0]]) == 2
    raw = squeeze(run("pdftotext", "-raw", path, "-"))
    assert "企业乙" not in raw
    assert raw.index("企业丙") < raw.index("企业甲")
    assert squeeze(summary_line(2, 0, 0)) in raw


def test_report_date_defaults_to_today(store, tmp_path):
    store.set_profile({**PROFILE, "report_date": None})
    path = tmp_path / "today.pdf"
    export_needs_pdf(store, path, today=dt.date(2024, 6, 3))
    assert "填报日期：2024年6月3日" in squeeze(run("pdftotext", "-layout", path, "-"))


def test_empty_list_still_prints_header(store, tmp_path):
    path = tmp_path / "empty.pdf"
    assert export_needs_pdf(store, path) == 0
    flat = squeeze(run("pdftotext", "-layout", path, "-"))
    assert "需求主体名称" in flat and squeeze(summary_line(0, 0, 0)) in flat
    assert page_count(path) == 1
    empty_consolidated = tmp_path / "empty-c.pdf"
    assert export_needs_pdf(store, empty_consolidated, consolidated=True) == 0
    assert page_count(empty_consolidated) == 2


class CancelAfter(NullProgress):
    def __init__(self, reports: int) -> None:
        super().__init__()
        self.limit = reports

    def update(self, done: int, total: int, text: str = "") -> None:
        super().update(done, total, text)
        if len(self.reports) >= self.limit:
            self.cancelled = True


def test_progress_reported_and_cancel_leaves_no_file(store, tmp_path):
    fill(store, needs=150, cases=0)
    progress = NullProgress()
    assert export_needs_pdf(store, tmp_path / "ok.pdf", progress=progress) == 150
    assert progress.reports[-1][:2] == (150, 150)
    assert len(progress.reports) > 3  # page by page
    final = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        export_needs_pdf(store, final, progress=CancelAfter(2))
    assert not final.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.pdf"]  # no temporary file left


def test_failure_keeps_previous_file(store, tmp_path, monkeypatch):
    """A crash while writing leaves the file that was there before, untouched."""
    from exports import pdf_common

    final = tmp_path / "old.pdf"
    final.write_bytes(b"previous export")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf_common.BaseDocTemplate, "build", broken)
    with pytest.raises(RuntimeError):
        export_needs_pdf(store, final)
    assert final.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["old.pdf"]
