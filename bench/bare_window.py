"""The peer of the start-up measure, as a program: a bare PySide6 QMainWindow that is shown, lets
the event loop turn once, and exits. bench/frozen_startup.py builds it with PyInstaller to compare
the built app's start with a built bare window."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 800)
window.show()
QTimer.singleShot(0, window.close)
sys.exit(app.exec())
