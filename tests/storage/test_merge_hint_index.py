"""The likely-duplicate hints of a file come from indexes the merge state keeps current, not from
rescanning every record per file (which made a 3,000-file import quadratic). They must list exactly
what the scan listed, in the same order, through previews, writes, edits and deletions."""

from __future__ import annotations

import random

import pytest

from forms.identity import subject_key
from forms.incoming import HeaderInfo, IncomingRow, ReadResult
from storage import merge
from storage.merge import CHANGED, CONFLICT, NEW, MergeSession
from storage.store import Store

CATEGORIES = ["专利导航与分析评议", "商标品牌建设", "海外知识产权纠纷应对"]
SUBJECTS = ["福州海韵食品有限公司", "福州海韵食品（集团）公司", "厦门江南数字科技有限公司", "泉州闽都鞋业股份有限公司",
            "莆田木兰制药有限公司"]


def scan_duplicates(plan, state):
    """The former implementation: every live record of the state, scanned for each file."""
    by_code: dict[str, list[dict]] = {}
    by_subject: dict[str, list[dict]] = {}

    def add(record: dict) -> None:
        if record.get("credit_code"):
            by_code.setdefault(str(record["credit_code"]), []).append(record)
        key = subject_key(str(record.get("subject_name") or ""))
        if key:
            by_subject.setdefault(key, []).append(record)

    for r in state.live():
        add(state.record(r.id))
    hints = []
    for item in plan.items:
        if item.status not in (NEW, CHANGED, CONFLICT):
            continue
        v = item.values
        seen: set[int] = set()
        found = 0
        pools = [by_code.get(str(v.get("credit_code") or ""), []) if v.get("credit_code") else [],
                 by_subject.get(subject_key(str(v.get("subject_name") or "")), [])]
        for record in (r for pool in pools for r in pool):
            if id(record) in seen or record.get("id") in (item.local_id, item.insert_id) or found >= 3:
                continue
            seen.add(id(record))
            reason = merge._duplicate_reason(item, record)
            if reason:
                found += 1
                hints.append((item.key, None if record.get("_pending") else record.get("id"),
                              str(record.get("unit") or ""), reason))
        if item.status == NEW:
            add({**v, "id": item.insert_id, "unit": item.unit, "_pending": True})
    return hints


def a_file(rng: random.Random, n: int) -> ReadResult:
    unit = f"福州市第{rng.randrange(6)}区市场监督管理局"
    rows = []
    for i in range(rng.randrange(3, 9)):
        values = {"subject_name": rng.choice(SUBJECTS), "category": rng.choice(CATEGORIES),
                  "content": f"希望获得{rng.choice(['专利', '商标', '维权'])}方面的指导（{rng.randrange(4)}）。",
                  "coord_level": "本地解决"}
        if rng.random() < 0.5:
            values["credit_code"] = rng.choice(["91350100MA2XXXXX1A", "91350100MA2YYYYY2B"])
        rows.append(IncomingRow("清单", 5 + i, values))
    return ReadResult("needs", f"第{n}份.xlsx", f"hash{n}", None, HeaderInfo(unit=unit, city="福州市"), rows)


@pytest.mark.parametrize("seed", range(4))
def test_hints_from_the_index_equal_the_full_scan(seed, monkeypatch):
    rng = random.Random(seed)
    store = Store.open(":memory:")
    store.set_profile({"unit": "福州市市场监督管理局", "city": "福州市", "district": ""})
    session = MergeSession(store)
    compared = []
    indexed = merge._duplicates

    def both(plan, state):  # at the moment the merge asks, before the file changes the state
        hints = indexed(plan, state)
        assert [(h.row_key, h.other_id, h.other_unit, h.reason) for h in hints] == scan_duplicates(plan, state)
        compared.append(len(hints))
        return hints

    monkeypatch.setattr(merge, "_duplicates", both)
    simulate = False  # a session either previews (the state learns what each file would write) or imports
    for n in range(40):
        result = a_file(rng, n)
        plan = session.plan(result, simulate=simulate)  # a preview tells the state what it would write
        if not simulate:
            session.apply(plan)
        if rng.random() < 0.3 and store.needs.count():  # the officer deletes records meanwhile
            ids = store.needs.ids()
            store.needs.set_deleted(rng.sample(ids, min(4, len(ids))), True)
        if n % 8 == 7:  # the next import reads the table again
            session = MergeSession(store)
            simulate = rng.random() < 0.4
    assert len(compared) == 40 and sum(compared) > 20, "the scenario produces hints"
    store.close()
