"""The progress/cancel object that long-running work receives.

Worker functions (export, import, consolidation) take one of these and never
touch widgets; the window passes an object that forwards to a Qt signal.
"""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """Raised inside a worker when the user pressed 取消."""


class Progress(Protocol):
    def update(self, done: int, total: int, text: str = "") -> None: ...

    @property
    def cancelled(self) -> bool: ...


class NullProgress:
    """For the command line and tests: records the last report, never cancels."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, int, str]] = []
        self.cancelled = False

    def update(self, done: int, total: int, text: str = "") -> None:
        self.reports.append((done, total, text))


def check(progress: Progress | None) -> None:
    if progress is not None and progress.cancelled:
        raise Cancelled()
