"""Undoable edits: every change through the tables can be taken back with 撤销 (Ctrl+Z).

Deletes are soft (``deleted_at``), so undoing one restores the very record, and the
recycle bin can restore it after a restart too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ui.qt import QUndoCommand


class SetValuesCommand(QUndoCommand):
    def __init__(self, model, before: Mapping[str, dict], after: Mapping[str, dict], text: str) -> None:
        super().__init__(text)
        self.model, self.before, self.after = model, dict(before), dict(after)

    def redo(self) -> None:
        self.model.write(self.after)

    def undo(self) -> None:
        self.model.write(self.before)


class AddRecordsCommand(QUndoCommand):
    """The records are inserted before the command is pushed; redo after an undo restores them."""

    def __init__(self, model, ids: Sequence[str], text: str) -> None:
        super().__init__(text)
        self.model, self.ids, self._first = model, list(ids), True

    def redo(self) -> None:
        if self._first:
            self._first = False
            self.model.append_ids(self.ids)
        else:
            self.model.table.set_deleted(self.ids, False)
            self.model.reload()
        self.model.edited.emit()

    def undo(self) -> None:
        self.model.table.set_deleted(self.ids, True)
        self.model.reload()
        self.model.edited.emit()


class DeleteRecordsCommand(QUndoCommand):
    def __init__(self, model, ids: Sequence[str], text: str) -> None:
        super().__init__(text)
        self.model, self.ids = model, list(ids)

    def redo(self) -> None:
        self.model.table.set_deleted(self.ids, True)
        self.model.reload()
        self.model.edited.emit()

    def undo(self) -> None:
        self.model.table.set_deleted(self.ids, False)
        self.model.reload()
        self.model.edited.emit()
