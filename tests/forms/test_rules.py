from __future__ import annotations

import pytest

from forms import NEEDS
from forms.rules import check_credit_code, check_email, check_phone, credit_code_check_char, parse_date, parse_int
from forms.validation import normalise, problems

# Published codes of well-known companies (华为技术、腾讯科技、阿里巴巴（中国）): independent of our arithmetic.
VALID_CODES = ["914403001922038216", "9144030071526726XG", "91330100799655058B"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes(code):
    assert check_credit_code(code) is None


def test_credit_code_accepts_lower_case_and_full_width():
    assert check_credit_code("９１３５０１００ｍ０００１００ｙ４３") is None


@pytest.mark.parametrize("code,fragment", [
    ("914403001922038217", "校验位"),
    ("91350100M000100Y4", "18位"),
    ("91350100M000100I43", "不允许的字符“I”"),
    ("", "18位"),
])
def test_bad_credit_codes(code, fragment):
    message = check_credit_code(code)
    assert message is not None and fragment in message


def test_check_char_matches_standard_example():
    # Worked example: the weights give 3 for this body.
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("phone", ["13812345678", "0591-87530216", "0591-87530216-801", "059187530216",
                                   "(0591)87530216", "138 1234 5678", "+86 13812345678",
                                   "0591-87530216、13812345678", "010-12345678".replace("1234", "6234")])
def test_good_phones(phone):
    assert check_phone(phone) is None


@pytest.mark.parametrize("phone", ["12345", "23812345678", "1381234567", "0591-8753", "电话", "1381234567a"])
def test_bad_phones(phone):
    message = check_phone(phone)
    assert message is not None and "格式不对" in message


def test_email():
    assert check_email("a.b@fj.gov.cn") is None
    assert "格式不对" in check_email("a.b@fj")


def test_parse_numbers_and_dates():
    assert parse_int("１２") == 12
    assert parse_int("1,200") == 1200
    assert parse_int("35家") == 35
    assert parse_int(12.0) == 12
    assert parse_int("12.5") is None
    assert parse_date("2023年5月18日").isoformat() == "2023-05-18"
    assert parse_date("2023/5/8").isoformat() == "2023-05-08"
    assert parse_date("20230518").isoformat() == "2023-05-18"
    assert parse_date("2023-02-30") is None


def test_normalise_maps_choice_aliases():
    assert normalise(NEEDS.field("coord_level"), " 国家局 ") == "需国家知识产权局协调"
    assert normalise(NEEDS.field("coord_level"), "需省局协调") == "需省知识产权局协调"
    assert normalise(NEEDS.field("category"), "贯标") == "知识产权管理体系贯标"
    # Unknown text is kept, and flagged by validation rather than lost.
    assert normalise(NEEDS.field("category"), "新类别") == "新类别"


def test_control_characters_removed():
    assert normalise(NEEDS.field("subject_name"), "A\x00B\x07C\n") == "ABC"
    assert normalise(NEEDS.field("content"), "第一行\n第二行\x1b") == "第一行\n第二行"


def test_problems_of_a_draft_need():
    found = problems(NEEDS, {"subject_name": "", "credit_code": "123", "category": "其他", "content": "x",
                             "coord_level": "乱写", "phone": "12"})
    assert set(found) == {"subject_name", "credit_code", "coord_level", "phone"}
    assert found["subject_name"] == "“需求主体名称”必填。"
    assert "下拉列表" in found["coord_level"]


def test_complete_need_has_no_problems():
    record = {"subject_name": "福建某某科技有限公司", "credit_code": "91350100M000100Y43", "category": "其他",
              "content": "需要专利导航", "coord_level": "本地解决", "phone": "13812345678", "status": "待对接"}
    assert problems(NEEDS, record) == {}


# ---- what spreadsheets do to identifiers -------------------------------------------------


@pytest.mark.parametrize("typed,stored", [
    ("139-0591-0001", "13905910001"), ("139 0591 0001", "13905910001"), ("139.0591.0001", "13905910001"),
    ("１３９－０５９１－０００１", "13905910001"), ("+86 139-0591-0001", "+8613905910001"),
    ("0591-87530216、139-0591-0001", "0591-87530216、13905910001"),
    ("0591-87530216-801", "0591-87530216-801"),  # a landline with extension is not a mobile
])
def test_mobiles_written_in_groups_are_normalised(typed, stored):
    field = NEEDS.field("phone")
    assert normalise(field, typed) == stored
    assert check_phone(stored) is None


@pytest.mark.parametrize("digits,likely", [
    ("59187530216", "0591-87530216"), ("5922345678", "0592-2345678"), ("1062345678", "010-62345678"),
    ("2152345678", "021-52345678"),
])
def test_landline_that_lost_its_leading_zero(digits, likely):
    assert check_phone(digits) == (f"联系电话“{digits}”开头的 0 丢失了（Excel 把电话当成数字时会去掉开头的 0），"
                                   f"应为“{likely}”吗？请核对后改正，并把该列设为文本。")


def test_numbers_shown_in_scientific_notation():
    assert check_credit_code("9.13501001234568E+17") == (
        "Excel 把这个代码当成了数字，后几位已经丢失（现在是“9.13501001234568E+17”），"
        "请把该列设为文本后重新填写完整的18位统一社会信用代码。")
    assert check_credit_code("9.13501e+17") is not None and "Excel" in check_credit_code("9.13501e+17")
    assert check_phone("5.91875E+10") == ("联系电话“5.91875E+10”被 Excel 当成了数字，显示成了科学计数法，"
                                          "号码已经无法还原，请把该列设为文本后重新填写。")
    # Not every wrong phone is blamed on Excel.
    assert "格式不对" in check_phone("12345")


def test_dates_stored_as_excel_serials():
    assert parse_date(45064).isoformat() == "2023-05-18"
    assert parse_date(45064.0).isoformat() == "2023-05-18"
    assert parse_date(12) is None and parse_date(True) is None
