"""Cell editors for the tables: drop-downs for choice fields, a roomy editor for long text."""

from __future__ import annotations

from forms.fields import Kind
from ui.qt import QComboBox, QPlainTextEdit, QStyledItemDelegate, Qt


class FieldDelegate(QStyledItemDelegate):
    """Picks the editor from the field declaration of the column."""

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.model = model

    def _field(self, index):
        source = index.model()
        return source.field_at(index.column()) if hasattr(source, "field_at") else None

    def createEditor(self, parent, option, index):
        f = self._field(index)
        if f is not None and f.is_choice and f.choices:
            combo = QComboBox(parent)
            combo.setEditable(f.kind == Kind.CHOICE_FREE)
            combo.addItem("")
            combo.addItems(self.model.table.choices.values(f.choices))
            return combo
        if f is not None and f.kind == Kind.LONGTEXT:
            editor = QPlainTextEdit(parent)
            editor.setTabChangesFocus(True)
            return editor
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        text = "" if value is None else str(value)
        if isinstance(editor, QComboBox):
            i = editor.findText(text)
            if i < 0 and text:
                editor.addItem(text)
                i = editor.findText(text)
            editor.setCurrentIndex(max(i, 0))
            if editor.isEditable():
                editor.setEditText(text)
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(self, editor, option, index):
        rect = option.rect
        if isinstance(editor, QPlainTextEdit):
            rect = rect.adjusted(0, 0, max(0, 360 - rect.width()), 140)
        editor.setGeometry(rect)
