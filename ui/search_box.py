"""The search box of a list: 附件1 需求清单, 汇总清单 and 附件2's case list.

The first change after a pause searches at once (a Chinese word arrives whole from the input
method; a large list shows its first rows about 30 ms later); changes that follow within
``PAUSE_MS`` are searched once, together, when the typing pauses. The page connects
``search_requested`` to whatever runs its query and reads ``text()`` there.
"""

from __future__ import annotations

from ui import strings
from ui.qt import QKeySequence, QLineEdit, QShortcut, Qt, QTimer, QWidget, Signal

PAUSE_MS = 250


class SearchBox(QLineEdit):
    search_requested = Signal()

    def __init__(self, placeholder: str = strings.SEARCH_PLACEHOLDER, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.pause = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self.pause.timeout.connect(self._typing_paused)
        self._typed_while_waiting = False
        self.textChanged.connect(self._typed)

    def _typed(self) -> None:
        if self.pause.isActive():
            self._typed_while_waiting = True
        else:
            self.search_requested.emit()
        self.pause.start()

    def _typing_paused(self) -> None:
        if self._typed_while_waiting:
            self._typed_while_waiting = False
            self.search_requested.emit()

    def focus_from(self, page: QWidget) -> None:
        """Ctrl+F anywhere on ``page`` (a hidden tab's shortcut does not fire) selects the search."""
        QShortcut(QKeySequence.StandardKey.Find, page, activated=self.take_focus)

    def take_focus(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def cancel_pending(self) -> None:
        """Nothing typed so far is searched later (the page is closing, or searches now itself)."""
        self.pause.stop()
        self._typed_while_waiting = False

    def clear_quietly(self) -> None:
        """Empty the box without a search (the page runs its own query next)."""
        self.cancel_pending()
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
