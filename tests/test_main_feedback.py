"""The feedback step from the command line: export feedback per unit, a district's import
leaves other units' needs out unless asked, and filtered needs exports."""

from __future__ import annotations

import openpyxl

from storage import Store
from tests.conftest import PROFILE
from tests.test_main import run

CITY = {"unit": "福州市市场监督管理局", "city": "福州市", "district": "", "reporter": "王强",
        "phone": "0591-87000000", "year": 2023, "report_date": "2023-06-12"}
TAIJIANG = {**PROFILE, "unit": "福州市台江区市场监督管理局", "district": "台江区"}


def district_db(path, profile, names, level="需国家知识产权局协调"):
    store = Store.open(path)
    store.set_profile(profile)
    store.needs.insert_many([{**store.local_defaults("needs"), "subject_name": n, "category": "商标品牌建设",
                              "content": f"{n}需要品牌指导", "coord_level": level} for n in names])
    store.close()


def subjects(path) -> list[str]:
    ws = openpyxl.load_workbook(path)["需求清单"]
    labels = [c.value for c in ws[5]]
    i = labels.index("需求主体名称")
    return [r[i] for r in ws.iter_rows(min_row=6, values_only=True) if r[i]]


def test_feedback_down_and_a_district_takes_only_its_own(tmp_path):
    district_db(tmp_path / "gulou.db", PROFILE, ["甲公司", "乙公司"])
    district_db(tmp_path / "taijiang.db", TAIJIANG, ["丙公司"], level="本地解决")
    for name in ("gulou", "taijiang"):
        assert run("export", "needs", "--db", str(tmp_path / f"{name}.db"),
                   "--out", str(tmp_path / f"{name}.xlsx")).returncode == 0
    city = Store.open(tmp_path / "city.db")
    city.set_profile(CITY)
    city.close()
    done = run("import", "--db", str(tmp_path / "city.db"), str(tmp_path / "gulou.xlsx"), str(tmp_path / "taijiang.xlsx"))
    assert done.returncode == 0, done.stderr

    # Filtered exports: only the national-level needs of 鼓楼区.
    out = tmp_path / "national.xlsx"
    done = run("export", "needs", "--db", str(tmp_path / "city.db"), "--out", str(out), "--level", "国家局",
               "--district", "鼓楼区")
    assert done.returncode == 0 and "已导出需求 2 条" in done.stdout
    assert subjects(out) == ["甲公司", "乙公司"]
    done = run("export", "needs", "--db", str(tmp_path / "city.db"), "--out", str(out), "--status", "已解决")
    assert done.returncode != 0 and "没有符合筛选条件的需求" in done.stderr
    done = run("export", "needs", "--db", str(tmp_path / "city.db"), "--out", str(out), "--level", "随便")
    assert done.returncode != 0 and "不是协调层级（重点标注）的选项" in done.stderr

    # Feedback for one unit, named as the issue says.
    done = run("export", "feedback", "--db", str(tmp_path / "city.db"), "--out", str(tmp_path / "down"),
               "--unit", "福州市鼓楼区")
    assert done.returncode == 0, done.stderr
    (written,) = list((tmp_path / "down").iterdir())
    assert written.name.startswith("2023年万里行需求反馈_福州市鼓楼区_") and written.suffix == ".xlsx"
    assert subjects(written) == ["甲公司", "乙公司"]
    done = run("export", "feedback", "--db", str(tmp_path / "city.db"), "--out", str(tmp_path / "x.xlsx"))
    assert done.returncode != 0 and "应为一个文件夹" in done.stderr

    # The city's consolidated list at 台江区: its own need only, unless it consolidates.
    assert run("export", "needs", "--db", str(tmp_path / "city.db"), "--out", str(tmp_path / "all.xlsx"),
               "--consolidated").returncode == 0
    done = run("import", "--db", str(tmp_path / "taijiang.db"), str(tmp_path / "all.xlsx"), "--dry-run")
    assert "其他单位的需求 2 条，不导入" in done.stdout
    done = run("import", "--db", str(tmp_path / "taijiang.db"), str(tmp_path / "all.xlsx"))
    assert done.returncode == 0 and len(Store.open(tmp_path / "taijiang.db").needs.rows()) == 1
    done = run("import", "--db", str(tmp_path / "taijiang.db"), str(tmp_path / "all.xlsx"), "--include-other-units")
    assert done.returncode == 0 and "新增 2 条" in done.stdout
    assert len(Store.open(tmp_path / "taijiang.db").needs.rows()) == 3


def test_progress_report_from_the_command_line(tmp_path):
    """export progress: the district's needs with their feedback, for the 10/30 written summary —
    its own title, the content and matching columns only, and the outcome counts; the xlsx goes
    back into the city's database without touching what the report leaves out."""
    from exports.reading import read_file
    from storage.merge import preview

    district_db(tmp_path / "gulou.db", PROFILE, ["甲公司", "乙公司"])
    store = Store.open(tmp_path / "gulou.db")
    first = store.needs.rows()[0]
    store.needs.update(first["id"], {"phone": "13905910101", "status": "已解决", "matched_resource": "省保护中心",
                                     "feedback": "已完成商标品牌辅导。", "feedback_unit": "省局",
                                     "feedback_date": "2023-06-14"})
    store.close()
    out = tmp_path / "进展.xlsx"
    done = run("export", "progress", "--db", str(tmp_path / "gulou.db"), "--out", str(out))
    assert done.returncode == 0 and "已导出 2 项需求的办理进展" in done.stdout, done.stderr
    ws = openpyxl.load_workbook(out)["需求清单"]
    assert ws["A1"].value == "2023年知识产权服务万里行活动需求清单（办理进展）"
    assert [c.value for c in ws[5] if c.value] == ["序号", "需求主体名称", "需求类别", "需求内容",
                                                     "协调层级（重点标注）", "办理状态", "匹配资源/对接单位",
                                                     "对接反馈", "反馈单位", "反馈日期"]
    assert [ws.cell(6, c).value for c in (2, 6, 8)] == ["甲公司", "已解决", "已完成商标品牌辅导。"]
    assert "已匹配资源 0 项，已解决 1 项" in ws["A4"].value

    pdf = tmp_path / "进展.pdf"
    done = run("export", "progress", "--db", str(tmp_path / "gulou.db"), "--out", str(pdf))
    assert done.returncode == 0
    from tests.tools import require_tool, run_tool, squeeze
    text = squeeze(run_tool(require_tool("pdftotext"), pdf, "-"))
    for word in ("需求清单（办理进展）", "已完成商标品牌辅导。", "省保护中心", "2023-06-14"):
        assert squeeze(word) in text
    assert "统一社会信用代码" not in text and "13905910101" not in text  # the header block keeps its own phone

    # The report read back where the full list is: nothing is new or in conflict, and the
    # columns it does not carry (the phone) are not read as emptied.
    again = Store.open(tmp_path / "gulou.db")
    plan = preview(again, read_file(out))
    assert plan.counts["conflict"] == 0 and plan.counts["new"] == 0 and plan.counts["changed"] == 0
    again.close()
    done = run("export", "progress", "--db", str(tmp_path / "gulou.db"), "--out", str(out), "--consolidated")
    assert done.returncode == 2 and "不能与 --consolidated 同用" in done.stderr
