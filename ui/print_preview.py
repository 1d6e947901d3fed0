"""文件 → 打印…: a print preview of the very PDF that 导出 writes.

The printout must look like the exported PDF (the same fonts, line breaks, page breaks and
"第 X 页 共 Y 页"), so the list is written to a temporary PDF by ``exports/pdf_*.py`` on a worker
thread and each of its pages is rendered to an image (pypdfium2: PySide6-Essentials has no
QtPdf, and no external program may run on the officer's computer) and painted onto the
printer's page. Everything here except the worker function runs on the UI thread; pdfium is
not thread-safe and is only used there.
"""

from __future__ import annotations

import atexit
import math
import shutil
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from forms import FORMS
from storage import DatabaseError, Store
from storage.errors import explain
from ui import strings
from ui.qt import (
    QImage,
    QMessageBox,
    QPageLayout,
    QPageSize,
    QPaintEngine,
    QPainter,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
    QRectF,
    Qt,
    QWidget,
)
from ui.tasks import run_task

# Images drawn into the preview are kept for every page, so the preview renders at about
# screen resolution, lower for a long list (all pages together stay within the budget); a real
# printer gets enough dots for sharp 8 pt text, one page at a time.
PREVIEW_DPI = 110
PREVIEW_BUDGET_BYTES = 300 * 1024 * 1024
PRINT_DPI = 300


class PdfPages:
    """The pages of one PDF file, rendered on demand. UI thread."""

    def __init__(self, path: str | Path) -> None:
        self._doc = pdfium.PdfDocument(str(path))

    def __len__(self) -> int:
        return len(self._doc)

    def size_pt(self, index: int) -> tuple[float, float]:
        page = self._doc[index]
        try:
            return page.get_size()
        finally:
            page.close()

    def image(self, index: int, dpi: float) -> QImage:
        page = self._doc[index]
        try:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB, white background
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
            return image.copy()  # own the pixels: the bitmap's buffer is freed with it
        finally:
            page.close()

    def close(self) -> None:
        self._doc.close()


def is_landscape(pages: PdfPages) -> bool:
    width, height = pages.size_pt(0) if len(pages) else (0.0, 1.0)
    return width > height


def preview_dpi(pages: PdfPages) -> float:
    """``PREVIEW_DPI``, or less when all pages' RGB images at that resolution exceed the budget."""
    square_inches = sum(w * h for w, h in (pages.size_pt(i) for i in range(len(pages)))) / 72 / 72
    return max(36.0, min(float(PREVIEW_DPI), math.sqrt(PREVIEW_BUDGET_BYTES / 3 / max(square_inches, 1.0))))


def paint_pages(pages: PdfPages, printer: QPrinter) -> int:
    """Paint every page onto ``printer``, each scaled to fit its paper; returns the page count.

    The PDF carries its own margins, so the printer prints on the whole sheet (full page).
    """
    preview = printer.paintEngine() is not None and printer.paintEngine().type() == QPaintEngine.Type.Picture
    dpi = min(preview_dpi(pages) if preview else PRINT_DPI, max(printer.resolution(), 72))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer did not start")
    try:
        for index in range(len(pages)):
            if index:
                printer.newPage()
            image = pages.image(index, dpi)
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            paper.moveTo(0, 0)
            scale = min(paper.width() / image.width(), paper.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            target = QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(pages)


def make_printer(pages: PdfPages) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if is_landscape(pages)
                               else QPageLayout.Orientation.Portrait)
    printer.setDocName(strings.PRINT_TITLE)
    return printer


class PrintPreview(QPrintPreviewDialog):
    """The preview of a written PDF; 打印 sends the same pages to the chosen printer."""

    def __init__(self, pdf: str | Path, parent: QWidget | None = None) -> None:
        self.pages = PdfPages(pdf)
        self.printer = make_printer(self.pages)
        super().__init__(self.printer, parent)
        self.setWindowTitle(strings.PRINT_TITLE)
        self.resize(1000, 760)
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self.paintRequested.connect(lambda printer: paint_pages(self.pages, printer))

    def preview_widget(self) -> QPrintPreviewWidget:
        return self.findChild(QPrintPreviewWidget)

    def done(self, result: int) -> None:
        super().done(result)
        self.pages.close()


def _write_pdf(db_path: str, form_id: str, out: str, ids, consolidated: bool, progress) -> int:
    """Worker thread: the same export as 导出 … PDF, into a temporary file."""
    from ui.export_actions import _export_job

    return _export_job(db_path, form_id, "pdf", out, ids, consolidated, None, progress)


def print_list(parent: QWidget, store: Store, form_id: str, ids=None, consolidated: bool = False,
               on_fix=None, show=None) -> None:
    """Check the list as 导出 does, write its PDF in the background, then open the preview.

    ``show`` opens the preview (tests pass a function that does not block); by default the
    dialog runs modally. ``on_fix`` is called when the officer answers the check with 去修改.
    """
    from exports.preflight import check
    from ui.preflight_dialog import confirm_export

    what = FORMS[form_id].noun
    if not confirm_export(parent, check(store, form_id, ids=ids, consolidated=consolidated),
                          strings.TO_PRINT.format(noun=what), strings.ACTION_PRINT):
        if on_fix:
            on_fix()
        return
    folder = Path(tempfile.mkdtemp(prefix="wanlixing-print-"))
    atexit.register(shutil.rmtree, folder, True)  # also when 取消 ends the task before it reports
    out = folder / f"{form_id}.pdf"

    def done(count: int) -> None:
        try:
            if not count:
                QMessageBox.information(parent, strings.PRINT_TITLE, strings.PRINT_NOTHING.format(what=what))
                return
            dialog = PrintPreview(out, parent)
            (show or (lambda d: d.exec()))(dialog)
        finally:
            if show is None:
                shutil.rmtree(folder, ignore_errors=True)

    def failed(exc: Exception) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        text = str(exc) if isinstance(exc, DatabaseError) else explain(exc) or strings.PRINT_FAILED
        QMessageBox.warning(parent, strings.PRINT_TITLE, text)

    run_task(parent, strings.PRINT_PREPARING.format(what=what), _write_pdf, store.path, form_id, str(out), ids,
             consolidated, on_done=done, on_error=failed)
