"""导出前检查: drafts and their problems, a missing profile, likely duplicates, needs without a level;
and the draft's bad cells marked in the xlsx."""

from __future__ import annotations

import subprocess
import sys

import openpyxl

from exports.preflight import check
from exports.xlsx_common import ERROR_COLOR
from exports.xlsx_needs import FIRST_DATA_ROW, SHEET_NAME, export_needs_xlsx
from forms.needs import FLAG_NATIONAL
from storage import Store
from tests.conftest import PROFILE
from tests.exports.test_xlsx_needs import BASE, col

GOOD = {**BASE, "subject_name": "福建闽江智能装备有限公司", "credit_code": "914403001922038216",
        "content": "希望开展产业专利导航。", "coord_level": FLAG_NATIONAL, "phone": "13812345678"}
DRAFT = {**BASE, "subject_name": "厦门鹭岛生物科技有限公司", "credit_code": "91350200MA12345678",
         "content": "申请质押融资。", "coord_level": "", "phone": "13812345678"}


def test_a_ready_list_says_nothing(store):
    store.needs.insert_many([GOOD])
    report = check(store, "needs")
    assert report.ready and report.text() == ""


def test_drafts_missing_level_and_profile(store):
    store.needs.insert_many([GOOD, DRAFT])
    report = check(store, "needs")
    assert not report.ready
    assert [d.name for d in report.drafts] == ["厦门鹭岛生物科技有限公司"]
    assert any("统一社会信用代码" in p for p in report.drafts[0].problems)
    assert report.no_level == ["厦门鹭岛生物科技有限公司"]
    assert report.profile_problems == []
    text = report.text()
    assert "1 条需求是草稿（共 2 条）" in text and "1 条需求没有选择协调层级" in text

    blank = Store.open(":memory:")
    blank.needs.insert_many([GOOD])
    assert check(blank, "needs").profile_problems == ["还没有填写填报单位信息。"]
    assert "填报单位信息不完整" in check(blank, "needs").text()
    blank.close()


def test_likely_duplicates_from_two_units(store):
    a = {**GOOD, "unit": "福州市鼓楼区市场监督管理局"}
    b = {**GOOD, "unit": "福州市台江区市场监督管理局", "subject_name": "福建闽江智能装备有限公司 "}
    store.needs.insert_many([a, b])
    report = check(store, "needs", consolidated=True)
    assert len(report.duplicates) == 1
    assert "福州市台江区市场监督管理局" in "、".join(report.duplicates[0])
    assert "1 组疑似重复" in report.text()


def test_draft_cells_are_marked_in_the_xlsx(store, tmp_path):
    store.needs.insert_many([GOOD, DRAFT])
    out = tmp_path / "清单.xlsx"
    export_needs_xlsx(store, out)
    ws = openpyxl.load_workbook(out)[SHEET_NAME]
    good, bad = FIRST_DATA_ROW, FIRST_DATA_ROW + 1
    code = ws.cell(bad, col("credit_code"))
    assert code.value == "91350200MA12345678"  # written unchanged
    assert code.comment is not None and "统一社会信用代码" in code.comment.text
    assert code.font.color.rgb.endswith(ERROR_COLOR) and code.border.left.color.rgb.endswith(ERROR_COLOR)
    level = ws.cell(bad, col("coord_level"))
    assert level.value is None and "必填" in level.comment.text
    assert ws.cell(bad, col("subject_name")).comment is None
    for key in ("credit_code", "coord_level", "subject_name"):
        assert ws.cell(good, col(key)).comment is None


def test_command_line_prints_the_same_as_warnings(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    db = tmp_path / "x.db"
    store = Store.open(db)
    store.set_profile(PROFILE)
    store.needs.insert_many([GOOD, DRAFT])
    store.close()
    out = tmp_path / "清单.xlsx"
    proc = subprocess.run([sys.executable, str(root / "main.py"), "export", "needs", "--db", str(db),
                           "--out", str(out)], capture_output=True, text=True, timeout=120, cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "已导出需求 2 条" in proc.stdout
    assert "注意（仍会导出）" in proc.stderr and "厦门鹭岛生物科技有限公司" in proc.stderr
    assert "没有选择协调层级" in proc.stderr and "Traceback" not in proc.stderr
    assert out.exists()
