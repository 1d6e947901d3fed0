"""The one place the app imports Qt from, so a binding change is one edit."""

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

# Printing's classes load when 文件 → 打印… first asks for them: QtPrintSupport costs about
# 15 ms of every start-up otherwise (issue 9). ``from ui.qt import QPrinter`` works as usual.
_PRINT_SUPPORT = frozenset({"QPrinter", "QPrintPreviewDialog", "QPrintPreviewWidget"})


def __getattr__(name: str):
    if name in _PRINT_SUPPORT:
        from PySide6 import QtPrintSupport

        return getattr(QtPrintSupport, name)
    raise AttributeError(f"module 'ui.qt' has no attribute {name!r}")
