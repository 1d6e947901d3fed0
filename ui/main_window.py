"""The main window: the two annexes as tabs, menus, and the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from forms import APP_NAME
from storage import Store
from storage.ops import OpChanges
from ui import strings
from ui.needs_page import NeedsPage
from ui.qt import QAction, QKeySequence, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget
from ui.undo import EditHistory

if TYPE_CHECKING:
    from ui.cases_page import CasesPage
    from ui.consolidation_page import ConsolidationPage

# The tabs after the first are built when first shown or used (start-up time: issue 9).
CASES_TAB, CONSOLIDATION_TAB = 1, 2


class MainWindow(QMainWindow):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        # The one edit history: pages write through it and listen to what changed.
        self.undo = EditHistory(store, self)
        self.undo.failed.connect(self._edit_failed)
        self.undo.changed.connect(self._on_changes)
        self.setWindowTitle(self._title())
        self.resize(1400, 860)
        self.tabs = QTabWidget()
        self.needs_page = NeedsPage(store, self.undo)
        self._cases_page: CasesPage | None = None
        self._consolidation_page: ConsolidationPage | None = None
        self._bulk_changed = False  # an import or restore before 汇总 was built: it refreshes when it is
        self.tabs.addTab(self.needs_page, strings.TAB_NEEDS)
        self.tabs.addTab(QWidget(), strings.TAB_CASES)  # placeholders until built (cases_page, ...)
        self.tabs.addTab(QWidget(), strings.TAB_CONSOLIDATION)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.needs_page.import_requested.connect(lambda: self._import(folder=False))
        self.needs_page.message.connect(self._show_message)
        self.unit_label = QLabel()
        self.statusBar().addPermanentWidget(self.unit_label)
        self.saved_label = QLabel(strings.SAVED_NOTE)
        self.statusBar().addPermanentWidget(self.saved_label)
        self._update_unit()
        self._build_menus()

    @property
    def cases_page(self) -> CasesPage:
        """附件2, built the first time it is shown or used."""
        if self._cases_page is None:
            from ui.cases_page import CasesPage

            page = self._cases_page = CasesPage(self.store, self.undo)
            page.export_recommended.clicked.connect(self._export_recommended)
            page.message.connect(self._show_message)
            self._place(CASES_TAB, page)
        return self._cases_page

    @property
    def consolidation_page(self) -> ConsolidationPage:
        """汇总, built the first time it is shown or used."""
        if self._consolidation_page is None:
            from ui.consolidation_page import ConsolidationPage

            c = self._consolidation_page = ConsolidationPage(self.store, self.undo)
            c.export_requested.connect(lambda ext, ids: self._export("needs", ext, consolidated=True, ids=ids))
            c.import_files.connect(lambda: self._import(folder=False))
            c.import_folder.connect(lambda: self._import(folder=True))
            c.show_history.connect(self.open_history)
            c.message.connect(self._show_message)
            self._place(CONSOLIDATION_TAB, c)
            if self._bulk_changed:  # what _on_changes would have done, had the page existed
                c.refresh()
        return self._consolidation_page

    def _place(self, index: int, page: QWidget) -> None:
        """Put a page built late where its placeholder tab is, keeping the current tab."""
        current = self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # the tab is not changing, only its widget
        placeholder = self.tabs.widget(index)
        text = self.tabs.tabText(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, text)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        placeholder.deleteLater()

    def _flush_case(self) -> None:
        """Typing in the case form not yet autosaved goes to the database (if the form exists)."""
        if self._cases_page is not None:
            self._cases_page.editor.flush()

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _tab_changed(self, index: int) -> None:
        self._flush_case()
        if index == CASES_TAB:
            self.cases_page  # noqa: B018 (built on first show)
        # The consolidated figures cost a full pass over the needs: computed when looked at.
        if index == CONSOLIDATION_TAB:
            self.consolidation_page.refresh()

    def _on_changes(self, changes: OpChanges) -> None:
        # The pages refresh themselves from ``changes``; here only the window's own parts.
        self.saved_label.setText(strings.SAVED_NOTE)
        self.saved_label.setStyleSheet("")
        if changes.profile:
            self._update_unit()
        # The consolidated figures cost a full pass: recomputed for an edit only while shown, and
        # at once after bulk changes (imports, the recycle bin), which touch both tables.
        page = self._consolidation_page
        if page is None:  # not built yet: computes its figures when it is
            self._bulk_changed = self._bulk_changed or bool(changes.rows and len(changes.tables) > 1)
        elif changes.rows and (self.tabs.currentWidget() is page or len(changes.tables) > 1):
            page.refresh()

    def _edit_failed(self, text: str) -> None:
        # Never leave "all saved" on screen next to a failed edit.
        self.saved_label.setText(strings.NOT_SAVED_NOTE)
        self.saved_label.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.statusBar().showMessage(text, 15000)
        QMessageBox.warning(self, APP_NAME, text)

    def undo_edit(self) -> None:
        self._flush_case()  # typing not yet autosaved is part of what 撤销 takes back
        self.undo.undo()

    def redo_edit(self) -> None:
        self._flush_case()
        self.undo.redo()

    def _export(self, form_id: str, ext: str, **kwargs) -> None:
        from ui import export_actions as ex

        ex.export(self, self.store, form_id, ext, before=self._flush_case,
                  on_fix=lambda: self._show_what_to_fix(form_id, kwargs.get("consolidated", False)), **kwargs)

    def _show_what_to_fix(self, form_id: str, consolidated: bool) -> None:
        """去修改 after the pre-flight check: the list, showing only its drafts."""
        from forms import FORMS
        from forms.fields import Layout

        if FORMS[form_id].layout is not Layout.TABLE:  # one form per record: its page has no draft filter
            self.tabs.setCurrentWidget(self.cases_page)
            return
        page = self.consolidation_page.needs if consolidated else self.needs_page
        self.tabs.setCurrentWidget(self.consolidation_page if consolidated else self.needs_page)
        if consolidated:
            self.consolidation_page.tabs.setCurrentWidget(page)
        page.show_drafts()

    def _import(self, folder: bool) -> None:
        from ui.import_dialog import start_import

        self._flush_case()
        start_import(self, self.store, folder, self.reload_all)

    def reload_all(self) -> None:
        """After an import or an undone import: every page shows the database as it now is.

        Imported records are outside the edit history, which is cleared: its entries
        describe a state that no longer exists.
        """
        self.undo.notify(OpChanges.everything(), forget=True)

    def open_history(self) -> None:
        from ui.import_dialog import HistoryDialog

        dialog = HistoryDialog(self.store, self)
        dialog.exec()
        if dialog.undone:
            self.reload_all()

    def _export_recommended(self) -> None:
        ids = self.cases_page.recommended_ids()
        if not ids:
            QMessageBox.information(self, APP_NAME, strings.NO_RECOMMENDED)
            return
        box = QMessageBox(self)
        box.setWindowTitle(strings.EXPORT_RECOMMENDED)
        box.setText(strings.EXPORT_RECOMMENDED_ASK.format(n=len(ids)))
        xlsx = box.addButton("Excel", QMessageBox.ButtonRole.AcceptRole)
        pdf = box.addButton("PDF", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(strings.CANCEL, QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() in (xlsx, pdf):
            self._export("cases", "xlsx" if box.clickedButton() is xlsx else "pdf", ids=ids)

    def _title(self) -> str:
        return f"{APP_NAME} — {self.store.path}"

    def _update_unit(self) -> None:
        p = self.store.profile()
        self.unit_label.setText(strings.UNIT_LINE.format(year=p.get("year") or "", unit=p.get("unit") or strings.NO_UNIT))

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        # The menus' modules load on first use, not with the window (issue 9: start-up).
        def db():
            from ui import backup_dialog

            return backup_dialog

        def ex():
            from ui import export_actions

            return export_actions

        bar = self.menuBar()
        file_menu = bar.addMenu(strings.MENU_FILE)
        self._action(file_menu, strings.MENU_EXPORT_NEEDS_XLSX, lambda: self._export("needs", "xlsx"))
        self._action(file_menu, strings.MENU_EXPORT_NEEDS_PDF, lambda: self._export("needs", "pdf"))
        self._action(file_menu, strings.MENU_EXPORT_CONSOLIDATED_XLSX,
                     lambda: self._export("needs", "xlsx", consolidated=True))
        self._action(file_menu, strings.MENU_EXPORT_CONSOLIDATED_PDF,
                     lambda: self._export("needs", "pdf", consolidated=True))
        self._action(file_menu, strings.MENU_EXPORT_PROGRESS_XLSX,
                     lambda: self._export("needs", "xlsx", progress_report=True))
        self._action(file_menu, strings.MENU_EXPORT_PROGRESS_PDF,
                     lambda: self._export("needs", "pdf", progress_report=True))
        file_menu.addSeparator()
        self._action(file_menu, strings.MENU_EXPORT_CASES_XLSX,
                     lambda: self._export("cases", "xlsx"))
        self._action(file_menu, strings.MENU_EXPORT_CASES_PDF,
                     lambda: self._export("cases", "pdf"))
        self._action(file_menu, strings.MENU_EXPORT_CASE_PDF, self._export_current_case)
        file_menu.addSeparator()
        self._action(file_menu, strings.PRINT_ACTION, lambda: self.print_current(), QKeySequence.StandardKey.Print)
        file_menu.addSeparator()
        self._action(file_menu, strings.MENU_IMPORT_FILES, lambda: self._import(folder=False), QKeySequence("Ctrl+I"))
        self._action(file_menu, strings.MENU_IMPORT_FOLDER, lambda: self._import(folder=True))
        self._action(file_menu, strings.MENU_IMPORT_HISTORY, self.open_history)
        file_menu.addSeparator()
        self._action(file_menu, strings.MENU_TEMPLATE_NEEDS, lambda: ex().save_template(self, self.store, "needs"))
        self._action(file_menu, strings.MENU_TEMPLATE_CASES, lambda: ex().save_template(self, self.store, "cases"))
        file_menu.addSeparator()
        self._action(file_menu, strings.OPEN_OTHER_DB, lambda: db().open_other_database(self))
        self._action(file_menu, strings.BACKUP_DB, lambda: db().backup_database(self))
        self._action(file_menu, strings.RESTORE_BACKUP, lambda: db().restore_backup(self))
        file_menu.addSeparator()
        self._action(file_menu, strings.QUIT, self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu(strings.MENU_EDIT)
        undo = self._action(edit, strings.UNDO, self.undo_edit, QKeySequence.StandardKey.Undo)
        undo.setEnabled(False)
        self.undo.canUndoChanged.connect(undo.setEnabled)
        self.undo.undoTextChanged.connect(lambda text: undo.setText(f"{strings.UNDO} {text}".strip()))
        redo = self._action(edit, strings.REDO, self.redo_edit, QKeySequence.StandardKey.Redo)
        redo.setEnabled(False)
        self.undo.canRedoChanged.connect(redo.setEnabled)
        self.undo.redoTextChanged.connect(lambda text: redo.setText(f"{strings.REDO} {text}".strip()))
        edit.addSeparator()
        self._action(edit, strings.ADD_NEED, self.needs_page.add_need, QKeySequence("Ctrl+N"))
        self._action(edit, strings.RECYCLE + "…", self.open_recycle)

        settings = bar.addMenu(strings.MENU_SETTINGS)
        self._action(settings, strings.PROFILE_TITLE + "…", self.edit_profile)
        self._action(settings, strings.MENU_CHOICES, self.edit_choices)

        help_menu = bar.addMenu(strings.MENU_HELP)
        self._action(help_menu, strings.MENU_GUIDE, self.open_guide, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, strings.ABOUT, self.about)

    def print_current(self, show=None) -> None:
        """文件 → 打印…: the current tab's form, as its PDF export lays it out."""
        from ui.print_preview import print_list

        self.cases_page.editor.flush()
        form_id = "cases" if self.tabs.currentWidget() is self.cases_page else "needs"
        consolidated = self.tabs.currentWidget() is self.consolidation_page
        print_list(self, self.store, form_id, consolidated=consolidated,
                   on_fix=lambda: self._show_what_to_fix(form_id, consolidated), show=show)

    def _export_current_case(self) -> None:
        case_id = self.cases_page.editor.case_id
        if not case_id:
            QMessageBox.information(self, APP_NAME, strings.PICK_A_CASE)
            return
        self._export("cases", "pdf", ids=[case_id])

    def edit_profile(self) -> None:
        from ui.profile_dialog import ProfileDialog

        self._flush_case()
        if ProfileDialog(self.store, parent=self).exec():
            # The profile's unit is copied onto the records entered here.
            self.undo.notify(OpChanges(frozenset({"needs", "cases"}), profile=True))

    def edit_choices(self) -> None:
        from ui.choices_dialog import ChoicesDialog

        self._flush_case()
        ChoicesDialog(self.undo, self).exec()  # it announces its changes through the history

    def open_recycle(self) -> None:
        from ui.recycle_dialog import RecycleDialog

        self._flush_case()
        dialog = RecycleDialog(self.store, self)
        dialog.exec()
        if dialog.restored:
            # Restoring outside the edit history: keep the history honest.
            self.undo.notify(OpChanges(frozenset({"needs", "cases"}), rows=True), forget=True)

    def open_guide(self) -> None:
        from ui.help_dialog import HelpDialog

        HelpDialog(self).exec()

    def about(self) -> None:
        from ui.about_dialog import AboutDialog

        AboutDialog(self.store.path, self).exec()

    def closeEvent(self, event) -> None:
        # Edits are already in SQLite; only the case form may hold <0.4 s of typing.
        self._flush_case()
        # A search typed just before closing must not run after the database is closed.
        pages = [self.needs_page]
        if self._consolidation_page is not None:
            pages.append(self._consolidation_page.needs)
        for page in pages:
            page.cancel_pending_search()
        if self._cases_page is not None:
            self._cases_page.search.cancel_pending()
        super().closeEvent(event)
