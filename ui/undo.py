"""The window's one edit history (needs and cases): 撤销 / 重做 (Ctrl+Z / Ctrl+Y).

Pages never write records themselves: they call :meth:`EditHistory.run` with an
operation from ``storage/ops.py``. The operation writes; this class keeps its undo
entry on the ``QUndoStack`` and broadcasts the :class:`~storage.ops.OpChanges` on
:attr:`EditHistory.changed`, which every page listens to.

An edit that failed (the database stayed locked past the timeout, the disk is full,
the file is read-only) keeps no undo entry and is reported on :attr:`failed` as a
Chinese sentence saying it was not saved. An undo or redo that could not be written
for the same reasons stays in place, to be tried again. An undo that would overwrite
a newer version from another window or an import is refused, and that step leaves
the history.

Deletes are soft (``deleted_at``), so undoing one restores the very record, and the
recycle bin can restore it after a restart too. The recycle bin and undoing a whole
import are separate mechanisms; using either clears this history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from storage import Store
from storage.ops import EditRefused, OpChanges, Operations, OpResult, UndoEntry
from storage.transaction import WriteFailed
from ui import strings
from ui.qt import QUndoCommand, QUndoStack, Signal

log = logging.getLogger(__name__)

_MERGE_ID = 1


class EditHistory(QUndoStack):
    changed = Signal(object)  # OpChanges, after every write through the history (and undo/redo)
    failed = Signal(str)  # a Chinese sentence: what was NOT saved and what to do

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.ops = Operations(store)
        self._write_failed = False  # set by _replay: the last undo/redo could not write

    def undo(self) -> None:
        """撤销. If the database could not be written (locked, full), the step stays where it was."""
        index = self.index()
        self._write_failed = False
        super().undo()
        if self._write_failed:
            self._write_failed = False
            self._put_back(self.index(), index)

    def redo(self) -> None:
        index = self.index()
        self._write_failed = False
        super().redo()
        if self._write_failed:
            self._write_failed = False
            self._put_back(index, index)

    def _put_back(self, at: int, index: int) -> None:
        # QUndoStack has already moved its index; move it back without running the command again,
        # so the officer can try the same 撤销/重做 once the database is writable.
        command = self.command(at)
        if isinstance(command, OpCommand):
            command.skip_once = True
            self.setIndex(index)

    def run(self, op: Callable[[Operations], OpResult]) -> OpResult | None:
        """Apply ``op`` now and keep its undo entry. Returns None when it failed: nothing was
        written, no undo entry is kept, and :attr:`failed` has told the officer."""
        try:
            result = op(self.ops)
        except (WriteFailed, EditRefused) as exc:
            log.warning("edit not saved: %s", exc, exc_info=exc.__cause__ or exc)
            self.failed.emit(str(exc))
            return None
        except Exception:  # a bug: still never claim the edit was saved (it was rolled back)
            log.exception("edit failed unexpectedly")
            self.failed.emit(strings.EDIT_NOT_SAVED)
            return None
        if result.undo is not None:
            self.push(OpCommand(self, result.undo))
        if result.changes != OpChanges():
            self.changed.emit(result.changes)
        return result

    def notify(self, changes: OpChanges, forget: bool = False) -> None:
        """A change made outside this history (an import, the recycle bin, the profile).

        ``forget`` clears the history: its entries were recorded against a state
        that no longer exists.
        """
        if forget:
            self.clear()
        self.changed.emit(changes)

    def _replay(self, command: OpCommand, backwards: bool) -> None:
        action = strings.UNDO if backwards else strings.REDO
        try:
            changes = (self.ops.undo if backwards else self.ops.redo)(command.entry)
        except WriteFailed as exc:
            # Nothing was written and the step is kept (see undo/redo): it can be tried again.
            log.warning("undo/redo not written: %s", exc, exc_info=exc.__cause__ or exc)
            self._write_failed = True
            self.failed.emit(strings.UNDO_NOT_DONE.format(action=action, text=command.entry.text, reason=exc))
            return
        except Exception as exc:
            if isinstance(exc, EditRefused):
                log.warning("undo/redo refused: %s", exc)
                text = str(exc)
            else:
                log.exception("undo/redo failed unexpectedly")
                text = strings.EDIT_NOT_SAVED
            # A refused step can never succeed: QUndoStack drops an obsolete command.
            command.setObsolete(True)
            self.failed.emit(text)
            return
        self.changed.emit(changes)


class OpCommand(QUndoCommand):
    """An operation that was already applied when pushed; redo after an undo re-applies it."""

    def __init__(self, history: EditHistory, entry: UndoEntry) -> None:
        super().__init__(entry.text)
        self.history, self.entry, self._applied = history, entry, True
        self.skip_once = False  # EditHistory moves the index back after a failed write

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _MERGE_ID if self.entry.merge_key() is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, OpCommand) or other.entry.merge_key() != self.entry.merge_key():
            return False
        self.entry.absorb(other.entry)
        return True

    def redo(self) -> None:
        if self._applied or self.skip_once:  # the first redo is the push: the operation has already run
            self._applied = self.skip_once = False
            return
        self.history._replay(self, backwards=False)

    def undo(self) -> None:
        if self.skip_once:
            self.skip_once = False
            return
        self.history._replay(self, backwards=True)
