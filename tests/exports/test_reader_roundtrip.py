"""Export → import round trips: our own workbooks, as saved, and as re-saved by LibreOffice."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.reading import read_file
from forms import CASES, NEEDS
from forms.reference import builtin_choices
from forms.validation import normalise
from storage.merge import IDENTICAL, apply, preview
from storage.sample import fill
from storage.store import Store
from tests.tools import soffice_convert

xlsx_needs = pytest.importorskip("exports.xlsx_needs")
xlsx_cases = pytest.importorskip("exports.xlsx_cases")

PROFILE = {"unit": "福州市台江区市场监督管理局", "city": "福州市", "district": "台江区", "reporter": "陈敏",
           "phone": "0591-83330000", "year": 2023, "report_date": "2023-05-19"}


def visible(form, row: dict) -> dict:
    return {f.key: (None if row.get(f.key) == "" else row.get(f.key)) for f in form.fields}


def import_into_fresh(path: Path) -> Store:
    target = Store.open(":memory:")
    plan = preview(target, read_file(path))
    apply(target, plan)
    return target


# Any text a person could type or paste: no control characters, nothing XML cannot carry.
# At most 30 characters, the shortest limit of the fields it fills (联系人, 职务): a longer
# text is refused on import by design (exports.reading.tables.too_long), not lost in a round trip.
_chars = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
_text = st.one_of(
    st.text(_chars, max_size=30),
    st.text(_chars, max_size=29).map(lambda s: "=" + s),  # would be a formula if written carelessly
    st.text(_chars, max_size=29).map(lambda s: "-" + s),
)
_long = st.one_of(_text, st.lists(st.text(_chars, max_size=30), min_size=2, max_size=3).map("\n".join))
_choices = builtin_choices()


def _stored(form, values: dict) -> dict:
    """Values as the app stores what is typed into the window."""
    return {k: normalise(form.field(k), v) for k, v in values.items()}


need = st.fixed_dictionaries({
    "subject_name": _text.filter(lambda s: s.strip()),
    "content": _long,
    "contact": _text,
    "remark": _text,
    "feedback": _long,
    "category": st.sampled_from(_choices.values("need_categories")),
    "coord_level": st.sampled_from(_choices.values("coord_levels")),
    "status": st.sampled_from(_choices.values("statuses")),
    "subject_type": st.sampled_from(["", *_choices.values("subject_types")]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(need, min_size=1, max_size=4))
def test_needs_round_trip_any_text(needs):
    with tempfile.TemporaryDirectory() as tmp:
        source = Store.open(":memory:")
        source.set_profile(PROFILE)
        ids = source.needs.insert_many([{**source.local_defaults("needs"), **_stored(NEEDS, n)} for n in needs])
        path = Path(tmp) / "needs.xlsx"
        xlsx_needs.export_needs_xlsx(source, path)
        target = import_into_fresh(path)
        for record_id in ids:
            assert visible(NEEDS, target.needs.get(record_id)) == visible(NEEDS, source.needs.get(record_id))
        # Back into the database it came from: nothing new, nothing changed.
        assert preview(source, read_file(path)).counts[IDENTICAL] == len(needs)


case = st.fixed_dictionaries({
    "name": _text.filter(lambda s: s.strip()),
    "implementer": _text,
    "contact": _text,
    "position": _text,
    "category": st.sampled_from(_choices.values("case_categories")),
    "enterprises": st.one_of(st.none(), st.integers(0, 10**6)),
    "activities": st.one_of(st.none(), st.integers(0, 10**4)),
    "background": st.one_of(_long, _long.map(lambda s: "一、背景情况\n" + s)),
    "practice": _long,
    "results": _long,
    "lessons": _long,
    "opinion": _text,
})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(case, min_size=1, max_size=3))
def test_cases_round_trip_any_text(cases):
    with tempfile.TemporaryDirectory() as tmp:
        source = Store.open(":memory:")
        source.set_profile(PROFILE)
        ids = [source.cases.insert({**source.local_defaults("cases"), **_stored(CASES, c)}) for c in cases]
        path = Path(tmp) / "cases.xlsx"
        xlsx_cases.export_cases_xlsx(source, path)
        target = import_into_fresh(path)
        for record_id in ids:
            assert visible(CASES, target.cases.get(record_id)) == visible(CASES, source.cases.get(record_id))


@pytest.fixture
def sample_store():
    s = Store.open(":memory:")
    s.set_profile(PROFILE)
    fill(s, needs=60, cases=2)
    yield s
    s.close()


def test_libreoffice_resaved_needs_reimport_to_the_same_records(sample_store, tmp_path):
    path = tmp_path / "out" / "需求清单.xlsx"
    path.parent.mkdir()
    xlsx_needs.export_needs_xlsx(sample_store, path)
    resaved = soffice_convert(path, "xlsx", tmp_path / "lo")
    result = read_file(resaved)
    assert result.meta is not None, "LibreOffice keeps the (very) hidden metadata sheet"
    assert all(r.id_source == "digest" for r in result.rows)
    plan = preview(sample_store, result)
    assert plan.counts[IDENTICAL] == 60 and not plan.has_changes
    target = import_into_fresh(resaved)
    for row in sample_store.needs.rows():
        assert visible(NEEDS, target.needs.get(row["id"])) == visible(NEEDS, row)


def test_libreoffice_resaved_cases_and_xls(sample_store, tmp_path):
    path = tmp_path / "out" / "案例.xlsx"
    path.parent.mkdir()
    xlsx_cases.export_cases_xlsx(sample_store, path)
    for fmt in ("xlsx", "xls"):
        resaved = soffice_convert(path, fmt, tmp_path / fmt)
        plan = preview(sample_store, read_file(resaved))
        assert plan.counts[IDENTICAL] == 2 and not plan.has_changes, fmt


def test_consolidated_export_round_trip(tmp_path):
    supervisor = Store.open(":memory:")
    supervisor.set_profile({**PROFILE, "unit": "福州市市场监督管理局", "district": ""})
    fill(supervisor, needs=40, cases=0)
    units = ["福州市鼓楼区市场监督管理局", "福州市台江区市场监督管理局"]
    for i, record_id in enumerate(supervisor.needs.ids()):
        supervisor.db.execute("update needs set origin = 'import', unit = ?, city = '福州市', district = ? where id = ?",
                              [units[i % 2], ["鼓楼区", "台江区"][i % 2], record_id])
    path = tmp_path / "汇总.xlsx"
    xlsx_needs.export_needs_xlsx(supervisor, path, consolidated=True)
    result = read_file(path)
    assert result.consolidated and not result.notes  # the statistics sheet is ours: no remark
    target = import_into_fresh(path)
    for row in supervisor.needs.rows():
        mine = target.needs.get(row["id"])
        assert (mine["unit"], mine["city"], mine["district"]) == (row["unit"], row["city"], row["district"])
        assert visible(NEEDS, mine) == visible(NEEDS, row)


def test_an_export_of_the_other_form_is_refused(sample_store, tmp_path):
    from exports.reading import ReadError

    path = tmp_path / "案例.xlsx"
    xlsx_cases.export_cases_xlsx(sample_store, path)
    with pytest.raises(ReadError, match="“案例.xlsx”是优秀案例推荐表（附件2），不是需求清单（附件1）"):
        read_file(path, form_hint="needs")
