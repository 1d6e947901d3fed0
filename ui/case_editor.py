"""One case's recommendation form. Every keystroke is written to SQLite within
AUTOSAVE_MS; switching case, closing the window or quitting flushes at once.

Writes go through the window's edit history, so typing in a case can be undone
(consecutive autosaves of the same fields are one undo step). The form follows the
history's change notices: an undo of this case reloads it, a new choice-list value
appears in its drop-downs.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from forms import CASES
from forms.cases import CONTENT_GROUP, CONTENT_LIMIT
from forms.validation import group_length
from storage.ops import OpChanges
from ui import strings
from ui.form_widget import FormWidget
from ui.qt import (
    QEvent,
    QFileDialog,
    QFontMetrics,
    QHBoxLayout,
    QIcon,
    QImage,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPixmap,
    QPushButton,
    QRect,
    QSize,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.undo import EditHistory

AUTOSAVE_MS = 400
ERROR_LINES = 2  # the room each field's error message has, in lines
MAX_IMAGE_BYTES = 10 * 1024 * 1024


def line_height(metrics: QFontMetrics) -> int:
    """The height one line of wrapped text takes (a little more than ``lineSpacing``)."""
    return metrics.boundingRect(QRect(0, 0, 1000, 1000), int(Qt.TextFlag.TextWordWrap), strings.LINE_SAMPLE).height()


def fit_lines(text: str, metrics: QFontMetrics, width: int, lines: int) -> str:
    """``text`` if it wraps into ``lines`` lines of ``width`` pixels, else its longest start that does, plus "…"."""
    if width <= 0:
        return text
    room = QRect(0, 0, width, 100000)
    flags = int(Qt.TextFlag.TextWordWrap)  # as QLabel wraps

    def fits(candidate: str) -> bool:
        return metrics.boundingRect(room, flags, candidate).height() <= lines * line_height(metrics)

    if fits(text):
        return text
    low, high = 0, len(text)  # text[:low] + "…" fits; text[:high] + "…" does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(text[:middle] + "…") else (low, middle)
    return text[:low] + "…"


class CaseEditor(QWidget):
    def __init__(self, history: EditHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.store = store = history.store
        self._writing = False
        history.changed.connect(self._on_changes)
        self.case_id: str | None = None
        self._pending: dict[str, object] = {}
        self._record: dict = {}
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)

        layout = QVBoxLayout(self)
        self.title = QLabel(CASES.title)
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.form = FormWidget(CASES, store.choices, columns=2)
        self.form.changed.connect(self._on_changed)
        layout.addWidget(self.form)
        # Every error message has the same fixed room, shown or not: the form never moves when one
        # appears. A longer message is cut to fit, in full in its tooltip.
        self._error_texts: dict[str, str] = {}
        self._error_keys = {label: key for key, label in self.form.errors.items()}
        for label in self.form.errors.values():
            label.installEventFilter(self)  # cut again to the width the label gets
            label.ensurePolished()
            label.setFixedHeight(ERROR_LINES * line_height(label.fontMetrics()) + 2)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.counter = QLabel()
        self.counter.setObjectName("content_counter")
        # The total sits right under the content sections' editors ...
        grid = self.form.layout()
        grid.addWidget(self.counter, grid.rowCount(), 0, 1, 4)
        # ... and each section shows its own count and the total on its label row, so the
        # figure is on screen next to whatever section is being typed.
        self.section_counters: dict[str, QLabel] = {}
        for f in CASES.group_fields(CONTENT_GROUP):
            row, _col, _rows, span = grid.getItemPosition(grid.indexOf(self.form.editors[f.key]))
            label = QLabel()
            label.setObjectName(f"counter_{f.key}")
            grid.addWidget(label, row - 1, 0, 1, span, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            self.section_counters[f.key] = label

        images_row = QHBoxLayout()
        images_row.addWidget(QLabel(strings.IMAGES))
        self.images = QListWidget()
        self.images.setViewMode(QListWidget.ViewMode.IconMode)
        self.images.setIconSize(QSize(120, 90))
        self.images.setFixedHeight(130)
        images_row.addWidget(self.images, 1)
        buttons = QVBoxLayout()
        add = QPushButton(strings.ADD_IMAGE)
        add.clicked.connect(self.choose_images)
        remove = QPushButton(strings.REMOVE_IMAGE)
        remove.clicked.connect(self.remove_image)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        images_row.addLayout(buttons)
        layout.addLayout(images_row)
        layout.addStretch()
        self.setEnabled(False)

    def load(self, case_id: str | None) -> None:
        self.flush()
        self._pending = {}  # a failed flush was reported; it must not land on the next case
        self.case_id = case_id
        record = (self.store.cases.get(case_id) if case_id else None) or {}
        self._record = {} if record.get("deleted_at") else record
        self.setEnabled(bool(self._record))
        self.form.set_values(self._record)
        self._show_starts()
        self._fit_errors()
        self._update_counter()
        self._load_images()

    def _on_changed(self, key: str, value: object) -> None:
        if self.case_id is None:
            return
        self._pending[key] = value
        self._record[key] = value
        self.form.show_problems(self._record)
        self._fit_errors()
        self._update_counter()
        self._timer.start()

    def flush(self) -> bool:
        """Write pending edits now; False when the write failed (the history said so). Safe at any time."""
        self._timer.stop()
        if not (self.case_id and self._pending):
            return True
        pending, self._pending = self._pending, {}
        case_id = self.case_id
        self._writing = True
        try:
            result = self.history.run(lambda ops: ops.set_values("cases", {case_id: pending}, strings.EDIT_CASE,
                                                                 merge=True))
        finally:
            self._writing = False
        if result is None:
            # Not saved: keep the typing so the next autosave tries again.
            self._pending = {**pending, **self._pending}
            return False
        return True

    def _on_changes(self, changes: OpChanges) -> None:
        if self._writing:
            return  # our own autosave: the form already shows it
        if changes.choices:
            self.form.set_choices(self.store.choices)
        if self.case_id and (self.case_id in changes.ids or changes.choices or changes.profile) \
                and not self._pending:  # never reload over typing that is not yet saved
            record = self.store.cases.get(self.case_id) or {}
            self._record = {} if record.get("deleted_at") else record
            self.setEnabled(bool(self._record))
            self.form.set_values(self._record)
            self._show_starts()
            self._fit_errors()
            self._update_counter()

    def _show_starts(self) -> None:
        """A long name shows its beginning, not its end, until the officer clicks into it."""
        for editor in self.form.editors.values():
            if isinstance(editor, QLineEdit):
                editor.setCursorPosition(0)

    def _fit_errors(self) -> None:
        """Cut each shown error message to its fixed room (``ERROR_LINES``); the whole text is its tooltip.
        No case, no messages: an empty, disabled form has nothing to correct."""
        for key, label in self.form.errors.items():
            shown = bool(self._record) and label.isVisibleTo(self.form)
            self._error_texts[key] = label.text() if shown else ""
            self._fit_error(label)

    def _fit_error(self, label: QLabel) -> None:
        text = self._error_texts.get(self._error_keys[label], "")
        label.setToolTip(text)
        label.setText(fit_lines(text, label.fontMetrics(), label.width(), ERROR_LINES) if text else "")

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched in self._error_keys:
            self._fit_error(watched)
        return super().eventFilter(watched, event)

    def _update_counter(self) -> None:
        used = group_length(CASES, self._record, CONTENT_GROUP)
        if used > CONTENT_LIMIT:
            text = strings.CONTENT_OVER.format(used=used, limit=CONTENT_LIMIT, over=used - CONTENT_LIMIT)
            self.counter.setStyleSheet("color: #c0392b; font-weight: bold;")
        else:
            text = strings.CONTENT_COUNT.format(used=used, limit=CONTENT_LIMIT)
            self.counter.setStyleSheet("color: #555;")
        self.counter.setText(text + strings.CONTENT_SECTIONS)
        over = used > CONTENT_LIMIT
        for key, label in self.section_counters.items():
            own = len(str(self._record.get(key) or ""))
            label.setText(strings.SECTION_COUNT.format(own=own, used=used, limit=CONTENT_LIMIT))
            label.setStyleSheet("color: #c0392b; font-weight: bold;" if over else "color: #777;")

    # ---- images -----------------------------------------------------------
    def _load_images(self) -> None:
        self.images.clear()
        if not self.case_id:
            return
        for row in self.store.images(self.case_id):
            pixmap = QPixmap()
            pixmap.loadFromData(row["data"])
            item = QListWidgetItem(QIcon(pixmap), row["name"])
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            self.images.addItem(item)

    def choose_images(self) -> None:
        if not self.case_id:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, strings.ADD_IMAGE, "", strings.IMAGE_FILTER)
        for path in paths:
            self.add_image(Path(path))

    def add_image(self, path: Path) -> bool:
        if not self.case_id:
            return False
        try:
            data = path.read_bytes()
        except OSError:
            QMessageBox.warning(self, strings.IMAGES, strings.IMAGE_ERROR.format(name=path.name))
            return False
        if len(data) > MAX_IMAGE_BYTES:
            QMessageBox.warning(self, strings.IMAGES, strings.IMAGE_TOO_BIG.format(name=path.name))
            return False
        if QImage.fromData(data).isNull():
            QMessageBox.warning(self, strings.IMAGES, strings.IMAGE_ERROR.format(name=path.name))
            return False
        mime = mimetypes.guess_type(path.name)[0] or "image/png"
        case_id = self.case_id
        if self.history.run(lambda ops: ops.add_image(case_id, path.name, data, mime)) is None:
            return False  # the window has said why
        self._load_images()
        return True

    def remove_image(self) -> None:
        item = self.images.currentItem()
        if item is not None and self.case_id:
            case_id, image_id = self.case_id, item.data(Qt.ItemDataRole.UserRole)
            self.history.run(lambda ops: ops.remove_image(case_id, image_id))
            self._load_images()
