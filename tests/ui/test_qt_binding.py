"""The Qt binding itself, where a release broke what the app relies on.

PySide6-Essentials 6.12.0: every ``Signal.emit()`` called from Python dropped one reference to
``True`` (its return value). On Python 3.11, where ``True`` is an ordinary object, a few hundred
emits — the progress of one national import — brought its count to zero and the process aborted
("Fatal Python error: bool_dealloc"). pyproject.toml excludes that release; this test fails on any
release that does the same.
"""

from __future__ import annotations

import sys

from ui.qt import QObject, Signal


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
