"""附件2 优秀案例推荐表 PDF, checked as a document: text, pages, fonts and pictures."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from exports.pdf_cases import export_cases_pdf
from forms.progress import Cancelled, NullProgress
from tests.tools import pdf_page_count, run_tool, squeeze

SENTENCES = ["围绕{n}号产业链开展专利导航，形成分析报告并推动成果转化。",
             "组织“一企一策”服务，企业A&B联合申报<高价值专利>培育项目。",
             "=HYPERLINK 之类的文字也照原样打印，不被当作公式。"]


def text_of(n: int, length: int) -> str:
    out = ""
    i = 0
    while len(out) < length:
        out += SENTENCES[i % 3].format(n=i)
        i += 1
    return out[:length]


CASE = {
    "name": "“一站式”知识产权服务进园区——鼓楼实践",
    "recommender": "福州市鼓楼区市场监督管理局",
    "city": "福州市", "district": "鼓楼区",
    "category": "知识产权服务赋能创新发展",
    "implementer": "鼓楼区市场监督管理局、鼓楼知识产权服务中心",
    "contact": "林晓", "position": "科长", "phone": "13812345678", "email": "linxiao@example.com",
    "enterprises": 128, "activities": 16, "participants": 2450,
    "background": text_of(0, 500),
    "practice": "　　" + text_of(1, 250) + "\n" + text_of(2, 250),  # typed indent, two paragraphs
    "results": text_of(3, 500),
    "lessons": text_of(4, 500),
    "opinion": "同意推荐。",
}


run = run_tool
page_count = pdf_page_count


def body_text(path: Path) -> str:
    """The PDF's text without white space and without the page footers between pages."""
    return re.sub(r"第\d+页共\d+页", "", squeeze(run("pdftotext", "-raw", path, "-")))


def png_bytes(size: tuple[int, int] = (600, 400), colour: str = "#3a7bd5") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def case_pdf(store, tmp_path):
    case_id = store.cases.insert(CASE)
    path = tmp_path / "案例.pdf"
    assert export_cases_pdf(store, path) == 1
    return store, case_id, path


def test_form_block_values(case_pdf):
    _store, _id, path = case_pdf
    flat = squeeze(run("pdftotext", "-raw", path, "-"))  # raw: a wrapped cell's lines stay together
    assert "附件2" in flat
    assert "知识产权服务万里行活动优秀案例推荐表" in flat
    for label, value in (("案例名称", CASE["name"]), ("推荐单位", CASE["recommender"]),
                         ("所属地区", "福州市鼓楼区"), ("案例类别", CASE["category"]),
                         ("实施主体", CASE["implementer"]), ("联系人", "林晓"), ("职务", "科长"),
                         ("联系电话", "13812345678"), ("电子邮箱", "linxiao@example.com"),
                         ("服务企业数（家）", "128"), ("开展活动（场）", "16"), ("参与人数（人次）", "2450")):
        assert label in flat
        assert squeeze(value) in flat
    for heading in ("一、背景情况", "二、主要做法", "三、取得成效", "四、经验启示"):
        assert heading in flat
    assert "推荐单位意见" in flat and "同意推荐。" in flat
    assert "推荐单位（盖章）" in flat
    assert "年月日" in flat


def test_long_case_flows_over_pages_with_every_character(case_pdf):
    _store, _id, path = case_pdf
    pages = page_count(path)
    assert pages >= 3  # 2000 characters at 13 pt do not fit on one form
    first = squeeze(run("pdftotext", "-layout", "-f", "1", "-l", "1", path, "-"))
    assert f"第1页共{pages}页" in first
    text = body_text(path)
    for key in ("background", "results", "lessons"):
        assert squeeze(CASE[key]) in text, key
    for part in CASE["practice"].split("\n"):
        assert squeeze(part) in text
    assert "<高价值专利>" in text and "A&B" in text and "=HYPERLINK" in text


def test_fonts_embedded(case_pdf):
    _store, _id, path = case_pdf
    lines = run("pdffonts", path).splitlines()[2:]
    assert lines
    for line in lines:
        assert re.search(r"TrueType\s+\S+\s+yes\s+yes", line), line
        assert not re.search(r"Helvetica|Times|Courier", line), line


def test_images_embedded_and_broken_image_skipped(store, tmp_path):
    case_id = store.cases.insert(CASE)
    store.add_image(case_id, "服务现场.png", png_bytes(), "image/png")
    store.add_image(case_id, "损坏的照片.jpg", b"\xff\xd8\xff not really a jpeg", "image/jpeg")
    path = tmp_path / "images.pdf"
    assert export_cases_pdf(store, path) == 1
    listing = run("pdfimages", "-list", path).splitlines()[2:]
    assert len(listing) >= 1
    assert "600 400" in " ".join(listing[0].split())
    text = body_text(path)
    assert "五、图片资料" in text
    assert "图1服务现场.png" in text
    assert "图片“损坏的照片.jpg”无法读取，已略过。" in text


def test_photo_turned_upright_by_exif(store, tmp_path):
    """A phone photo stored sideways with an EXIF Orientation tag prints upright."""
    image = Image.new("RGB", (300, 200), "#c33")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    case_id = store.cases.insert(CASE)
    store.add_image(case_id, "手机照片.jpg", buf.getvalue(), "image/jpeg")
    path = tmp_path / "photo.pdf"
    export_cases_pdf(store, path)
    row = run("pdfimages", "-list", path).splitlines()[2].split()
    assert (row[3], row[4]) == ("200", "300")  # width, height after turning


def test_several_cases_each_start_a_new_page(store, tmp_path):
    names = ["甲案例：专利导航", "乙案例：质押融资", "丙案例：地理标志"]
    ids = [store.cases.insert({**CASE, "name": n, "background": "短。", "practice": "", "results": "",
                               "lessons": ""}) for n in names]
    path = tmp_path / "three.pdf"
    assert export_cases_pdf(store, path, ids=[ids[2], ids[0], ids[1]]) == 3
    pages = page_count(path)
    starts = []
    for page in range(1, pages + 1):
        text = squeeze(run("pdftotext", "-layout", "-f", str(page), "-l", str(page), path, "-"))
        if "附件2" in text:
            starts.append(next(n for n in names if n in text))
            assert text.index("附件2") < text.index("案例名称")
    assert starts == [names[2], names[0], names[1]]
    assert "（未填写）" in body_text(path)  # empty sections say so rather than vanish


def test_cancel_leaves_no_file(store, tmp_path):
    for n in range(3):
        store.cases.insert({**CASE, "name": f"案例{n}"})

    class CancelSecond(NullProgress):
        def update(self, done, total, text=""):
            super().update(done, total, text)
            self.cancelled = len(self.reports) >= 2

    final = tmp_path / "cases.pdf"
    with pytest.raises(Cancelled):
        export_cases_pdf(store, final, progress=CancelSecond())
    assert list(tmp_path.iterdir()) == []


def test_no_cases(store, tmp_path):
    path = tmp_path / "none.pdf"
    assert export_cases_pdf(store, path) == 0
    assert "没有案例记录" in squeeze(run("pdftotext", "-layout", path, "-"))
