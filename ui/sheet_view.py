"""A table view that moves like Excel/WPS: Enter goes down, Tab goes right, F2 or typing edits.

Only keyboard movement and copying live here; what a key *changes* (clearing cells, deleting
rows, pasting) is the page's business, because it goes through the edit history.
"""

from __future__ import annotations

from ui.qt import QAbstractItemView, QModelIndex, QStyledItemDelegate, Qt, QTableView

EndEditHint = QStyledItemDelegate.EndEditHint


class SheetView(QTableView):
    """QTableView whose editor, once committed, leaves the cursor where a spreadsheet would.

    Qt's default is to stay on the cell after Enter (``SubmitModelCache``) and to open the
    next cell's editor after Tab (``EditNextItem``). Officers expect Enter to move down and
    Tab to move right, without an editor open, so typing the next value overwrites it.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setTabKeyNavigation(True)

    def closeEditor(self, editor, hint) -> None:
        moves = {EndEditHint.SubmitModelCache: (1, 0), EndEditHint.EditNextItem: (0, 1),
                 EndEditHint.EditPreviousItem: (0, -1)}
        step = moves.get(hint)
        # The row being edited may have moved (a re-query after the write): follow the cursor.
        current = self.currentIndex()
        super().closeEditor(editor, EndEditHint.NoHint if step else hint)
        if step is not None and current.isValid():
            self.move_by(*step, origin=current)

    def move_by(self, rows: int, columns: int, origin: QModelIndex | None = None) -> None:
        origin = origin if origin is not None else self.currentIndex()
        model = self.model()
        if origin is None or not origin.isValid() or model is None:
            return
        row = min(max(origin.row() + rows, 0), model.rowCount() - 1)
        column = min(max(origin.column() + columns, 0), model.columnCount() - 1)
        target = model.index(row, column)
        self.setCurrentIndex(target)
        self.scrollTo(target)

    def keyPressEvent(self, event) -> None:
        if self.state() != QAbstractItemView.State.EditingState and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier, Qt.KeyboardModifier.ShiftModifier):
            back = event.modifiers() == Qt.KeyboardModifier.ShiftModifier
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_by(-1 if back else 1, 0)
                return
            if event.key() == Qt.Key.Key_Tab and not back:
                self.move_by(0, 1)
                return
            if event.key() == Qt.Key.Key_Backtab:
                self.move_by(0, -1)
                return
        super().keyPressEvent(event)

    # ---- copying -------------------------------------------------------------
    def block_text(self, with_header: bool = False) -> str:
        """The selected cells as tab-separated lines, the bounding block filled in, as Excel pastes it.

        Values are the stored ones (no ★ or “（必填）” decoration); the 完整性 column, which has
        no stored value, copies what it shows.
        """
        indexes = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        model = self.model()
        lines: list[list[str]] = []
        if with_header:
            lines.append([str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns])
        for row in rows:
            line = []
            for column in columns:
                if (row, column) not in chosen:
                    line.append("")
                    continue
                index = model.index(row, column)
                value = index.data(Qt.ItemDataRole.EditRole)
                if value is None:
                    value = index.data(Qt.ItemDataRole.DisplayRole)
                line.append(_cell("" if value is None else str(value)))
            lines.append(line)
        return "\n".join("\t".join(line) for line in lines) + "\n"


def _cell(text: str) -> str:
    # Excel's own quoting: a cell with a line break, tab or quote is wrapped in quotes.
    if "\n" in text or "\t" in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text
