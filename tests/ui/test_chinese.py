"""Chinese from end to end: Qt's own words are translated, and no screen shows English words."""

from __future__ import annotations

import re

import pytest

from exports.importing import apply_previews, preview_files
from storage.sample import fill
from tests.ui.test_import_window import hand_filled
from ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    Qt,
    QTabWidget,
    QTextBrowser,
    QTimer,
    QWidget,
)

# English that may stay: names of programs and formats, and key names in shortcuts.
ALLOWED = {"Excel", "PDF", "WPS", "CSV", "xlsx", "xls", "xlsm", "csv", "pdf", "png", "jpg", "PNG", "JPG",
           "Ctrl", "Shift", "Alt", "Del", "Delete", "Enter", "Tab", "MB", "SQLite", "db", "lock"}
TOKEN = re.compile(r"[A-Za-z0-9@._+-]+")
WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(autouse=True)
def chinese(qapp):
    from ui.app import install_translations

    assert install_translations(qapp)


def _english(texts: list[tuple[str, str]], file_names: set[str]) -> list[str]:
    """The words in ``texts`` that are neither allowed nor part of a file name or path shown."""
    bad = []
    for where, text in texts:
        for name in sorted(file_names, key=len, reverse=True):  # a path before its folder
            text = text.replace(name, "")
        # Data, not words: credit codes, e-mail addresses, phone extensions.
        tokens = [t for t in TOKEN.findall(text) if not re.search(r"[0-9@]", t)]
        for word in (w for t in tokens for w in WORD.findall(t)):
            if word not in ALLOWED:
                bad.append(f"{where}: {word!r} in {text!r}")
    return bad


def _menu_texts(menu: QMenu, where: str) -> list[tuple[str, str]]:
    out = []
    for action in menu.actions():
        out.append((f"{where} > {action.text()}", action.text().replace("&", "")))
        if action.menu() is not None:
            out += _menu_texts(action.menu(), f"{where} > {action.text()}")
    return out


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """Every word a widget tree shows: titles, labels, buttons, items, headers, tabs, placeholders."""
    name = type(root).__name__
    out = [(name, root.windowTitle())]
    for w in [root, *root.findChildren(QWidget)]:
        where = f"{name}/{type(w).__name__}"
        if isinstance(w, QLabel):
            shown = w.text() if w.textFormat() == Qt.TextFormat.PlainText else re.sub(r"<[^>]+>", "", w.text())
            out.append((where, shown))
        elif isinstance(w, QAbstractButton):
            out.append((where, w.text().replace("&", "")))
        elif isinstance(w, QLineEdit):
            out.append((where, w.placeholderText()))
        elif isinstance(w, QTextBrowser):
            out.append((where, w.toPlainText()))
        elif isinstance(w, QComboBox):
            out += [(where, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QGroupBox):
            out.append((where, w.title()))
        elif isinstance(w, QTabWidget):
            out += [(where, w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            try:
                columns = model.columnCount()
            except TypeError:  # list models hide columnCount: one column
                columns = 1
            out += [(f"{where} header", str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                    for c in range(columns)]
            for row in range(min(model.rowCount(), 20)):
                for column in range(columns):
                    out.append((f"{where} cell", str(model.index(row, column).data() or "")))
    return out


def test_confirmation_buttons_and_context_menu_are_chinese(qtbot):
    seen: dict[str, list[str]] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["buttons"] = [b.text() for b in box.buttons()]
        box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(0, answer)
    result = QMessageBox.question(None, "删除", "确定删除选中的 1 条需求吗？")
    assert result == QMessageBox.StandardButton.No
    assert sorted(seen["buttons"]) == sorted(["是(&Y)", "否(&N)"])

    edit = QLineEdit("福州")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    words = [a.text().split("(")[0].split("\t")[0] for a in menu.actions() if not a.isSeparator()]
    # Qt's catalogue spells 撤销 as the older variant 撤消; both read as Chinese to the officer.
    assert words[0] in ("撤销", "撤消")
    assert words[1:6] == ["重做", "剪切", "复制", "粘贴", "删除"]
    assert "全选" in words
    box = QMessageBox(QMessageBox.Icon.Information, "关于", "万里行填报助手")
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Ok) is None or "OK" not in box.buttons()[0].text()
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    assert box.button(QMessageBox.StandardButton.Ok).text() == "确定"


def test_no_english_on_any_screen(qtbot, app_window, tmp_path):
    """Walks the window (every tab and menu) and every dialog it opens, with data in it."""
    from exports.preflight import check
    from ui.choices_dialog import ChoicesDialog
    from ui.help_dialog import HelpDialog
    from ui.import_dialog import HistoryDialog, PreviewDialog
    from ui.preflight_dialog import PreflightDialog
    from ui.profile_dialog import ProfileDialog
    from ui.recycle_dialog import RecycleDialog

    window = app_window()
    store = window.store
    fill(store, needs=12, cases=2, seed=7)
    path = tmp_path / "台江区需求清单.xlsx"
    hand_filled(path)
    previews = preview_files(store, [path], include_other_units=True)  # 鼓楼区 consolidating 台江区's list
    apply_previews(store, previews, include_other_units=True)
    store.needs.set_deleted([store.needs.ids()[0]], True)
    window.reload_all()
    file_names = {path.name, str(store.path), str(path), str(tmp_path), "wanlixing.log"}

    texts: list[tuple[str, str]] = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        texts += visible_texts(window.tabs.widget(i))
    texts += _menu_texts(window.menuBar(), "菜单")
    texts += visible_texts(window)
    for menu in window.menuBar().findChildren(QMenu):
        texts += _menu_texts(menu, "菜单")
        texts += [("shortcut", a.shortcut().toString(a.shortcut().SequenceFormat.NativeText))
                  for a in menu.actions()]

    dialogs = [ProfileDialog(store, parent=window), ProfileDialog(store, first_run=True, parent=window),
               ChoicesDialog(window.undo, window), RecycleDialog(store, window), HistoryDialog(store, window),
               PreviewDialog(preview_files(store, [path]), window),
               PreflightDialog(check(store, "needs", consolidated=True), "要导出的需求", window),
               HelpDialog(window)]
    history = dialogs[4]
    assert history.table.item(0, 4).text() == "新增 2 条。"
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        texts += visible_texts(dialog)
        dialog.close()

    about: dict[str, list] = {}

    def read_about() -> None:
        box = QApplication.activeModalWidget()
        # The licence table names fonts, libraries and licences (proper nouns, not words to
        # translate); the paths shown are file names. Everything else in 关于 is checked.
        about["texts"] = [(kind, text) for kind, text in visible_texts(box) if not kind.endswith("QTextBrowser")]
        file_names.update(text for _, text in about["texts"] if text.startswith("/"))
        box.close()

    QTimer.singleShot(0, read_about)
    window.about()
    texts += about["texts"]

    assert len(texts) > 200  # the walk really reached the screens
    found = _english(texts, file_names)
    assert found == [], "\n".join(found)
