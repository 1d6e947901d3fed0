"""Feedback in the window: 汇总 → 导出对接反馈 writes one file per unit; a district's import
preview says other units' needs are left out and offers to take them."""

from __future__ import annotations

import openpyxl

from storage import Store
from tests.conftest import PROFILE
from ui.qt import QDialog, QMessageBox, Qt

CITY = {"unit": "福州市市场监督管理局", "city": "福州市", "district": "", "reporter": "王强",
        "phone": "0591-87000000", "year": 2023, "report_date": "2023-06-12"}


def district_list(path, unit: str, district: str, names: list[str]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "需求清单"
    ws.append(["2023年知识产权服务万里行活动需求清单"])
    ws.append([f"填报单位：{unit}", None, f"所属地区：福州市{district}"])
    ws.append(["序号", "需求主体名称", "需求类别", "需求内容", "协调层级", "联系电话"])
    for n, name in enumerate(names, 1):
        ws.append([n, name, "商标品牌建设", f"{name}需要商标品牌指导", "省局", "13812345678"])
    wb.save(path)


def city_with_two_districts(db_path, tmp_path) -> Store:
    """The city's database after importing 鼓楼区 (甲公司, 乙公司) and 台江区 (丙公司); open."""
    from exports.importing import import_entries, read_each

    store = Store.open(db_path)
    store.set_profile(CITY)
    files = [tmp_path / "鼓楼.xlsx", tmp_path / "台江.xlsx"]
    district_list(files[0], "福州市鼓楼区市场监督管理局", "鼓楼区", ["甲公司", "乙公司"])
    district_list(files[1], "福州市台江区市场监督管理局", "台江区", ["丙公司"])
    import_entries(store, read_each(store, files), total=2)
    return store


def test_feedback_export_from_the_summary_tab(qtbot, app_window, db_path, tmp_path, monkeypatch):
    from ui import feedback_dialog

    store = city_with_two_districts(db_path, tmp_path)
    first = store.needs.rows()[0]
    store.needs.update(first["id"], {"status": "已匹配资源", "feedback": "已对接省保护中心。"})
    store.close()

    window = app_window()
    page = window.consolidation_page
    out = tmp_path / "反馈"
    seen = {}

    def choose(dialog):
        seen["items"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        dialog.list.item(1).setCheckState(Qt.CheckState.Unchecked)  # only 鼓楼区
        dialog.folder.setText(str(out))
        dialog.show()
        dialog.grab().save(str(tmp_path / "feedback-dialog.png"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(feedback_dialog.FeedbackDialog, "exec", choose)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.setdefault("done", box.text()))
    page.feedback_button.click()
    qtbot.waitUntil(lambda: "done" in seen, timeout=20000)
    assert seen["items"][0].startswith("福州市鼓楼区市场监督管理局（福州市鼓楼区）")
    assert "需求 2 条，有反馈 1 条" in seen["items"][0]
    assert "已为 1 个单位导出反馈文件" in seen["done"]
    (written,) = list(out.iterdir())
    assert written.name.startswith("2023年万里行需求反馈_福州市鼓楼区_")
    ws = openpyxl.load_workbook(written)["需求清单"]
    labels = [c.value for c in ws[5]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6) if r[1].value]
    assert [r[labels.index("需求主体名称")] for r in rows] == ["甲公司", "乙公司"]
    assert rows[0][labels.index("对接反馈")] == "已对接省保护中心。"


def test_district_preview_leaves_other_units_out(qtbot, app_window, tmp_path, monkeypatch):
    from ui import import_dialog

    window = app_window()  # the default profile is a district (鼓楼区)
    assert window.store.profile()["district"] == PROFILE["district"]
    path = tmp_path / "台江.xlsx"
    district_list(path, "福州市台江区市场监督管理局", "台江区", ["丙公司", "丁公司"])
    seen: dict = {"runs": []}

    def decide(dialog):
        seen["runs"].append((dialog.other_units.isVisible() or not dialog.other_units.isHidden(),
                             dialog.previews[0].plan.other_units, "".join(dialog.previews[0].plan.warnings)))
        if len(seen["runs"]) == 1:
            dialog.show()
            dialog.grab().save(str(tmp_path / "preview.png"))
            dialog.include_other_units = True  # what ticking the box does, then preview again
            return import_dialog.PreviewDialog.RERUN
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_dialog.PreviewDialog, "exec", decide)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: seen.setdefault("done", a[2]))
    import_dialog.import_paths(window, window.store, [path], window.reload_all)
    qtbot.waitUntil(lambda: "done" in seen, timeout=30000)
    (shown, others, warning), (_, others_after, _) = seen["runs"]
    assert shown and others == 2 and "其他单位的需求 2 条，不导入" in warning
    assert others_after == 0
    assert sorted(r["subject_name"] for r in window.store.needs.rows()) == ["丁公司", "丙公司"]


def test_feedback_filter_colours_and_summary_line(qtbot, app_window, db_path, tmp_path, monkeypatch):
    """A district imports its feedback file: 新反馈 shows what arrived until the officer has
    looked; 有反馈 stays; 办理状态 is coloured; the summary line counts the outcomes."""
    from exports.feedback import export_feedback
    from exports.importing import import_entries, read_each
    from exports.xlsx_needs import export_needs_xlsx
    from ui.record_model import STATUS_TEXT

    district = Store.open(db_path)
    district.set_profile(PROFILE)
    for name in ("甲公司", "乙公司", "丙公司"):
        district.needs.insert({**district.local_defaults("needs"), "subject_name": name,
                               "category": "商标品牌建设", "content": f"{name}需要商标品牌指导",
                               "coord_level": "需省知识产权局协调"})
    export_needs_xlsx(district, tmp_path / "up.xlsx")
    city = Store.open(tmp_path / "city.db")
    city.set_profile(CITY)
    import_entries(city, read_each(city, [tmp_path / "up.xlsx"]), total=1)
    by_name = {r["subject_name"]: r["id"] for r in city.needs.rows()}
    city.needs.update(by_name["甲公司"], {"status": "已匹配资源", "matched_resource": "省商标品牌指导站",
                                          "feedback": "已安排品牌指导站对接。"})
    city.needs.update(by_name["乙公司"], {"status": "已解决", "feedback": "已完成商标注册指导。"})
    ((_, down),) = export_feedback(city, tmp_path / "down")
    city.close()
    import_entries(district, read_each(district, [down]), total=1)
    district.close()

    window = app_window()
    page = window.needs_page
    assert "已匹配资源 1 项，已解决 1 项" in page.summary.text()
    status_col = [f.key for f in page.model.fields].index("status")
    first = page.model.index(0, status_col + page.model.columnCount() - len(page.model.fields))
    assert page.model.data(first, Qt.ItemDataRole.DisplayRole) == "已匹配资源"
    assert page.model.data(first, Qt.ItemDataRole.ForegroundRole).color() == STATUS_TEXT["已匹配资源"]

    new_item = page.feedback_box.findData("new")
    assert page.feedback_box.itemText(new_item) == "新反馈 2 项（上次查看后收到）"
    assert "收到新反馈 2 项，可在“新反馈”中查看" in page.summary.text()
    window.resize(1280, 800)
    window.grab().save(str(tmp_path / "feedback-arrived.png"))
    page.feedback_box.setCurrentIndex(new_item)
    assert len(page.model.ids) == 2
    assert "收到新反馈" not in page.summary.text()  # looking at them now
    window.resize(1400, 600)
    window.grab().save(str(tmp_path / "feedback-filter.png"))
    page.feedback_box.setCurrentIndex(page.feedback_box.findData("has"))  # looked: no longer new
    assert len(page.model.ids) == 2
    assert page.feedback_box.itemText(new_item) == "新反馈（上次查看后收到）"
    page.feedback_box.setCurrentIndex(page.feedback_box.findData("new"))
    assert len(page.model.ids) == 0


def test_summary_export_takes_the_current_filter(qtbot, app_window, db_path, tmp_path, monkeypatch):
    """汇总 → 导出汇总 Excel writes what 汇总清单's filters show: here one district."""
    from ui import export_actions

    store = city_with_two_districts(db_path, tmp_path)
    store.close()
    window = app_window()
    page = window.consolidation_page
    opened: dict = {}
    monkeypatch.setattr(export_actions, "_ask_path", lambda parent, title, name, ext: tmp_path / name)
    monkeypatch.setattr(export_actions, "offer_to_open",
                        lambda parent, path, text: opened.update(path=path, text=text))
    page.needs.city_box.setCurrentIndex(page.needs.city_box.findData("福州市"))
    page.needs.district_box.setCurrentIndex(page.needs.district_box.findData("台江区"))
    assert len(page.needs.model.ids) == 1
    button = next(b for b in page.findChildren(type(page.feedback_button)) if b.text() == "导出汇总 Excel…")
    button.click()
    qtbot.waitUntil(lambda: "path" in opened, timeout=30000)
    assert opened["text"] == "已导出需求 1 条。"
    ws = openpyxl.load_workbook(opened["path"])["需求清单"]
    labels = [c.value for c in ws[5]]
    names = [r[labels.index("需求主体名称")] for r in ws.iter_rows(min_row=6, values_only=True)
             if r[labels.index("需求主体名称")]]
    assert names == ["丙公司"]
    # No filter: the whole list.
    opened.clear()
    page.needs.city_box.setCurrentIndex(0)
    button.click()
    qtbot.waitUntil(lambda: "path" in opened, timeout=30000)
    assert opened["text"] == "已导出需求 3 条。"
