"""帮助 → 关于: the version, where the data and the log live, and the licences of what ships."""

from __future__ import annotations

import html
import logging
import platform
import sqlite3
from importlib import metadata
from pathlib import Path

from exports.fonts import SHIPPED_DIR
from forms import APP_NAME, APP_VERSION
from ui import strings
from ui.qt import (
    QDesktopServices,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    Qt,
    QTextBrowser,
    QUrl,
    QVBoxLayout,
    qVersion,
)

TITLE = strings.ABOUT_TITLE.format(app=APP_NAME)
DESCRIPTION = strings.ABOUT_DESCRIPTION
OPEN_DATA_FOLDER = strings.OPEN_DATA_FOLDER
CLOSE = strings.CLOSE
NO_LOG = strings.NO_LOG
OPEN_FAILED = strings.OPEN_FOLDER_FAILED

# The fonts the app ships (resources/fonts): name, licence, licence files beside the font.
FONTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (strings.FONT_WQY, strings.LICENCE_OR.format(a="Apache-2.0", b=strings.GPL_FONT_EXCEPTION),
     ("wqy-microhei.COPYRIGHT", "wqy-microhei.README.txt")),
    (strings.FONT_UMING, "Arphic Public License", ("uming.ARPHICPL.TXT", "uming.COPYRIGHT")),
)

# Libraries inside the build: name shown, distribution whose installed version is shown
# ("" for none), licence. The build ships their metadata, licence texts included.
LIBRARIES: tuple[tuple[str, str, str], ...] = (
    ("Python", "", "PSF License 2.0"),
    ("Qt 6 / PySide6", "PySide6-Essentials", "LGPL-3.0"),
    ("shiboken6", "shiboken6", "LGPL-3.0"),
    ("SQLite", "", strings.PUBLIC_DOMAIN),
    ("sqlite-utils", "sqlite-utils", "Apache-2.0"),
    ("sqlite-fts4", "sqlite-fts4", "Apache-2.0"),
    ("click", "click", "BSD-3-Clause"),
    ("click-default-group", "click-default-group", strings.PUBLIC_DOMAIN),
    ("tabulate", "tabulate", "MIT"),
    ("python-dateutil", "python-dateutil", strings.LICENCE_OR.format(a="Apache-2.0", b="BSD-3-Clause")),
    ("pluggy", "pluggy", "MIT"),
    ("openpyxl", "openpyxl", "MIT"),
    ("et-xmlfile", "et-xmlfile", "MIT"),
    ("xlrd", "xlrd", "BSD-3-Clause"),
    ("ReportLab", "reportlab", "BSD-3-Clause"),
    ("Pillow", "pillow", "MIT-CMU"),
    ("platformdirs", "platformdirs", "MIT"),
    ("pypdfium2 / PDFium", "pypdfium2", strings.LICENCE_OR.format(a="Apache-2.0", b="BSD-3-Clause")),
)


def installed_version(distribution: str) -> str:
    if distribution == "":
        return ""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def current_log_file() -> Path | None:
    """The file the root logger writes to (main.setup_logging), if any."""
    for handler in logging.getLogger().handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return Path(name)
    return None


def licences_html() -> str:
    rows = []
    for name, licence, files in FONTS:
        links = strings.LIST_SEPARATOR.join(f'<a href="{QUrl.fromLocalFile(str(SHIPPED_DIR / f)).toString()}">{html.escape(f)}</a>'
                         for f in files)
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{html.escape(licence)}</td><td>{links}</td></tr>")
    fonts = "".join(rows)
    versions = {"Python": platform.python_version(), "Qt 6 / PySide6": qVersion(), "SQLite": sqlite3.sqlite_version}
    libs = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(versions.get(name) or installed_version(dist))}</td>"
        f"<td>{html.escape(licence)}</td></tr>"
        for name, dist, licence in LIBRARIES
    )
    return strings.LICENCES_HTML.format(fonts=fonts, libs=libs)


def open_folder(path: Path) -> bool:
    """Show a folder in the system's file manager (a seam tests replace)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AboutDialog(QDialog):
    def __init__(self, db_path: Path, parent=None, log_path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.data_folder = Path(db_path).resolve().parent
        log_path = log_path or current_log_file()

        heading = QLabel(f"<h2>{html.escape(APP_NAME)}</h2>")
        version = QLabel(strings.VERSION.format(version=html.escape(APP_VERSION)))
        version.setObjectName("version")

        def path_label(text: str) -> QLabel:
            label = QLabel(text)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            return label

        self.data_label = path_label(str(self.data_folder))
        self.db_label = path_label(str(Path(db_path).resolve()))
        self.log_label = path_label(str(log_path) if log_path else NO_LOG)
        self.open_button = QPushButton(OPEN_DATA_FOLDER)
        self.open_button.clicked.connect(self.open_data_folder)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_label, 1)
        data_row.addWidget(self.open_button)
        where = QFormLayout()
        where.addRow(strings.DATA_FOLDER, data_row)
        where.addRow(strings.DATABASE_FILE, self.db_label)
        where.addRow(strings.LOG_FILE, self.log_label)

        self.licences = QTextBrowser()
        self.licences.setOpenExternalLinks(True)
        self.licences.setHtml(licences_html())

        self.close_button = QPushButton(CLOSE)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(version)
        layout.addWidget(QLabel(DESCRIPTION))
        layout.addLayout(where)
        layout.addWidget(self.licences, 1)
        layout.addLayout(buttons)
        self.resize(720, 620)

    def open_data_folder(self) -> None:
        if not open_folder(self.data_folder):
            QMessageBox.warning(self, TITLE, OPEN_FAILED.format(path=self.data_folder))
