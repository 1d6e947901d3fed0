"""帮助 → 使用说明: the short guide that ships with the app (resources/guide.md)."""

from __future__ import annotations

from pathlib import Path

from forms.reference import RESOURCES_DIR
from ui import strings
from ui.qt import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

GUIDE = RESOURCES_DIR / "guide.md"
TITLE = strings.HELP_TITLE


def guide_text(path: Path = GUIDE) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return strings.HELP_MISSING.format(name=path.name)


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.resize(860, 680)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(guide_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(strings.CLOSE)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
