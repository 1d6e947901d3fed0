from __future__ import annotations

import ast
from pathlib import Path

from forms import CASES, NEEDS, PROFILE
from forms.cases import CONTENT_LIMIT
from forms.identity import natural_key, subject_key
from forms.reference import builtin_choices, regions
from forms.validation import problems

ROOT = Path(__file__).resolve().parents[2]


def test_needs_columns_follow_the_spec_order():
    assert [f.label for f in NEEDS.fields] == [
        "需求主体名称", "统一社会信用代码", "主体类型", "所属产业领域", "需求类别", "需求内容",
        "协调层级（重点标注）", "联系人", "联系电话", "备注",
        "办理状态", "匹配资源/对接单位", "对接反馈", "反馈单位", "反馈日期"]


def test_needs_ownership_is_declared_on_the_form():
    """The reporting unit owns the content; the matcher owns the matching step's fields."""
    assert NEEDS.owner_groups == ["reporter", "matcher"]
    assert [f.label for f in NEEDS.owner_fields("matcher")] == [
        "办理状态", "匹配资源/对接单位", "对接反馈", "反馈单位", "反馈日期"]
    assert NEEDS.field("feedback_unit").choices == "feedback_units"
    assert builtin_choices().values("feedback_units") == ["国家知识产权局", "省局", "市局"]
    assert builtin_choices().normalise("feedback_units", "国家局") == "国家知识产权局"
    assert NEEDS.own_records_only and not CASES.own_records_only
    assert CASES.owner_groups == ["reporter"]


def test_choice_lists_come_from_resources():
    choices = builtin_choices()
    assert choices.values("coord_levels") == ["需国家知识产权局协调", "需省知识产权局协调", "本地解决"]
    assert len(choices.values("need_categories")) == 13
    assert choices.values("case_categories")[0] == "推动知识产权服务业高质量发展"
    for form in (NEEDS, CASES, PROFILE):
        for f in form.fields:
            if f.choices:
                assert choices.values(f.choices), f.key


def test_regions_transcribed_from_reference_csv():
    r = regions()
    assert len(r.cities) == 10  # nine cities and 平潭综合实验区
    assert r.cities[0] == "福州市" and r.cities[-1] == "平潭综合实验区"
    assert "鼓楼区" in r.districts["福州市"] and r.districts["平潭综合实验区"] == ()
    assert r.split("福州市鼓楼区") == ("福州市", "鼓楼区")
    assert r.split("福州市") == ("福州市", "")
    assert r.split("晋江市") == ("泉州市", "晋江市")
    assert r.split("鼓楼区") == ("福州市", "鼓楼区")  # a district name alone is enough when unique
    assert r.split("杭州市西湖区") == ("", "")
    assert not r.is_valid("厦门市", "鼓楼区")


def test_case_content_total_limit():
    record = {"name": "案例", "recommender": "单位", "category": "知识产权服务赋能创新发展",
              "background": "甲" * 600, "practice": "乙" * 600, "results": "丙" * 600, "lessons": "丁" * 201}
    found = problems(CASES, record)
    assert "合计最多 2000 字，现在 2001 字" in found["background"]
    record["lessons"] = "丁" * 200
    assert problems(CASES, record) == {}
    assert CONTENT_LIMIT == 2000


def test_case_name_limit_and_integers():
    found = problems(CASES, {"name": "名" * 61, "recommender": "x", "category": "知识产权服务促进转移转化",
                             "enterprises": -1, "email": "bad"})
    assert "最多 60 个字" in found["name"]
    assert "负数" in found["enterprises"]
    assert "邮箱" in found["email"]


def test_subject_key_ignores_company_form_and_width():
    assert subject_key("福建 某某科技有限公司") == subject_key("福建某某科技有限责任公司")
    assert subject_key("（福建）某某科技") == subject_key("(福建)某某科技有限公司")
    assert natural_key("单位", "某某有限公司", "需求 A") == natural_key("单位", "某某有限责任公司", "需求A")


def _imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def _imports(folder: str) -> set[str]:
    return set().union(*(_imports_of(p) for p in (ROOT / folder).rglob("*.py")))


def test_core_packages_import_no_qt():
    for folder in ("forms", "storage", "exports"):
        assert not {"PySide6", "ui", "shiboken6"} & _imports(folder), folder


def test_only_ui_qt_imports_pyside():
    offenders = [p.name for p in (ROOT / "ui").glob("*.py")
                 if p.name != "qt.py" and "PySide6" in _imports_of(p)]
    assert offenders == []


def test_digest_survives_lone_surrogates():
    from forms.identity import record_digest

    assert record_digest(NEEDS, {"subject_name": "坏\ud800字"}) != record_digest(NEEDS, {"subject_name": "坏字"})
