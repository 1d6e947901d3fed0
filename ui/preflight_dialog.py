"""检查后再导出: one dialog saying what is not ready before a list leaves the app."""

from __future__ import annotations

import html

from exports.preflight import Preflight
from ui import strings
from ui.qt import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

EXPORT_ANYWAY = strings.EXPORT_ANYWAY
GO_FIX = strings.GO_FIX


class PreflightDialog(QDialog):
    """Accepted: export anyway. Rejected: go back and fix (nothing is written)."""

    def __init__(self, report: Preflight, what: str, parent: QWidget | None = None,
                 action: str = strings.ACTION_EXPORT) -> None:
        super().__init__(parent)
        self.setWindowTitle(strings.PREFLIGHT_TITLE_FOR.format(action=action))
        self.resize(720, 460)
        intro = QLabel(strings.PREFLIGHT_INTRO_FOR.format(what=what, action=action,
                                                          carried=strings.PREFLIGHT_CARRIED[action]))
        intro.setWordWrap(True)
        self.details = QTextBrowser()
        self.details.setHtml("".join(
            f"<p><b>{html.escape(heading)}</b></p><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
            for heading, lines in report.sections()))
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton(strings.ANYWAY.format(action=action),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.fix_button = buttons.addButton(GO_FIX, QDialogButtonBox.ButtonRole.RejectRole)
        self.fix_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)


def confirm_export(parent: QWidget, report: Preflight, what: str, action: str = strings.ACTION_EXPORT) -> bool:
    """True when the export (or 打印) should go ahead: nothing to say, or the officer chose 仍然导出."""
    if report.ready:
        return True
    return PreflightDialog(report, what, parent, action).exec() == QDialog.DialogCode.Accepted
