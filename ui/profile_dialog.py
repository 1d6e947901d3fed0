"""填报单位信息: the submission header, set up once per database."""

from __future__ import annotations

from forms import PROFILE
from storage import Store
from ui import strings
from ui.form_widget import FormWidget
from ui.qt import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget


class ProfileDialog(QDialog):
    def __init__(self, store: Store, first_run: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(strings.PROFILE_TITLE)
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        if first_run:
            intro = QLabel(strings.PROFILE_INTRO)
            intro.setWordWrap(True)
            layout.addWidget(intro)
        self.form = FormWidget(PROFILE, store.choices, columns=1)
        self.form.set_values(store.profile())
        self.form.changed.connect(lambda *_: self.form.show_problems(self.form.values()))
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(strings.SAVE)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(strings.LATER if first_run else strings.CANCEL)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        values = self.form.values()
        found = self.form.show_problems(values)
        if found:
            answer = QMessageBox.question(
                self, strings.PROFILE_TITLE,
                strings.PROFILE_INCOMPLETE.format(problems="\n".join(found.values())),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.store.set_profile(values)
        self.accept()
