"""Fuzzing the reader with mutated exports: whatever the bytes, ``read_file`` returns or raises ReadError.

Three mutators start from real files (the app's own needs and case exports, and
the hand-filled fixtures): raw bytes of the file, the XML parts inside the zip
(cut, spliced, tags and attributes rewritten), and cell values written by
openpyxl. The number of examples is bounded so the whole module stays well under
a minute; the limits of exports/reading/limits.py bound each example's time and
memory (measured in bench/hostile_files.py, not here).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from exports.reading import ReadError, ReadResult, read_file
from exports.xlsx_cases import export_cases_xlsx
from exports.xlsx_needs import export_needs_xlsx
from storage import Store
from storage.sample import fill

DATA = Path(__file__).resolve().parents[1] / "data"
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("seeds")
    store = Store.open(":memory:")
    fill(store, needs=12, cases=2)
    export_needs_xlsx(store, tmp / "needs.xlsx")
    export_cases_xlsx(store, tmp / "cases.xlsx")
    store.close()
    out = {"needs.xlsx": (tmp / "needs.xlsx").read_bytes(), "cases.xlsx": (tmp / "cases.xlsx").read_bytes()}
    for name in ("handfilled_needs_gulou.xlsx", "handfilled_needs_gulou.xls", "handfilled_needs_cangshan_gbk.csv"):
        out[name] = (DATA / name).read_bytes()
    return out


def _read(path: Path) -> None:
    try:
        result = read_file(path)
    except ReadError as exc:
        assert path.name in str(exc)
        return
    assert isinstance(result, ReadResult) and result.rows


@FUZZ
@given(data=st.data())
def test_mutated_bytes(seeds, tmp_path, data):
    name = data.draw(st.sampled_from(sorted(seeds)))
    blob = bytearray(seeds[name])
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(blob) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        if action == "flip":
            blob[at] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del blob[at:at + data.draw(st.integers(1, 4096))]
        elif action == "dup":
            blob[at:at] = blob[at:at + data.draw(st.integers(1, 4096))]
        else:
            blob[at:at] = data.draw(st.binary(min_size=1, max_size=64))
        if not blob:
            blob = bytearray(b"x")
    path = tmp_path / f"变异_{name}"
    path.write_bytes(bytes(blob))
    _read(path)


_XML_EDITS = [b'<dimension ref="A1:XFD1048576"/>', b'<row r="1048576">', b'<c r="XFD1"><v>1</v></c>', b"</row>",
              b"<row>", b'<c t="s"><v>999999</v></c>', b'<c t="d"><v>not-a-date</v></c>', b'<c s="9999"><v>1e308</v></c>',
              b'<c t="b"><v>2</v></c>', b'<c t="inlineStr"><is><t>=cmd|\' /C calc\'!A0</t></is></c>', b"&amp;",
              b"<!DOCTYPE x>", b'<sheet name="_wanlixing_meta" sheetId="9" r:id="rId1"/>', b"\x00", b"\xff\xfe"]


@FUZZ
@given(data=st.data())
def test_mutated_xml_parts(seeds, tmp_path, data):
    name = data.draw(st.sampled_from(["needs.xlsx", "cases.xlsx", "handfilled_needs_gulou.xlsx"]))
    src = zipfile.ZipFile(io.BytesIO(seeds[name]))
    parts = {i.filename: src.read(i) for i in src.infolist()}
    xml_parts = sorted(p for p in parts if p.endswith((".xml", ".rels")))
    for _ in range(data.draw(st.integers(1, 4))):
        part = data.draw(st.sampled_from(xml_parts))
        body = parts[part]
        at = data.draw(st.integers(0, len(body)))
        action = data.draw(st.sampled_from(["insert", "cut", "truncate", "drop"]))
        if action == "insert":
            body = body[:at] + data.draw(st.sampled_from(_XML_EDITS)) + body[at:]
        elif action == "cut":
            body = body[:at] + body[at + data.draw(st.integers(1, 200)):]
        elif action == "truncate":
            body = body[:at]
        else:
            parts.pop(part)
            xml_parts.remove(part)
            if not xml_parts:
                break
            continue
        parts[part] = body
    path = tmp_path / f"部件变异_{name}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, body in parts.items():
            z.writestr(part, body)
    _read(path)


_CELLS = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.sampled_from(["=1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", "需求主体名称", "需求内容", "案例名称",
                     "wanlixing-meta", "form_id", "needs", "id", "00000000-0000-4000-8000-000000000000"]),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
)


@settings(FUZZ, max_examples=15)  # each example loads and saves a workbook with openpyxl: slower
@given(data=st.data())
def test_mutated_cells(seeds, tmp_path, data):
    name = data.draw(st.sampled_from(["needs.xlsx", "cases.xlsx", "handfilled_needs_gulou.xlsx"]))
    wb = openpyxl.load_workbook(io.BytesIO(seeds[name]))
    for _ in range(data.draw(st.integers(1, 30))):
        ws = data.draw(st.sampled_from(wb.worksheets))
        row, col = data.draw(st.integers(1, 60)), data.draw(st.integers(1, 30))
        value = data.draw(_CELLS)
        cell = ws.cell(row=row, column=col)
        try:
            cell.value = value
        except (ValueError, TypeError, AttributeError, IllegalCharacterError):  # merged cells, illegal characters
            continue
    if data.draw(st.booleans()):
        ws = data.draw(st.sampled_from(wb.worksheets))
        ws.title = data.draw(st.sampled_from(["_wanlixing_meta", "清单", "Sheet"]))
    path = tmp_path / f"单元格变异_{name}"
    try:
        wb.save(path)
    except (ValueError, TypeError):
        return  # a combination openpyxl itself cannot save
    _read(path)
