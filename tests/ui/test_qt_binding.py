"""The Qt binding itself, where a release broke what the app relies on.

PySide6-Essentials 6.12.0: every ``Signal.emit()`` called from Python dropped one reference to
``True`` (its return value), and a queued call of a Python slot one reference to ``None``. On
Python 3.11, where both are ordinary objects, a few hundred emits — the progress of one national
import — brought a count to zero and the process aborted ("Fatal Python error: bool_dealloc").
pyproject.toml excludes that release; these tests fail on any release that does the same.
"""

from __future__ import annotations

import sys
import threading

from ui.qt import QObject, Qt, Signal

# References handed back when a binding loses them, so that a failure here fails this test instead of
# aborting the whole test run when True is freed.
_GIVEN_BACK: list[bool] = []


class _Emitter(QObject):
    plain = Signal()
    progress = Signal(int, int)


def test_emitting_keeps_the_references_to_true(qapp):
    emitter = _Emitter()
    seen: list[int] = []
    emitter.progress.connect(lambda done, _total: seen.append(done))
    emitter.plain.connect(lambda: None)
    before = sys.getrefcount(True)
    for i in range(200):
        assert emitter.progress.emit(i, 200) is True
        emitter.plain.emit()
    after = sys.getrefcount(True)
    _GIVEN_BACK.extend([True] * max(0, before - after))
    assert len(seen) == 200
    # A few references may come and go with the interpreter's own work; 400 emits must not take 400.
    assert after >= before - 20, f"{before - after} references to True lost in 400 emits"


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def progressed(self, _done: int, _total: int) -> None:
        self.calls += 1


def test_queued_calls_from_a_worker_keep_the_references_to_none_and_true(qapp, qtbot):
    """How ui/tasks.py reports progress: a plain thread emits, the UI thread's slot runs queued."""
    emitter, receiver = _Emitter(), _Receiver()
    emitter.progress.connect(receiver.progressed, Qt.ConnectionType.QueuedConnection)
    before = sys.getrefcount(None), sys.getrefcount(True)
    worker = threading.Thread(target=lambda: [emitter.progress.emit(i, 300) for i in range(300)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: receiver.calls == 300, timeout=10_000)
    after = sys.getrefcount(None), sys.getrefcount(True)
    _GIVEN_BACK.extend([True] * max(0, before[1] - after[1]))
    assert after[0] >= before[0] - 20, f"{before[0] - after[0]} references to None lost in 300 queued calls"
    assert after[1] >= before[1] - 20, f"{before[1] - after[1]} references to True lost in 300 emits"
