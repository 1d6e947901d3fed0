"""A read-only table model over a list of tuples (boards, statistics)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ui.qt import QAbstractTableModel, QBrush, QColor, QModelIndex, Qt


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], parent=None,
                 colour: Callable[[tuple], str | None] | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[tuple] = []
        self._colour = colour

    def set_rows(self, rows: Sequence[tuple], headers: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if headers is not None:
            self.headers = list(headers)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[index.column()]
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(row[index.column()], int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._colour:
            colour = self._colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None
