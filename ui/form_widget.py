"""A form built from a ``forms.Form`` declaration: one editor per field, with
validation messages under each field. Used by the profile dialog and the case editor."""

from __future__ import annotations

from collections.abc import Mapping

from forms.fields import Field, Form, Kind
from forms.reference import ChoiceLists, regions
from forms.validation import normalise, problems
from ui.qt import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    Qt,
    QWidget,
    Signal,
)

ERROR_STYLE = "color: #c0392b; font-size: 9pt;"
NO_NUMBER = -1  # a QSpinBox cannot be empty: its minimum stands for "not filled"


def make_editor(field: Field, choices: ChoiceLists) -> QWidget:
    if field.kind == Kind.LONGTEXT:
        w = QPlainTextEdit()
        w.setTabChangesFocus(True)
        w.setMinimumHeight(110)
        w.setPlaceholderText(field.placeholder)
        return w
    if field.kind in (Kind.INT, Kind.YEAR):
        s = QSpinBox()
        s.setRange(NO_NUMBER, 9_999_999 if field.kind == Kind.INT else 2100)
        s.setSpecialValueText(" ")  # the minimum shows as blank
        s.setValue(NO_NUMBER)
        return s
    if field.kind in (Kind.CHOICE, Kind.CHOICE_FREE, Kind.CITY, Kind.DISTRICT):
        c = QComboBox()
        c.setEditable(field.kind == Kind.CHOICE_FREE)
        c.addItem("")
        if field.kind == Kind.CITY:
            c.addItems(regions().cities)
        elif field.choices:
            c.addItems(choices.values(field.choices))
        c.setMinimumContentsLength(8)
        return c
    e = QLineEdit()
    e.setPlaceholderText(field.placeholder)
    if field.max_len:
        e.setMaxLength(max(field.max_len * 2, 100))  # typing past the limit shows a message instead
    return e


def editor_value(w: QWidget) -> object:
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QSpinBox):
        return None if w.value() == NO_NUMBER else w.value()
    if isinstance(w, QComboBox):
        return w.currentText()
    assert isinstance(w, QLineEdit)
    return w.text()


def set_editor_value(w: QWidget, value: object) -> None:
    w.blockSignals(True)
    try:
        if isinstance(w, QPlainTextEdit):
            w.setPlainText("" if value is None else str(value))
        elif isinstance(w, QSpinBox):
            w.setValue(value if isinstance(value, int) else NO_NUMBER)
        elif isinstance(w, QComboBox):
            text = "" if value is None else str(value)
            i = w.findText(text)
            if i < 0 and text:
                w.addItem(text)  # keep an unknown imported value visible, validation flags it
                i = w.findText(text)
            w.setCurrentIndex(max(i, 0))
            if w.isEditable():
                w.setEditText(text)
        elif isinstance(w, QLineEdit):
            w.setText("" if value is None else str(value))
    finally:
        w.blockSignals(False)


class FormWidget(QWidget):
    """Editors laid out on a grid: short fields two per row, long texts full width."""

    changed = Signal(str, object)  # field key, normalised value

    def __init__(self, form: Form, choices: ChoiceLists, columns: int = 2,
                 keys: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.choices = choices
        self.fields = [form.field(k) for k in keys] if keys else list(form.fields)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(12)
        row = col = 0
        for f in self.fields:
            editor = make_editor(f, choices)
            editor.setObjectName(f"field_{f.key}")
            label = QLabel(f.label + ("<span style='color:#c0392b'> *</span>" if f.required else ""))
            label.setBuddy(editor)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            # The space of a hidden message stays reserved: the form does not jump when one appears.
            policy = error.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            error.setSizePolicy(policy)
            error.setMinimumHeight(error.fontMetrics().height())
            error.hide()
            wide = f.kind == Kind.LONGTEXT
            if wide and col:
                row, col = row + 3, 0
            span = columns * 2 if wide else 1
            if wide:
                grid.addWidget(label, row, 0, 1, span)
                grid.addWidget(editor, row + 1, 0, 1, span)
                grid.addWidget(error, row + 2, 0, 1, span)
                row += 3
            else:
                grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(editor, row, col * 2 + 1)
                grid.addWidget(error, row + 1, col * 2 + 1)
                col += 1
                if col == columns:
                    row, col = row + 2, 0
            self.editors[f.key] = editor
            self.errors[f.key] = error
            self._connect(f, editor)
        for c in range(columns):
            grid.setColumnStretch(c * 2 + 1, 1)
        city = next((f for f in self.fields if f.kind == Kind.CITY), None)
        district = next((f for f in self.fields if f.kind == Kind.DISTRICT), None)
        if city and district:
            self._city_key, self._district_key = city.key, district.key
            self.editors[city.key].currentTextChanged.connect(self._refill_districts)

    def _connect(self, f: Field, w: QWidget) -> None:
        def emit(*_args) -> None:
            self.changed.emit(f.key, normalise(f, editor_value(w), self.choices))

        if isinstance(w, QPlainTextEdit):
            w.textChanged.connect(emit)
        elif isinstance(w, QSpinBox):
            w.valueChanged.connect(emit)
        elif isinstance(w, QComboBox):
            w.currentTextChanged.connect(emit)
        else:
            w.textChanged.connect(emit)

    def _refill_districts(self, city: str) -> None:
        combo = self.editors[self._district_key]
        assert isinstance(combo, QComboBox)
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("")
        combo.addItems(list(regions().districts.get(city, ())))
        i = combo.findText(current)
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)
        if combo.currentText() != current:
            self.changed.emit(self._district_key, combo.currentText())

    def set_choices(self, choices: ChoiceLists) -> None:
        """The officer changed a choice list (设置 → 选项管理): offer the new lists, keep what is chosen."""
        self.choices = choices
        for f in self.fields:
            combo = self.editors[f.key]
            if not (f.choices and isinstance(combo, QComboBox)) or f.kind in (Kind.CITY, Kind.DISTRICT):
                continue
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("")
            combo.addItems(choices.values(f.choices))
            combo.blockSignals(False)
            set_editor_value(combo, current)

    def values(self) -> dict[str, object]:
        return {f.key: normalise(f, editor_value(self.editors[f.key]), self.choices) for f in self.fields}

    def set_values(self, values: Mapping[str, object]) -> None:
        # City before district, so the district list is filled when the district is set.
        ordered = sorted(self.fields, key=lambda f: f.kind != Kind.CITY)
        for f in ordered:
            set_editor_value(self.editors[f.key], values.get(f.key))
            if f.kind == Kind.CITY and hasattr(self, "_district_key"):
                self._refill_districts(str(values.get(f.key) or ""))
        self.show_problems(values)

    def show_problems(self, values: Mapping[str, object]) -> dict[str, str]:
        found = problems(self.form, values, self.choices)
        for f in self.fields:
            label = self.errors[f.key]
            message = found.get(f.key, "")
            label.setText(message)
            label.setVisible(bool(message))
        return found
