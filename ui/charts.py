"""Small bar charts drawn with QPainter (QtCharts is not part of PySide6-Essentials)."""

from __future__ import annotations

from collections.abc import Sequence

from ui import strings
from ui.qt import QColor, QPainter, QSize, QSplitter, Qt, QTableView, QTimer, QWidget

# National red and provincial amber first (the flag colours), then greys and blues: the
# statistics show every level in the store's list plus "其他/未填", so no two series may share one.
SERIES_COLOURS = ["#c0392b", "#e67e22", "#7f8c8d", "#95a5a6", "#5b7db1", "#c8cdd2", "#34495e", "#a3b8d9"]


def table_width(table: QTableView) -> int:
    """The width ``table`` needs to show all its columns (and its vertical scroll bar, if shown)."""
    width = table.horizontalHeader().length() + 2 * table.frameWidth()
    if table.verticalHeader().isVisible():
        width += table.verticalHeader().width()
    if table.verticalScrollBar().isVisible() or \
            table.verticalHeader().length() > table.viewport().height():
        width += table.verticalScrollBar().sizeHint().width()
    return width


class StackedBarChart(QWidget):
    """Vertical stacked bars: one bar per category, one segment per series."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.categories: list[str] = []
        self.series: list[tuple[str, list[int]]] = []
        self.setMinimumSize(QSize(420, 260))

    def set_data(self, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> None:
        self.categories = list(categories)
        self.series = [(name, list(values)) for name, values in series]
        self.update()
        if self.isVisible():
            QTimer.singleShot(0, self.leave_room_for_tables)  # after the table has sized its columns

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.leave_room_for_tables)

    def leave_room_for_tables(self) -> None:
        """Beside its figures' table in a splitter (汇总 → 统计图表), the chart gives up width until the
        table shows every column, 合计 last, without scrolling; the chart keeps its minimum width.
        A table the officer has dragged wider is left so."""
        splitter = self.parentWidget()
        if not isinstance(splitter, QSplitter) or splitter.orientation() != Qt.Orientation.Horizontal:
            return
        sizes = splitter.sizes()
        mine = splitter.indexOf(self)
        for index in range(splitter.count()):
            table = splitter.widget(index)
            if not isinstance(table, QTableView) or not sizes[mine]:
                continue
            short = table_width(table) - sizes[index]
            if short > 0:
                give = min(short, sizes[mine] - self.minimumWidth())
                if give > 0:
                    sizes[index] += give
                    sizes[mine] -= give
        if sizes != splitter.sizes():
            splitter.setSizes(sizes)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QColor("#222"))
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(0, 4, w, 24, Qt.AlignmentFlag.AlignHCenter, self.title)
        font.setBold(False)
        p.setFont(font)
        # Legend
        x = 12
        for i, (name, _values) in enumerate(self.series):
            p.fillRect(x, 32, 12, 12, QColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]))
            p.drawText(x + 16, 30, 200, 16, Qt.AlignmentFlag.AlignLeft, name)
            x += 16 + p.fontMetrics().horizontalAdvance(name) + 18
        if not self.categories:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, strings.NO_DATA)
            p.end()
            return
        totals = [sum(values[i] for _n, values in self.series) for i in range(len(self.categories))]
        top = max(totals) or 1
        left, right, chart_top, bottom = 44, 12, 74, h - 42
        chart_h = bottom - chart_top
        slot = (w - left - right) / len(self.categories)
        bar_w = max(6.0, slot * 0.6)
        p.setPen(QColor("#999"))
        p.drawLine(left, bottom, w - right, bottom)
        p.setPen(QColor("#555"))
        p.drawText(0, chart_top - 8, left - 6, 16, Qt.AlignmentFlag.AlignRight, str(top))
        p.drawText(0, bottom - 8, left - 6, 16, Qt.AlignmentFlag.AlignRight, "0")
        for i, category in enumerate(self.categories):
            bx = left + i * slot + (slot - bar_w) / 2
            y = float(bottom)
            for s, (_name, values) in enumerate(self.series):
                seg = chart_h * values[i] / top
                if seg > 0:
                    p.fillRect(int(bx), int(y - seg), int(bar_w), max(1, int(seg)),
                               QColor(SERIES_COLOURS[s % len(SERIES_COLOURS)]))
                y -= seg
            p.setPen(QColor("#222"))
            p.drawText(int(left + i * slot), int(y) - 16, int(slot), 14, Qt.AlignmentFlag.AlignHCenter, str(totals[i]))
            label = category if len(category) <= 5 else category[:5] + "…"
            p.drawText(int(left + i * slot), bottom + 4, int(slot), 32,
                       Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, label)
        p.end()
