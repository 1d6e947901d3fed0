"""The import preview a city supervisor works in: tick files in and out (the plan is made
again), rows named by enterprise, conflicts side by side resolved in bulk, and 来源 in 汇总清单."""

from __future__ import annotations

import time

from storage import Store
from tests.listings import MAWEI, ORIGINAL, TAIJIANG, A, B, listing, revised
from tests.ui.test_import_window import as_city
from ui.qt import QDialog, QMessageBox, QPushButton


def run_preview(qtbot, window, paths, monkeypatch, decide):
    """import_paths with the preview dialog driven by ``decide(dialog)``; waits for the end."""
    from ui import import_dialog

    seen: dict = {}

    def exec_(dialog):
        dialog.show()
        try:
            return decide(dialog)
        except BaseException as exc:  # reported by the test, not lost in Qt's event loop
            seen["done"], seen["error"] = None, exc
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(import_dialog.PreviewDialog, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: seen.setdefault("done", a[2]))
    import_dialog.import_paths(window, window.store, paths, window.reload_all)
    qtbot.waitUntil(lambda: "done" in seen, timeout=30000)
    if "error" in seen:
        raise seen["error"]
    return seen


def wait_planned(qtbot, dialog):
    qtbot.waitUntil(lambda: not dialog._timer.isActive() and not dialog.replanning
                    and dialog.import_button.isEnabled(), timeout=20000)


def counts(dialog, row):
    return dialog.previews[row].plan.counts


def test_unticking_a_file_plans_the_others_again_and_leaves_it_out(qtbot, app_window, db_path, tmp_path,
                                                                   monkeypatch):
    as_city(db_path)
    window = app_window()
    original = listing(tmp_path / "台江区需求清单.xlsx", ORIGINAL, saved=time.time() - 3600)
    revision = listing(tmp_path / "台江区需求清单（修订）.xlsx", revised(category_b="商标品牌建设"))
    broken = tmp_path / "损坏的清单.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    seen: dict = {}

    def decide(dialog):
        files = dialog.files
        # Files are in order: the broken one, the original, the revision (sorted by name).
        names = [files.item(r, 1).text() for r in range(files.rowCount())]
        assert names == ["台江区需求清单.xlsx", "台江区需求清单（修订）.xlsx", "损坏的清单.xlsx"]
        refused = 2
        assert not files.is_ticked(refused)
        files.set_ticked(refused, True)  # a refused file cannot be ticked
        assert not files.is_ticked(refused) and files.ticked_rows() == [0, 1]
        assert files.item(refused, 2).text().startswith("无法导入：已损坏，无法打开")
        assert str(broken.resolve()) in files.item(refused, 1).toolTip()
        # Both ticked: the revision is planned against what the original leaves.
        assert counts(dialog, 0)["new"] == 2
        assert (counts(dialog, 1)["new"], counts(dialog, 1)["changed"], counts(dialog, 1)["identical"]) == (0, 1, 1)
        dialog.files.setCurrentCell(1, 1)
        rows = dialog.details.rows
        assert [rows.item(r, 0).text() for r in range(rows.rowCount())] == [A, B]  # named by enterprise
        assert [rows.item(r, 1).text() for r in range(rows.rowCount())] == ["更新", "相同"]
        assert rows.item(0, 2).text() == "联系电话：“13812345678” → “13900000001”"
        assert rows.item(0, 3).text() == "需求清单 第 5 行"
        assert "工作表“需求清单”第 5 行" in rows.item(0, 0).toolTip()
        seen["summary_before"] = dialog.summary.text()

        files.set_ticked(0, False)  # untick the original: the revision is now all new
        assert not dialog.import_button.isEnabled()
        wait_planned(qtbot, dialog)
        assert files.item(0, 2).text() == "不导入"
        assert counts(dialog, 1)["new"] == 2 and counts(dialog, 1)["changed"] == 0
        assert files.item(1, 2).text() == "新增 2"
        seen["summary_after"] = dialog.summary.text()
        assert [p.path.name for p in dialog.selected_previews()] == ["台江区需求清单（修订）.xlsx"]
        return QDialog.DialogCode.Accepted

    run_preview(qtbot, window, [original, revision, broken], monkeypatch, decide)
    assert seen["summary_before"].startswith("共 3 个文件，勾选导入 2 个：新增 2 条，更新 1 条，冲突 0 条，相同 1 条")
    assert seen["summary_after"].startswith("共 3 个文件，勾选导入 1 个：新增 2 条，更新 0 条")
    window.close()
    window.store.close()
    store = Store.open(db_path)  # what was imported, after a restart
    try:
        rows = {r["subject_name"]: r for r in store.needs.rows()}
        assert set(rows) == {A, B}
        assert rows[A]["phone"] == "13900000001"
        assert {r["source_file"] for r in rows.values()} == {"台江区需求清单（修订）.xlsx"}
        assert [b["file_name"] for b in store.db.query("select file_name from import_batches")] == [
            "台江区需求清单（修订）.xlsx"]
    finally:
        store.close()


def test_ticking_back_restores_the_plan(qtbot, tmp_path, db_path):
    """The dialog on its own: untick, tick again — the plans return to what they were."""
    from exports.importing import preview_files
    from ui.import_dialog import PreviewDialog

    as_city(db_path)
    first = listing(tmp_path / "a.xlsx", ORIGINAL, saved=time.time() - 3600)
    copy = listing(tmp_path / "b.xlsx", ORIGINAL)
    store = Store.open(db_path)
    previews = preview_files(store, [first, copy])
    store.close()
    dialog = PreviewDialog(previews, db_path=str(db_path))
    qtbot.addWidget(dialog)
    dialog.show()
    assert counts(dialog, 1)["new"] == 0 and counts(dialog, 1)["identical"] == 2
    dialog.files.set_ticked(0, False)
    wait_planned(qtbot, dialog)
    assert counts(dialog, 1)["new"] == 2
    dialog.files.set_ticked(0, True)
    wait_planned(qtbot, dialog)
    assert counts(dialog, 0)["new"] == 2 and counts(dialog, 1)["new"] == 0 and counts(dialog, 1)["identical"] == 2
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    buttons["全部不选"].click()
    qtbot.waitUntil(lambda: not dialog._timer.isActive() and not dialog.replanning, timeout=20000)
    assert dialog.files.ticked_rows() == [] and not dialog.import_button.isEnabled()
    assert dialog.summary.text().startswith("共 2 个文件，勾选导入 0 个：新增 0 条")
    buttons["全部勾选"].click()
    wait_planned(qtbot, dialog)
    assert dialog.files.ticked_rows() == [0, 1] and counts(dialog, 1)["identical"] == 2


def test_a_cancelled_replan_says_the_figures_are_stale(qtbot, tmp_path, db_path, monkeypatch):
    from exports.importing import preview_files
    from forms.progress import Cancelled
    from ui import import_dialog

    as_city(db_path)
    paths = [listing(tmp_path / "a.xlsx", ORIGINAL, saved=time.time() - 3600), listing(tmp_path / "b.xlsx", ORIGINAL)]
    store = Store.open(db_path)
    previews = preview_files(store, paths)
    store.close()
    dialog = import_dialog.PreviewDialog(previews, db_path=str(db_path))
    qtbot.addWidget(dialog)
    dialog.show()

    def cancelled(*_args, **_kwargs):
        raise Cancelled

    monkeypatch.setattr(import_dialog, "replan_previews", cancelled)
    dialog.files.set_ticked(0, False)
    qtbot.waitUntil(lambda: not dialog._timer.isActive() and not dialog.replanning, timeout=20000)
    assert dialog.summary.text().startswith("已取消重新计算") and not dialog.import_button.isEnabled()
    assert dialog.replan_button.isVisible()
    monkeypatch.undo()
    dialog.replan_button.click()
    wait_planned(qtbot, dialog)
    assert counts(dialog, 1)["new"] == 2 and not dialog.replan_button.isVisible()


def _conflict_setup(db_path, tmp_path):
    """The city imported 台江's list and corrected both records; 台江 then sent a revision."""
    from exports.importing import import_entries, read_each

    as_city(db_path)
    original = listing(tmp_path / "台江区需求清单.xlsx", ORIGINAL, saved=time.time() - 3600)
    store = Store.open(db_path)
    import_entries(store, read_each(store, [original]), total=1)
    for record in store.needs.rows():
        store.needs.update(record["id"], {"phone": "0591-88880000" if record["subject_name"] == A else "0591-88881111"})
    store.close()
    return listing(tmp_path / "台江区需求清单（修订）.xlsx", revised(phone_a="13900000001", category_b="专利导航"))


def test_conflicts_side_by_side_and_bulk_choices_are_imported(qtbot, app_window, db_path, tmp_path, monkeypatch):
    revision = _conflict_setup(db_path, tmp_path)
    window = app_window()
    seen: dict = {}

    def decide(dialog):
        table = dialog.conflicts
        assert dialog.tabs.tabText(1) == "冲突（2）"
        assert len(table.conflicts) == 2
        t = table.table
        # One record per block of rows: name and choice span the fields that differ.
        assert t.item(0, 0).text().startswith(f"{A}\n台江区需求清单（修订）.xlsx · 需求清单 第 5 行")
        assert [(t.item(r, 1).text(), t.item(r, 2).text(), t.item(r, 3).text()) for r in range(t.rowCount())] == [
            ("联系电话", "0591-88880000", "13900000001"),
            ("需求类别", "商标品牌建设", "专利导航与分析评议"),
            ("联系电话", "0591-88881111", "0591-87530216")]
        assert t.rowSpan(1, 0) == 2 and t.rowSpan(1, 4) == 2
        assert table.combo(0).currentText() == "保留本地"
        buttons = {b.text(): b for b in table.findChildren(QPushButton)}
        assert set(buttons) >= {"全部保留本地", "全部采用文件", "所选保留本地", "所选采用文件"}
        buttons["全部采用文件"].click()
        assert [table.combo(n).currentText() for n in range(2)] == ["采用文件", "采用文件"]
        t.selectRow(2)  # a field row of the second record selects the record
        buttons["所选保留本地"].click()
        assert [table.combo(n).currentText() for n in range(2)] == ["采用文件", "保留本地"]
        assert table.status.text() == "已选：保留本地 1 条，采用文件 1 条，两条都保留 0 条。"
        wait_planned(qtbot, dialog)
        # The table was kept (same conflicts), and the decisions are what the import gets.
        assert [table.combo(n).currentText() for n in range(2)] == ["采用文件", "保留本地"]
        seen["decisions"] = {k: dict(v) for k, v in dialog.decisions.items()}
        # From the file's rows, a double-click on a conflict shows it in the table.
        dialog.tabs.setCurrentIndex(0)
        dialog.files.setCurrentCell(0, 1)
        assert dialog.details.rows.item(1, 0).text() == B
        dialog.details.rows.cellDoubleClicked.emit(1, 0)
        assert dialog.tabs.currentWidget() is table and table.selected() == [1]
        return QDialog.DialogCode.Accepted

    run_preview(qtbot, window, [revision], monkeypatch, decide)
    assert list(seen["decisions"].values()) == [{"需求清单!5": "take_theirs", "需求清单!6": "keep_mine"}]
    window.close()
    window.store.close()
    store = Store.open(db_path)  # after a restart
    try:
        rows = {r["subject_name"]: r for r in store.needs.rows()}
        assert rows[A]["phone"] == "13900000001"  # 采用文件
        assert (rows[B]["phone"], rows[B]["category"]) == ("0591-88881111", "商标品牌建设")  # 保留本地
    finally:
        store.close()


def test_preview_fits_1280_by_800(qtbot, db_path, tmp_path):
    """At 1280×800 the file names are cut in the middle (full path in the tooltip) and the
    conflict table's 处理方式 column is wholly inside the view."""
    from exports.importing import preview_files
    from ui.import_dialog import PreviewDialog

    revision = _conflict_setup(db_path, tmp_path)
    long_name = revision.with_name("福州市台江区市场监督管理局2023年知识产权服务万里行活动需求清单（修订版，请以此为准）.xlsx")
    revision.rename(long_name)
    store = Store.open(db_path)
    previews = preview_files(store, [long_name])
    store.close()
    dialog = PreviewDialog(previews, db_path=str(db_path))
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitExposed(dialog)
    files = dialog.files
    name_rect = files.visualItemRect(files.item(0, 1))
    assert files.fontMetrics().horizontalAdvance(long_name.name) > name_rect.width()  # so it is elided
    assert name_rect.width() >= 200
    assert files.item(0, 1).toolTip().startswith(str(long_name.resolve()))
    assert files.textElideMode().name == "ElideMiddle"
    t = dialog.conflicts.table
    header = t.horizontalHeader()
    right = header.sectionViewportPosition(4) + header.sectionSize(4)
    assert header.sectionSize(4) >= 110 and right <= t.viewport().width()
    assert header.sectionSize(2) >= 150 and header.sectionSize(3) >= 150  # both versions readable


def test_origin_shows_file_unit_and_time(qtbot, app_window, db_path, tmp_path):
    from exports.importing import import_entries, read_each

    as_city(db_path)
    taijiang = listing(tmp_path / "台江区需求清单.xlsx", ORIGINAL)
    mawei = listing(tmp_path / "马尾区需求清单.xlsx", [("福州马尾丙船舶有限公司", "专利导航", "船舶专利布局",
                                                        "省局", "0591-83680000")], unit=MAWEI)
    store = Store.open(db_path)
    import_entries(store, read_each(store, [taijiang, mawei]), total=2)
    local = store.needs.insert({**store.local_defaults("needs"), "subject_name": "本市自填丁公司",
                                "content": "本市录入"})
    times = {r["file_name"]: r["imported_at"] for r in store.db.query("select * from import_batches")}
    store.close()
    window = app_window()
    page = window.consolidation_page
    window.tabs.setCurrentWidget(page)
    page.tabs.setCurrentWidget(page.needs)
    page.refresh()
    assert page.origin.isVisible()
    model = page.needs.model

    def select(name):
        row = next(r for r in range(model.rowCount()) if model.record(r)["subject_name"] == name)
        page.needs.view.setCurrentIndex(model.index(row, 1))
        return page.origin.toPlainText()

    text = select("福州马尾丙船舶有限公司")
    assert page.origin.origin.source_file == "马尾区需求清单.xlsx" and page.origin.origin.unit == MAWEI
    assert "文件：马尾区需求清单.xlsx" in text and f"填报单位：{MAWEI}" in text
    assert f"导入时间：{times['马尾区需求清单.xlsx'][:16].replace('T', ' ')}" in text
    assert "新增 马尾区需求清单.xlsx" in text
    text = select(B)
    assert "文件：台江区需求清单.xlsx" in text and f"填报单位：{TAIJIANG}" in text
    select("本市自填丁公司")
    assert page.origin.record_id == local
    assert page.origin.toPlainText().startswith("来源 本机录入")
    page.tabs.setCurrentIndex(0)
    assert not page.origin.isVisible()


def test_a_decision_plans_again_only_the_files_it_affects(qtbot, db_path, tmp_path):
    """Taking the file's version of a conflict in the first revision turns the second
    revision's conflict into a plain update; a decision no later file depends on plans nothing."""
    from exports.importing import preview_files
    from ui.import_dialog import PreviewDialog

    first = _conflict_setup(db_path, tmp_path)  # conflicts on both records
    second = listing(tmp_path / "台江区需求清单（再修订）.xlsx", revised(phone_a="13900000002", category_b="专利导航"))
    other = listing(tmp_path / "马尾区需求清单.xlsx", [("福州马尾丙船舶有限公司", "专利导航", "船舶专利布局", "省局",
                                                      "0591-83680000")], unit=MAWEI)
    store = Store.open(db_path)
    previews = preview_files(store, [first, second, other])
    store.close()
    dialog = PreviewDialog(previews, db_path=str(db_path))
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.conflicts
    # The second revision's B equals the first's: seen and declined once, not asked again.
    assert [(c.file_name, c.item.name) for c in table.conflicts] == [
        (first.name, A), (first.name, B), (second.name, A)]
    table.combo(2).setCurrentIndex(2)  # the last 台江 file's choice: no later file has that record
    assert not dialog._timer.isActive() and dialog.import_button.isEnabled()
    table.combo(0).setCurrentIndex(1)  # 采用文件 for A in the first revision
    assert dialog._timer.isActive() and not dialog.import_button.isEnabled()
    wait_planned(qtbot, dialog)
    assert counts(dialog, 1)["conflict"] == 0 and counts(dialog, 1)["changed"] == 1  # A is now a plain update
    assert [(c.file_name, c.item.name) for c in table.conflicts] == [
        (first.name, A), (first.name, B)]
    assert [table.combo(n).currentText() for n in range(2)] == ["采用文件", "保留本地"]
    assert dialog.tabs.tabText(1) == "冲突（2）"


def test_other_units_box_plans_again_in_place(qtbot, db_path, tmp_path):
    """A district's preview: ticking 同时导入其他单位的需求 re-plans the same files, keeping ticks."""
    from exports.importing import preview_files
    from tests.conftest import PROFILE
    from ui.import_dialog import PreviewDialog

    store = Store.open(db_path)
    store.set_profile(PROFILE)  # 鼓楼区: takes only its own needs unless told otherwise
    previews = preview_files(store, [listing(tmp_path / "台江.xlsx", ORIGINAL)])
    store.close()
    dialog = PreviewDialog(previews, db_path=str(db_path))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.other_units.isVisible() and previews[0].plan.other_units == 2 and counts(dialog, 0)["new"] == 0
    dialog.other_units.setChecked(True)
    wait_planned(qtbot, dialog)
    assert dialog.include_other_units and counts(dialog, 0)["new"] == 2 and dialog.result() == 0  # still open


def test_a_file_saved_again_before_import_is_imported_as_previewed_and_the_officer_told(
        qtbot, app_window, db_path, tmp_path, monkeypatch):
    """The officer previews, edits the file in Excel meanwhile, then presses 导入: what was
    previewed is imported (the plans of the files after it depend on it) and the result says so."""
    as_city(db_path)
    window = app_window()
    path = listing(tmp_path / "台江区需求清单.xlsx", ORIGINAL)

    def decide(dialog):
        assert counts(dialog, 0)["new"] == 2
        listing(path, [*ORIGINAL, ("福州台江丙科技有限公司", "专利导航", "新加的一行", "本地解决", "13800000000")])
        return QDialog.DialogCode.Accepted

    seen = run_preview(qtbot, window, [path], monkeypatch, decide)
    assert seen["done"].splitlines() == [
        "注意：“台江区需求清单.xlsx”在预览之后被修改过或已移走，导入的是预览时看到的内容；如需导入修改后的内容，请再导入一次这个文件。",
        "“台江区需求清单.xlsx”导入完成：新增 2 条，更新 0 条，相同 0 条。"]
    assert window.store.needs.count() == 2
