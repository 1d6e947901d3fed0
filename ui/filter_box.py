"""A filter drop-down whose current choice is always readable whole."""

from __future__ import annotations

from ui.qt import QComboBox, QSize, QStyle, QStyleOptionComboBox, QWidget


class FilterBox(QComboBox):
    """A QComboBox a layout may narrow to the width its current text needs, never below it
    (QComboBox's own minimum is a few characters, or its longest choice: "需求类别：全…" at 1280 px,
    or a row too wide for the screen). Its list opens as wide as its longest choice."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.currentIndexChanged.connect(self.updateGeometry)
        model = self.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.modelReset):
            signal.connect(self._choices_changed)

    def current_text_size(self) -> QSize:
        """The size that shows the current text whole: how QComboBox sizes its longest choice."""
        metrics = self.fontMetrics()
        text = QSize(metrics.horizontalAdvance(self.currentText()), max(metrics.height(), 14) + 2)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, self)

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(self.current_text_size())

    def sizeHint(self) -> QSize:
        return super().sizeHint().expandedTo(self.current_text_size())

    def _choices_changed(self, *_args: object) -> None:
        view = self.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width() + 8)
        self.updateGeometry()
