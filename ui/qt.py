"""The one place the app imports Qt from, so a binding change is one edit.

Names are looked up when first asked for (``from ui.qt import QLabel`` works as usual). Each PySide6
class builds its Python enums on first access, about 0.3 ms per enum; importing all of them here,
for every dialog the officer may never open, cost about 10 ms of every start-up (issue 9).
QtPrintSupport, likewise, loads on the first print.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers and editors see; at run time the names come from __getattr__
    # ruff: noqa: F401
    from PySide6.QtCore import (
        QAbstractTableModel,
        QBuffer,
        QEvent,
        QIODevice,
        QItemSelection,
        QItemSelectionModel,
        QLibraryInfo,
        QLockFile,
        QModelIndex,
        QObject,
        QPersistentModelIndex,
        QRect,
        QRectF,
        QRunnable,
        QSettings,
        QSize,
        Qt,
        QThreadPool,
        QTimer,
        QTranslator,
        QUrl,
        Signal,
        Slot,
        qVersion,
    )
    from PySide6.QtGui import (
        QAction,
        QBrush,
        QColor,
        QDesktopServices,
        QFont,
        QFontDatabase,
        QFontMetrics,
        QGuiApplication,
        QIcon,
        QImage,
        QKeySequence,
        QPageLayout,
        QPageSize,
        QPaintEngine,
        QPainter,
        QPalette,
        QPixmap,
        QShortcut,
        QUndoCommand,
        QUndoStack,
    )
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QApplication,
        QCheckBox,
        QComboBox,
        QDialog,
        QDialogButtonBox,
        QFileDialog,
        QFormLayout,
        QFrame,
        QGridLayout,
        QGroupBox,
        QHBoxLayout,
        QHeaderView,
        QInputDialog,
        QLabel,
        QLineEdit,
        QListWidget,
        QListWidgetItem,
        QMainWindow,
        QMenu,
        QMessageBox,
        QPlainTextEdit,
        QProgressDialog,
        QPushButton,
        QScrollArea,
        QSizePolicy,
        QSpinBox,
        QSplitter,
        QStatusBar,
        QStyle,
        QStyledItemDelegate,
        QStyleOptionComboBox,
        QTableView,
        QTableWidget,
        QTableWidgetItem,
        QTabWidget,
        QTextBrowser,
        QToolBar,
        QVBoxLayout,
        QWidget,
    )

_NAMES: dict[str, tuple[str, ...]] = {
    "QtCore": (
        "QAbstractTableModel", "QBuffer", "QEvent", "QIODevice", "QItemSelection", "QItemSelectionModel",
        "QLibraryInfo", "QLockFile", "QModelIndex", "QObject", "QPersistentModelIndex", "QRect", "QRectF",
        "QRunnable", "QSettings", "QSize", "Qt", "QThreadPool", "QTimer", "QTranslator", "QUrl", "Signal",
        "Slot", "qVersion",
    ),
    "QtGui": (
        "QAction", "QBrush", "QColor", "QDesktopServices", "QFont", "QFontDatabase", "QFontMetrics",
        "QGuiApplication", "QIcon", "QImage", "QKeySequence", "QPageLayout", "QPageSize", "QPaintEngine",
        "QPainter", "QPalette", "QPixmap", "QShortcut", "QUndoCommand", "QUndoStack",
    ),
    "QtWidgets": (
        "QAbstractButton", "QAbstractItemView", "QApplication", "QCheckBox", "QComboBox", "QDialog",
        "QDialogButtonBox", "QFileDialog", "QFormLayout", "QFrame", "QGridLayout", "QGroupBox", "QHBoxLayout",
        "QHeaderView", "QInputDialog", "QLabel", "QLineEdit", "QListWidget", "QListWidgetItem", "QMainWindow",
        "QMenu", "QMessageBox", "QPlainTextEdit", "QProgressDialog", "QPushButton", "QScrollArea",
        "QSizePolicy", "QSpinBox", "QSplitter", "QStatusBar", "QStyle", "QStyleOptionComboBox",
        "QStyledItemDelegate", "QTableView", "QTableWidget", "QTableWidgetItem", "QTabWidget", "QTextBrowser",
        "QToolBar", "QVBoxLayout", "QWidget",
    ),
    "QtPrintSupport": ("QPrinter", "QPrintPreviewDialog", "QPrintPreviewWidget"),
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'ui.qt' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"PySide6.{module}"), name)
    globals()[name] = value  # asked once: later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))
