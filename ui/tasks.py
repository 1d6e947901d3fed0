"""Long work (export, import, consolidation) off the UI thread, through one helper.

A worker function takes plain arguments plus a progress object, opens its own
database connection if it needs one (connections do not cross threads), never
touches widgets, and reports back through signals. The window shows a progress
dialog with 取消 and stays responsive.

Lifetime rule: every Qt object of a task (its signal carrier) is created, kept
and destroyed on the UI thread. The worker is a plain ``threading.Thread`` that
only calls ``emit``; the UI thread joins it before dropping its last reference.
A QRunnable subclass broke this rule: the pool deleted the runnable on the
worker thread, and with it, sometimes, the last reference to the signal
carrier, so a QObject was destroyed off the UI thread while the UI thread held
the GIL and a Qt connection lock (a deadlock, or a SIGSEGV, about one run in ten).

Python's cyclic garbage collector runs on whichever thread happens to allocate,
so a worker could also collect Qt wrappers left in reference cycles by closed
windows, and destroy them off the UI thread (a SIGSEGV "Garbage-collecting" in
a worker, seen once in 30 runs of tests/ui). So while any task runs, automatic
collection is off; when the last task ends, the UI thread collects and turns it
back on (Anki does the same with a timer on the main thread).
"""

from __future__ import annotations

import functools
import gc
import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from forms.progress import Cancelled
from ui import strings
from ui.qt import QObject, QProgressDialog, Qt, QTimer, QWidget, Signal

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


def _work(fn: Callable[..., Any], args: tuple, signals: _Signals, progress: TaskProgress) -> None:
    """Worker thread: run ``fn`` and report how it ended. Touches no widget."""
    try:
        result = fn(*args, progress=progress)
    except Cancelled:
        signals.cancelled.emit()
    except Exception as exc:  # reported to the window as a sentence
        log.error("background task failed:\n%s", traceback.format_exc())
        signals.failed.emit(exc)
    else:
        signals.finished.emit(result)


# UI thread only: each running task's signal carrier and thread, by task number. The
# slots below refer to a task by number, not to its carrier, so that no reference
# cycle runs through a Qt connection and the carrier is freed when its task ends.
_running: dict[int, tuple[_Signals, threading.Thread]] = {}
_numbers = itertools.count()
_gc_paused = False  # True while automatic collection is off because of our tasks


def _first_task_starting() -> None:
    """UI thread: no automatic garbage collection while a worker runs (see the module docstring)."""
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def _last_task_ended() -> None:
    """UI thread: collect here, on the thread that owns every Qt object, then resume."""
    global _gc_paused
    if not _running and _gc_paused:
        # The young generations only: everything allocated while collection was off is still in
        # the youngest one. A full collection walks every object of the window (10–40 ms at
        # 150,000 needs), after each search; older garbage waits for the usual schedule, here.
        gc.collect(1)
        gc.enable()
        _gc_paused = False


def resume_gc_after_start_up() -> None:
    """UI thread, once the window is shown: end the start-up's pause of automatic collection
    (main.main turns it off: start-up makes many objects and frees few, and the collector only
    walks them). If a task is already running, the last one to end resumes it, as above."""
    global _gc_paused
    if gc.isenabled():
        return
    if _running:
        _gc_paused = True
    else:
        gc.enable()


def _release(entry: tuple[_Signals, threading.Thread]) -> None:
    """Called by a zero timer after the task's last slot has returned: drops ``entry``."""


def run_task(parent: QWidget | None, label: str, fn: Callable[..., Any], *args: Any,
             on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[Exception], None] | None = None) -> TaskProgress:
    """Run ``fn(*args, progress=...)`` on a worker thread with a progress dialog. UI thread."""
    dialog = QProgressDialog(label, strings.CANCEL, 0, 0, parent)
    dialog.setWindowTitle(strings.PLEASE_WAIT)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)

    def on_progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)

    def closed() -> None:
        dialog.reset()
        dialog.deleteLater()

    progress = _start(label, fn, args, on_progress, closed, on_done, on_error, quiet=False)
    dialog.canceled.connect(progress.cancel)
    return progress


def run_quiet(label: str, fn: Callable[..., Any], *args: Any,
              on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[Exception], None] | None = None) -> TaskProgress:
    """Run ``fn(*args, progress=...)`` on a worker thread with no dialog: work the window
    waits for without the officer having to (a query behind a sort or a search). UI thread;
    ``progress.cancel()`` asks the worker to stop, and then neither callback runs."""
    return _start(label, fn, args, None, None, on_done, on_error, quiet=True)


def _start(label: str, fn: Callable[..., Any], args: tuple,
           on_progress: Callable[[int, int, str], None] | None, on_end: Callable[[], None] | None,
           on_done: Callable[[Any], None] | None, on_error: Callable[[Exception], None] | None,
           quiet: bool) -> TaskProgress:
    """The one way a worker starts. ``quiet``: a cancelled task's result is dropped (with a
    dialog, a task that finished as 取消 was pressed still reports, e.g. the file written)."""
    signals = _Signals()
    progress = TaskProgress(signals)
    number = next(_numbers)

    def finish() -> None:
        if on_end:
            on_end()
        entry = _running.pop(number, None)
        if entry is not None:
            # The worker has emitted its last signal and is returning: wait for it so that
            # its references are gone before ours. The carrier is dropped by a zero timer, on
            # this thread, after the slot that is running now (one of its own) has returned.
            entry[1].join()
            QTimer.singleShot(0, functools.partial(_release, entry))
            QTimer.singleShot(0, _last_task_ended)

    def done(result: Any) -> None:
        finish()
        if on_done and not (quiet and progress.cancelled):
            on_done(result)

    def failed(exc: Exception) -> None:
        finish()
        if on_error and not (quiet and progress.cancelled):
            on_error(exc)

    if on_progress:
        signals.progress.connect(on_progress)
    signals.finished.connect(done)
    signals.failed.connect(failed)
    signals.cancelled.connect(finish)
    thread = threading.Thread(target=_work, args=(fn, args, signals, progress), name=f"task:{label}", daemon=True)
    _first_task_starting()
    _running[number] = (signals, thread)
    del signals
    thread.start()
    return progress
