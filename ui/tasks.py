"""Long work (export, import, consolidation) off the UI thread, through one helper.

A worker function takes plain arguments plus a progress object, opens its own
database connection if it needs one (connections do not cross threads), never
touches widgets, and reports back through signals. The window shows a progress
dialog with 取消 and stays responsive.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from storage.progress import Cancelled
from ui.qt import QObject, QProgressDialog, QRunnable, Qt, QThreadPool, QWidget, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class TaskProgress:
    """Handed to the worker: thread-safe reporting and cancellation."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def update(self, done: int, total: int, text: str = "") -> None:
        self._signals.progress.emit(done, total, text)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, signals: _Signals, progress: TaskProgress) -> None:
        super().__init__()
        self.fn, self.args, self.signals, self.progress = fn, args, signals, progress

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(*self.args, progress=self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # reported to the window as a sentence
            log.error("background task failed:\n%s", traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


_running: set[_Signals] = set()  # keep signal objects alive until the task ends


def run_task(parent: QWidget | None, label: str, fn: Callable[..., Any], *args: Any,
             on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[Exception], None] | None = None) -> TaskProgress:
    """Run ``fn(*args, progress=...)`` on the thread pool with a progress dialog."""
    signals = _Signals()
    progress = TaskProgress(signals)
    dialog = QProgressDialog(label, "取消", 0, 0, parent)
    dialog.setWindowTitle("请稍候")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.canceled.connect(progress.cancel)

    def on_progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)

    def finish() -> None:
        dialog.reset()
        dialog.deleteLater()
        _running.discard(signals)

    def done(result: Any) -> None:
        finish()
        if on_done:
            on_done(result)

    def failed(exc: Exception) -> None:
        finish()
        if on_error:
            on_error(exc)

    signals.progress.connect(on_progress)
    signals.finished.connect(done)
    signals.failed.connect(failed)
    signals.cancelled.connect(finish)
    _running.add(signals)
    QThreadPool.globalInstance().start(_Runnable(fn, args, signals, progress))
    return progress
