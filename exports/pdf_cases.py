"""附件2 优秀案例推荐表 as PDF: A4 portrait, one form per case, each case from a new page.

The form block (label / value cells) comes from ``forms.CASES``; the four content
sections flow over as many pages as they need, images follow, and the form ends
with 推荐单位意见 and room for the unit's stamp and the date.

Runs on a worker thread (or the command line): plain arguments, a Progress object,
no Qt.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from exports.fonts import FontSet, register_fonts
from exports.pdf_common import (
    Margins,
    ParagraphStyles,
    build_pdf,
    esc,
    frame_size,
    print_text,
    scale_to_fit,
    styles,
)
from forms import CASES
from forms.cases import CONTENT_GROUP
from forms.progress import Progress, check
from forms.reference import region_label

log = logging.getLogger(__name__)

PAGE = A4
# GB/T 9704: top 37 mm, bottom 35 mm, left (binding side) 28 mm, right 26 mm.
MARGINS = Margins(top=37 * mm, bottom=35 * mm, left=28 * mm, right=26 * mm)

LABEL_BACKGROUND = colors.HexColor("#F0F0F0")
GRID = colors.HexColor("#222222")
LABEL_WIDTH = 36 * mm  # "服务企业数（家）" on one line
IMAGE_MAX_HEIGHT = 105 * mm
HEADING_ROOM = 38 * mm  # a heading starts a new page unless three lines of text fit below it
IMAGE_MAX_PIXELS = 2400  # longest side kept; more only makes the file heavy (>300 dpi at this size)
SECTION_NUMBERS = "一二三四五六七八九十"
EMPTY = "（未填写）"
IMAGES_HEADING = "图片资料"
IMAGE_SKIPPED = "图片“{name}”无法读取，已略过。"
OPINION_LABEL = "推荐单位意见"
STAMP_TEXT = "推荐单位（盖章）"
DATE_BLANK = "年" + "&nbsp;" * 5 + "月" + "&nbsp;" * 5 + "日"  # Paragraph collapses plain spaces
PROGRESS_TEXT = "正在生成 PDF：第 {n} 个案例，共 {total} 个……"


def _number(value: object) -> str:
    return "" if value is None or value == "" else str(value)


def _form_table(case: dict, fonts: FontSet, width: float) -> Table:
    """The bordered block of label / value cells at the top of the form."""
    st = styles(fonts)
    label_w = LABEL_WIDTH
    value_w = (width - 2 * label_w) / 2

    def label(key_or_text: str) -> Paragraph:
        text = CASES.field(key_or_text).label if key_or_text in CASES.keys else key_or_text
        return Paragraph(esc(text), st.label)

    def value(text: object) -> Paragraph:
        return Paragraph(esc(text), st.value)

    def field(key: str) -> Paragraph:
        f = CASES.field(key)
        return value(_number(case.get(key)) if f.is_number else case.get(key))

    region = region_label(case.get("city"), case.get("district"))
    data = [
        [label("name"), field("name"), "", ""],
        [label("recommender"), field("recommender"), "", ""],
        [label("所属地区"), value(region), label("category"), field("category")],
        [label("implementer"), field("implementer"), "", ""],
        [label("contact"), field("contact"), label("position"), field("position")],
        [label("phone"), field("phone"), label("email"), field("email")],
        [label("enterprises"), field("enterprises"), label("activities"), field("activities")],
        [label("participants"), field("participants"), "", ""],
    ]
    spans = [("SPAN", (1, r), (3, r)) for r, row in enumerate(data) if row[2] == ""]
    table = Table(data, colWidths=[label_w, value_w, label_w, value_w])
    table.setStyle([
        ("FONT", (0, 0), (-1, -1), fonts.body, 11),
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("BOX", (0, 0), (-1, -1), 1.0, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BACKGROUND),
        *[("BACKGROUND", (2, r), (2, r), LABEL_BACKGROUND) for r, row in enumerate(data) if row[2] != ""],
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        *spans,
    ])
    return table


def _paragraphs(text: object, st: ParagraphStyles) -> list[Flowable]:
    """One Paragraph per line the officer typed; their own leading spaces give way to the indent."""
    parts = [p.strip(" \u3000") for p in print_text(text).split("\n")]
    parts = [p for p in parts if p]
    if not parts:
        return [Paragraph(EMPTY, st.note)]
    return [Paragraph(esc(p), st.body) for p in parts]


def _prepared_image(data: bytes) -> tuple[io.BytesIO, int, int]:
    """An image reportlab can embed, upright, not needlessly large; raises when unreadable.

    Photos from phones carry their rotation in EXIF; reportlab ignores it, so the
    pixels are turned here. An untouched JPEG is embedded as it is (no re-encoding).
    """
    with PILImage.open(io.BytesIO(data)) as original:
        original.load()
        fmt = original.format
        turned = original.getexif().get(0x0112, 1) not in (None, 1)  # EXIF Orientation
        image = ImageOps.exif_transpose(original) if turned else original
        too_big = max(image.size) > IMAGE_MAX_PIXELS
        if fmt == "JPEG" and not turned and not too_big and image.mode in ("RGB", "L", "CMYK"):
            return io.BytesIO(data), image.width, image.height
        if too_big:
            image.thumbnail((IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            flat = PILImage.new("RGB", rgba.size, "white")  # transparency prints as paper white
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        elif image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        if fmt == "JPEG":
            image.save(out, "JPEG", quality=88)
        else:
            image.save(out, "PNG", optimize=False)
        out.seek(0)
        return out, image.width, image.height


def _image_flowables(images: list[dict], width: float, st: ParagraphStyles) -> list[Flowable]:
    out: list[Flowable] = []
    number = 0
    for row in images:
        name = print_text(row.get("name")) or "未命名"
        try:
            source, px_w, px_h = _prepared_image(bytes(row.get("data") or b""))
        except Exception as exc:  # PIL raises many kinds for damaged or unknown data
            log.warning("case image %s skipped: %s", name, exc)
            out.append(Paragraph(esc(IMAGE_SKIPPED.format(name=name)), st.note))
            continue
        number += 1
        w, h = scale_to_fit(px_w, px_h, width, IMAGE_MAX_HEIGHT)
        picture = Image(source, width=w, height=h)
        caption = Paragraph(esc(f"图{number}　{name}"), st.caption)
        out.append(KeepTogether([Spacer(1, 3 * mm), picture, Spacer(1, 1.5 * mm), caption]))
    return out


def _opinion_box(case: dict, fonts: FontSet, width: float) -> Table:
    """推荐单位意见 with blank room for a physical stamp, then 推荐单位（盖章） and the date."""
    st = styles(fonts)
    opinion = print_text(case.get("opinion"))
    body: list[Flowable] = [Paragraph(esc(opinion), st.value)] if opinion else []
    body += [Spacer(1, 38 * mm), Paragraph(STAMP_TEXT, st.stamp), Spacer(1, 4 * mm),
             Paragraph(DATE_BLANK, st.stamp)]
    table = Table([[Paragraph(OPINION_LABEL, st.label), body]], colWidths=[LABEL_WIDTH, width - LABEL_WIDTH])
    table.setStyle([
        ("FONT", (0, 0), (-1, -1), fonts.body, 11),
        ("BOX", (0, 0), (-1, -1), 1.0, GRID),
        ("LINEAFTER", (0, 0), (0, 0), 0.6, GRID),
        ("BACKGROUND", (0, 0), (0, 0), LABEL_BACKGROUND),
        ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
        ("VALIGN", (1, 0), (1, 0), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
        ("LEFTPADDING", (1, 0), (1, 0), 8),
        ("RIGHTPADDING", (1, 0), (1, 0), 14 * mm),
    ])
    return table


def _case_story(case: dict, images: list[dict], fonts: FontSet, width: float) -> list[Flowable]:
    st = styles(fonts)
    story: list[Flowable] = [
        Paragraph("附件2", st.annex),
        Paragraph(esc(CASES.title), st.title),
        _form_table(case, fonts, width),
        Spacer(1, 4 * mm),
    ]
    sections = CASES.group_fields(CONTENT_GROUP)
    for number, f in zip(SECTION_NUMBERS, sections, strict=False):
        # CondPageBreak rather than keepWithNext: the latter moves the heading and
        # the whole (possibly long) first paragraph, leaving a half-empty page.
        story += [CondPageBreak(HEADING_ROOM), Paragraph(f"{number}、{esc(f.label)}", st.heading)]
        story += _paragraphs(case.get(f.key), st)
    if images:
        heading = Paragraph(f"{SECTION_NUMBERS[len(sections)]}、{IMAGES_HEADING}", st.heading)
        pictures = _image_flowables(images, width, st)
        story.append(KeepTogether([heading, pictures[0]]))  # never a heading alone at a page foot
        story += pictures[1:]
    story += [Spacer(1, 6 * mm), CondPageBreak(60 * mm), KeepTogether([_opinion_box(case, fonts, width)])]
    return story


def export_cases_pdf(store, path: str | Path, ids: Sequence[str] | None = None,
                     progress: Progress | None = None, today: dt.date | None = None) -> int:
    """Write 附件2 for the given cases (all live cases when ``ids`` is None); returns how many.

    Several cases go into one PDF, each starting on a new page. ``today`` is
    accepted for symmetry with the needs export: the form's date is left blank
    for the hand that signs it. Runs on a worker thread; ``Cancelled`` leaves no file.
    """
    check(progress)
    fonts = register_fonts()
    cases = store.cases.rows() if ids is None else store.cases.rows(ids)
    width, _height = frame_size(PAGE, MARGINS)
    story: list[Flowable] = []
    for n, case in enumerate(cases, start=1):
        check(progress)
        if progress is not None:
            progress.update(n - 1, len(cases), PROGRESS_TEXT.format(n=n, total=len(cases)))
        if story:
            story.append(PageBreak())
        story += _case_story(case, store.images(case["id"]), fonts, width)
    if not story:
        st = styles(fonts)
        story = [Paragraph("附件2", st.annex), Paragraph(esc(CASES.title), st.title),
                 Paragraph("（没有案例记录）", st.value)]
    title = print_text(cases[0].get("name")) if len(cases) == 1 else CASES.title
    unit = print_text(store.profile().get("unit"))
    build_pdf(path, story, PAGE, MARGINS, fonts, title=title or CASES.title, author=unit, subject=CASES.title)
    if progress is not None:
        progress.update(len(cases), len(cases), "完成")
    return len(cases)
