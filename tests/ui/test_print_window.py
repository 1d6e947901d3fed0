"""文件 → 打印…: a preview of the same pages as the exported PDF, after the same pre-flight check."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from exports.pdf_cases import export_cases_pdf
from exports.pdf_needs import export_needs_pdf
from storage.sample import fill
from tests.ui.test_preflight_window import answer_preflight
from ui.qt import QPageLayout, QPrinter


def page_sizes(path) -> list[tuple[int, int]]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [tuple(round(v) for v in doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()


def blocks(path, index: int, dpi: int = 72, k: int = 6) -> list[float]:
    """Page ``index`` in grey, averaged over k×k pixel blocks: the picture, without anti-aliasing detail."""
    doc = pdfium.PdfDocument(str(path))
    try:
        bitmap = doc[index].render(scale=dpi / 72, grayscale=True)
        width, height, stride, buf = bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)
    finally:
        doc.close()
    rows = [buf[y * stride:y * stride + width] for y in range(height)]
    return [sum(sum(rows[by * k + y][bx * k:bx * k + k]) for y in range(k)) / (k * k)
            for by in range(height // k) for bx in range(width // k)]


def distance(a: list[float], b: list[float]) -> float:
    assert len(a) == len(b)
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def open_preview(qtbot, window):
    shown: list = []
    window.print_current(show=lambda dialog: (shown.append(dialog), dialog.show()))
    qtbot.waitUntil(lambda: bool(shown), timeout=60000)
    dialog = shown[0]
    qtbot.addWidget(dialog)
    return dialog


@pytest.mark.parametrize("tab, form_id", [(0, "needs"), (1, "cases")])
def test_print_preview_shows_the_pdf_pages_and_prints_them(qtbot, app_window, tmp_path, tab, form_id):
    window = app_window()
    fill(window.store, needs=45, cases=2, seed=7)
    window.reload_all()
    window.tabs.setCurrentIndex(tab)
    exported = tmp_path / "exported.pdf"
    (export_needs_pdf if form_id == "needs" else export_cases_pdf)(window.store, exported)
    sizes = page_sizes(exported)
    assert len(sizes) >= 2

    dialog = open_preview(qtbot, window)
    preview = dialog.preview_widget()
    qtbot.waitUntil(lambda: preview.pageCount() == len(sizes), timeout=30000)
    landscape = sizes[0][0] > sizes[0][1]
    assert landscape is (form_id == "needs")
    assert (dialog.printer.pageLayout().orientation() == QPageLayout.Orientation.Landscape) is landscape

    # 打印 to a PDF printer: the same number of pages, the same paper, the same picture.
    printed = tmp_path / "printed.pdf"
    dialog.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(printed))
    from ui.print_preview import paint_pages

    assert paint_pages(dialog.pages, dialog.printer) == len(sizes)
    assert [(round(w), round(h)) for w, h in page_sizes(printed)] == [
        (pytest.approx(w, abs=2), pytest.approx(h, abs=2)) for w, h in sizes]
    for index in (0, len(sizes) - 1):
        original, copy = blocks(exported, index), blocks(printed, index)
        blank = distance(original, [255.0] * len(original))
        assert blank > 5  # a page with a table on it, not a blank sheet
        assert distance(original, copy) < min(6.0, 0.4 * blank), index
    dialog.close()


def test_print_goes_through_the_preflight_check(qtbot, app_window):
    from tests.exports.test_preflight import DRAFT, GOOD

    window = app_window()
    window.store.needs.insert_many([GOOD, DRAFT])
    window.reload_all()
    seen: dict = {}
    answer_preflight("去修改", seen)
    shown: list = []
    window.print_current(show=shown.append)
    assert "1 条需求是草稿（共 2 条）" in seen["text"]
    assert seen["buttons"] == ["仍然打印", "去修改"]
    assert shown == []
    assert window.needs_page.drafts_only.currentText() == "只看未完成"

    answer_preflight("仍然导出", seen)
    dialog = open_preview(qtbot, window)
    qtbot.waitUntil(lambda: dialog.preview_widget().pageCount() == 1, timeout=30000)
    dialog.close()


def test_print_menu_item_has_ctrl_p(app_window):
    window = app_window()
    actions = {a.text(): a for a in window.menuBar().actions()[0].menu().actions()}
    assert actions["打印…"].shortcut().toString() == "Ctrl+P"


def test_a_long_list_previews_at_a_lower_resolution(tmp_path):
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from ui.print_preview import PREVIEW_BUDGET_BYTES, PREVIEW_DPI, PdfPages, preview_dpi

    def pdf(pages: int):
        path = tmp_path / f"{pages}.pdf"
        canvas = Canvas(str(path), pagesize=landscape(A4))
        for _ in range(pages):
            canvas.drawString(72, 72, "x")
            canvas.showPage()
        canvas.save()
        return PdfPages(path)

    assert preview_dpi(pdf(10)) == PREVIEW_DPI
    many = pdf(400)
    dpi = preview_dpi(many)
    assert 50 < dpi < PREVIEW_DPI
    # 400 A4 pages at that resolution, 3 bytes a pixel, fit the budget.
    assert 400 * (11.69 * dpi) * (8.27 * dpi) * 3 <= PREVIEW_BUDGET_BYTES * 1.01


def test_nothing_to_print_says_so(qtbot, app_window, monkeypatch):
    from ui import print_preview
    from ui.qt import QMessageBox

    window = app_window()
    window.tabs.setCurrentIndex(1)  # 附件2: no case yet
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: said.append(text))
    monkeypatch.setattr(print_preview, "PrintPreview", lambda *a: (_ for _ in ()).throw(AssertionError("opened")))
    window.print_current(show=lambda dialog: None)
    qtbot.waitUntil(lambda: bool(said), timeout=30000)
    assert said == ["还没有可打印的案例。请先填写或导入后再打印。"]
