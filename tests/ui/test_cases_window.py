from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from storage import Store
from tests.ui.keyboard_typing import type_text
from ui.qt import QApplication, Qt

ROOT = Path(__file__).resolve().parents[2]


def fill_case(qtbot, editor) -> None:
    e = editor.form.editors
    type_text(qtbot, e["name"], "专利导航助力智能装备产业链升级")
    e["category"].setCurrentIndex(e["category"].findText("知识产权服务助力产业链安全"))
    type_text(qtbot, e["implementer"], "鼓楼区市场监管局、闽江知识产权服务中心")
    type_text(qtbot, e["contact"], "陈静")
    type_text(qtbot, e["position"], "科长")
    type_text(qtbot, e["phone"], "13912345678")
    type_text(qtbot, e["email"], "chen@example.com")
    e["enterprises"].setValue(35)
    e["activities"].setValue(6)
    e["participants"].setValue(420)
    type_text(qtbot, e["background"], "智能装备产业是本区重点产业。")
    type_text(qtbot, e["practice"], "组织专利导航，形成分析报告。")
    type_text(qtbot, e["results"], "促成专利许可3项。")
    type_text(qtbot, e["lessons"], "精准对接需求是关键。")


EXPECTED = {
    "name": "专利导航助力智能装备产业链升级", "recommender": "福州市鼓楼区市场监督管理局", "city": "福州市",
    "district": "鼓楼区", "category": "知识产权服务助力产业链安全", "implementer": "鼓楼区市场监管局、闽江知识产权服务中心",
    "contact": "陈静", "position": "科长", "phone": "13912345678", "email": "chen@example.com",
    "enterprises": 35, "activities": 6, "participants": 420, "background": "智能装备产业是本区重点产业。",
    "practice": "组织专利导航，形成分析报告。", "results": "促成专利许可3项。", "lessons": "精准对接需求是关键。",
}


def test_type_a_case_close_and_reopen(qtbot, app_window):
    window = app_window()
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    case_id = page.add_case()
    fill_case(qtbot, page.editor)
    used = sum(len(EXPECTED[k]) for k in ("background", "practice", "results", "lessons"))
    assert page.editor.counter.text().startswith(f"案例内容合计 {used} / 2000 字")
    window.close()  # flushes the last keystrokes

    again = app_window()
    row = again.store.cases.get(case_id)
    assert {k: row[k] for k in EXPECTED} == EXPECTED
    assert row["complete"] == 1
    editor = again.cases_page.editor
    assert editor.case_id == case_id
    assert editor.form.editors["name"].text() == EXPECTED["name"]
    assert editor.form.editors["enterprises"].value() == 35


def test_over_limit_counter_and_draft(qtbot, app_window):
    window = app_window()
    page = window.cases_page
    case_id = page.add_case()
    page.editor.form.editors["background"].setPlainText("甲" * 2100)
    assert "超出 100 字" in page.editor.counter.text()
    page.editor.flush()
    assert window.store.cases.get(case_id)["complete"] == 0
    assert not page.editor.form.errors["background"].isHidden()


def test_image_attach_and_reject_non_image(qtbot, app_window, tmp_path, monkeypatch):
    from ui.qt import QImage, QMessageBox

    window = app_window()
    page = window.cases_page
    page.add_case()
    png = tmp_path / "现场.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.red)
    image.save(str(png))
    assert page.editor.add_image(png)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    bad = tmp_path / "假图片.png"
    bad.write_text("not an image")
    assert not page.editor.add_image(bad)
    assert "无法读取图片“假图片.png”" in warnings[0]
    assert page.editor.images.count() == 1


KILL_SCRIPT = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from storage import Store
    from ui.app import ensure_app
    from ui.main_window import MainWindow
    from ui.qt import QTimer
    app = ensure_app()
    store = Store.open({db!r})
    store.set_profile({{"unit": "测试单位", "city": "福州市", "district": "鼓楼区", "reporter": "林", "phone": "13800000000", "year": 2023}})
    window = MainWindow(store)
    window.show()
    window.needs_page.paste_text("需求主体名称\\t需求内容\\n被杀前粘贴的企业\\t需求A\\n")
    page = window.cases_page
    page.add_case()
    page.editor.form.editors["name"].setText("被杀前输入的案例")
    def kill():
        os.kill(os.getpid(), 9)   # no close event, no flush: like pulling the plug
    QTimer.singleShot(1500, kill)  # well after the 0.4 s autosave
    app.exec()
""")


def test_killed_process_loses_nothing_acknowledged(db_path):
    script = KILL_SCRIPT.format(root=str(ROOT), db=str(db_path))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode in (-9, 137), proc.stderr.decode(errors="replace")
    store = Store.open(db_path)
    assert [r["subject_name"] for r in store.needs.rows()] == ["被杀前粘贴的企业"]
    assert [r["name"] for r in store.cases.rows()] == ["被杀前输入的案例"]
    store.close()


def test_first_run_profile_dialog(qtbot, db_path):
    from ui.profile_dialog import ProfileDialog

    store = Store.open(db_path)
    dialog = ProfileDialog(store, first_run=True)
    qtbot.addWidget(dialog)
    e = dialog.form.editors
    type_text(qtbot, e["unit"], "厦门市思明区市场监督管理局")
    e["city"].setCurrentIndex(e["city"].findText("厦门市"))
    assert e["district"].findText("思明区") > 0 and e["district"].findText("鼓楼区") < 0
    e["district"].setCurrentIndex(e["district"].findText("思明区"))
    type_text(qtbot, e["reporter"], "吴敏")
    type_text(qtbot, e["phone"], "0592-2345678")
    e["year"].setValue(2024)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    store.close()
    again = Store.open(db_path)
    p = again.profile()
    assert (p["unit"], p["city"], p["district"], p["reporter"], p["phone"], p["year"]) == (
        "厦门市思明区市场监督管理局", "厦门市", "思明区", "吴敏", "0592-2345678", 2024)
    again.close()
    QApplication.processEvents()


def test_mark_recommended(qtbot, app_window):
    window = app_window()
    page = window.cases_page
    first = page.add_case()
    second = page.add_case()
    page.select(first)
    page.mark(1)
    page.select(second)
    page.mark(0)
    assert page.recommended_ids() == [first]
    column = page.model.column_of("recommended")
    assert page.model.index(page.model.row_of(first), column).data() == "推荐"
    assert page.model.index(page.model.row_of(second), column).data() == "不推荐"


def test_search_the_case_list_by_any_field(qtbot, app_window):
    """附件2's list has the needs lists' search: any field (here 经验做法, not a list column), the
    first match opened, a word that matches nothing said so, and 新增案例 shows the new case."""
    window = app_window()
    window.tabs.setCurrentIndex(1)
    page = window.cases_page
    texts = {"专利导航助力产业链": "组织专利导航，形成分析报告。", "商标品牌指导站": "建立商标品牌指导站。",
             "质押融资服务": "开展专利质押融资，专利评估入园。"}
    for name, practice in texts.items():
        window.undo.run(lambda ops, n=name, p=practice: ops.add_records(
            "cases", [{**page.store.local_defaults("cases"), "name": n, "practice": p}], "新增案例"))
    assert page.model.rowCount() == 3

    type_text(qtbot, page.search, "质押")  # in 经验做法 only
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert page.store.cases.get(page.model.ids[0])["name"] == "质押融资服务"
    assert page.editor.form.editors["name"].text() == "质押融资服务"
    assert not page.empty_hint.isVisibleTo(page)

    page.search.setText("专利 评估")  # words joined by a space: both must appear
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and not page.search.pause.isActive(), timeout=5000)
    assert page.store.cases.get(page.model.ids[0])["name"] == "质押融资服务"

    page.search.setText("无此案例")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0 and not page.search.pause.isActive(), timeout=5000)
    assert page.empty_hint.isVisibleTo(page)
    assert page.empty_hint.text() == "没有与“无此案例”匹配的案例。清空搜索框可显示全部案例。"

    page.view.setFocus()  # Ctrl+F from the list selects the search, as on the needs lists
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus() and page.search.selectedText() == "无此案例"

    new_id = page.add_case()  # would match no search: the search is cleared and the new case shown
    assert page.search.text() == "" and page.model.rowCount() == 4
    assert page.editor.case_id == new_id
    assert page.empty_hint.text() == "还没有案例。点击“新增案例”开始填写。" and not page.empty_hint.isVisibleTo(page)
