"""Whether a list view has painted the rows of the latest query (bench/search_probe.py, ui_block_probe.py).

``watch = PaintWatch(model, view)``; ``watch.reset()`` before a query; ``watch.painted`` turns true once
the model has shown new rows (reset or rows appended) and the viewport has painted after that.
"""

from __future__ import annotations


class PaintWatch:
    def __init__(self, model, view) -> None:
        from ui.qt import QEvent, QObject

        self.changed = False  # the model shows rows of the new query
        self.painted = False  # ...and the viewport has painted since
        for signal in (model.modelReset, model.rowsInserted):
            signal.connect(self._rows_changed)
        watch = self

        class PaintSpy(QObject):
            def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
                if event.type() == QEvent.Type.Paint and watch.changed:
                    watch.painted = True
                return False

        self._spy = PaintSpy()  # kept: Qt does not own an event filter
        view.viewport().installEventFilter(self._spy)

    def _rows_changed(self, *_args) -> None:
        self.changed, self.painted = True, False

    def reset(self) -> None:
        self.changed = self.painted = False
