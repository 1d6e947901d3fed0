"""Each incoming row is validated once, by the reader that builds it; the merge plans and
writes with that result (``IncomingRow.problems``) instead of validating the row again."""

from __future__ import annotations

import sys

import openpyxl
import pytest

from exports.importing import import_entries, read_each
from exports.reading import tables
from forms import validation
from storage import merge
from storage.store import Store

ROWS = [
    ("福州台江海韵食品有限公司", "商标品牌建设", "海产品商标被抢注，希望获得指导。", "省局"),
    ("福州江南数字科技有限公司", "专利布局与高价值专利培育", "拟在工业软件领域开展专利布局。", "国家局"),
    ("福州闽都鞋业有限公司", None, "出口东南亚遭遇商标抢注。", "本地"),  # no 需求类别: a draft
]


@pytest.fixture
def store():
    s = Store.open(":memory:")
    s.set_profile({"unit": "福州市市场监督管理局", "city": "福州市", "district": "", "reporter": "王强",
                   "phone": "0591-87000000", "year": 2023, "report_date": "2023-05-20"})
    yield s
    s.close()


@pytest.fixture
def hand_filled(tmp_path):
    path = tmp_path / "台江区需求.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：福州市台江区市场监督管理局"])
    ws.append(["需求主体名称", "需求类别", "需求内容", "协调层级"])
    for row in ROWS:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def validations(monkeypatch):
    """Every call of the record validator, wherever it was imported (``is_complete`` calls it too)."""
    calls: list[str] = []
    real = validation.problems

    def counting(form, record, choices=None):
        calls.append(str(record.get("subject_name")))
        return real(form, record, choices)

    holders = [m for m in list(sys.modules.values()) if getattr(m, "problems", None) is real]
    assert {validation, tables, merge} <= set(holders)
    for module in holders:
        monkeypatch.setattr(module, "problems", counting)
    return calls


def test_an_import_validates_each_row_once(store, hand_filled, validations):
    (summary,) = import_entries(store, read_each(store, [hand_filled]), total=1)
    assert summary.inserted == 3
    assert sorted(validations) == sorted(r[0] for r in ROWS)
    complete = {r["subject_name"]: r["complete"] for r in store.needs.rows()}
    assert complete == {"福州台江海韵食品有限公司": 1, "福州江南数字科技有限公司": 1, "福州闽都鞋业有限公司": 0}


def test_importing_the_same_file_again_validates_only_when_reading(store, hand_filled, validations):
    import_entries(store, read_each(store, [hand_filled]), total=1)
    validations.clear()
    (summary,) = import_entries(store, read_each(store, [hand_filled]), total=1)
    assert (summary.inserted, summary.unchanged) == (0, 3)
    assert len(validations) == 3


def test_rows_read_with_other_choice_lists_are_validated_again(store, hand_filled, validations):
    """An officer's own category makes the reader's verdict (read with the built-in lists) stale."""
    store.add_choice("need_categories", "地理标志培育")
    from exports.reading import read_file

    result = read_file(hand_filled)  # the built-in lists, not this database's
    result.rows[2].values["category"] = "地理标志培育"
    validations.clear()
    plan = merge.preview(store, result)
    assert len(validations) == 3
    assert [item.problems for item in plan.items] == [{}, {}, {}]
