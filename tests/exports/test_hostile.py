"""Strangers' files: each hostile file is refused with a Chinese sentence naming it, or read within bounds.

The files are built by tests/exports/hostile.py (small on disk); time and memory
are measured by bench/hostile_files.py, not here.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exports.reading import ReadError, read_file
from exports.reading import limits as lim
from exports.reading.workbook import open_book, sniff
from forms import CASES
from forms.cases import CONTENT_LIMIT
from tests.exports import hostile as h

ROOT = Path(__file__).resolve().parents[2]
# Heavy to build (seconds, tens of MB in memory): tested below with lowered limits, measured in bench/.
HEAVY = {"many_cells", "element_flood", "element_names_flood", "wide_row", "row_bomb", "ratio_bomb", "shared_strings_bomb", "zip_bomb"}


@pytest.mark.parametrize("name", [n for n in h.HOSTILE if n not in HEAVY])
def test_hostile_file(tmp_path, name):
    build, expected = h.HOSTILE[name]
    path = build(tmp_path)
    if expected.startswith("refused:"):
        with pytest.raises(ReadError) as info:
            read_file(path)
        message = str(info.value)
        assert path.name in message and expected[len("refused:"):] in message, message
        assert message.startswith(("“", "在“")) and "Traceback" not in message and "Error" not in message
    else:
        assert read_file(path).rows


def test_metadata_sheet_declaring_a_huge_dimension_is_streamed(tmp_path):
    result = read_file(h.meta_dimension_bomb(tmp_path))
    assert [r.values["subject_name"] for r in result.rows] == ["企业2", "企业3"]
    assert result.meta is not None and result.meta.records == []


def test_row_after_a_long_blank_gap_is_read_and_reported(tmp_path):
    result = read_file(h.far_below(tmp_path))
    far = result.rows[-1]
    assert (far.row_number, far.values["subject_name"]) == (20010, "远处企业")
    assert any("第 20,010 行" in note and "空白" in note for note in result.notes)


def test_text_longer_than_its_field_makes_the_row_invalid_naming_the_cell(tmp_path):
    result = read_file(h.long_text(tmp_path, chars=5_000))
    bad = [r for r in result.rows if r.invalid]
    assert [r.row_number for r in bad] == [4]
    assert bad[0].invalid == ["工作表“清单”第 4 行 C 列的“需求内容”有 5,000 个字，超过上限 2,000 个字，"
                              "这一条未导入。请精简后重新导入。"]
    assert len(bad[0].values["content"]) == 5_000  # never cut
    assert all(not r.invalid for r in result.rows if r.row_number != 4)


def test_case_content_over_its_total_is_invalid(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案例1"
    ws.append(["案例名称", "好案例", "推荐单位", "某局"])
    ws.append(["服务类别", "专利导航"])
    ws.append(["背景情况", "背" * 1500])
    ws.append(["主要做法", "做" * 1000])
    path = tmp_path / "案例.xlsx"
    wb.save(path)
    row = read_file(path, "cases").rows[0]
    assert row.invalid and f"合计 2,500 个字，超过上限 {CONTENT_LIMIT:,} 个字" in row.invalid[0]
    assert row.invalid[0].startswith("工作表“案例1”第 3 行 B 列的背景情况、主要做法")
    assert CASES.group_limits


def test_metadata_ids_must_be_uuids_and_values_are_plain_text(tmp_path):
    result = read_file(h.formula_meta(tmp_path))
    assert result.meta is not None and result.meta.records == []  # the DDE "id" is not an id
    assert all(r.id is None and r.id_source == "" for r in result.rows)
    assert result.meta.unit == "=cmd|' /C calc'!A0"  # kept as text; exports write it inertly (test_inert)


def test_csv_encodings_judged_on_the_whole_file(tmp_path):
    gbk = read_file(h.csv_gbk_late(tmp_path))
    assert [r.values["subject_name"] for r in gbk.rows] == ["福州某企业"]
    tsv = read_file(h.utf16_tsv(tmp_path))
    assert [(r.values["subject_name"], r.values["content"]) for r in tsv.rows] == [("福州某企业", "需要贯标培训")]


def test_declared_sizes_bound_what_is_unpacked(tmp_path):
    path = h.lying_zip(tmp_path)
    with pytest.raises(ReadError, match="谎报大小.xlsx.*已损坏"):
        read_file(path)


def test_zip_bomb_refused_before_unpacking(tmp_path, monkeypatch):
    monkeypatch.setattr(lim, "MAX_PART_BYTES", 4 * lim.MiB)
    path = h.write_xlsx(tmp_path / "炸弹.xlsx", [("清单", [h.sheet_xml(h.table_rows())[:-24], b" " * (5 * lim.MiB),
                                                        b"</sheetData></worksheet>"])])
    with pytest.raises(ReadError, match="炸弹.xlsx”解压后超过 5 MB"):
        sniff(path)


def test_compression_ratio_refused(tmp_path, monkeypatch):
    path = h.write_xlsx(tmp_path / "高压缩比.xlsx", [("清单", [h.sheet_xml(h.table_rows())[:-24],
                                                             b" " * (3 * lim.MiB), b"</sheetData></worksheet>"])])
    with pytest.raises(ReadError, match="高压缩比.xlsx.*压缩比异常"):
        read_file(path)


def test_row_bomb_without_dimension_is_streamed(tmp_path, monkeypatch):
    monkeypatch.setattr(lim, "MAX_ROWS", 50_000)
    rows = "".join(f'<row r="{r}"><c r="XFD{r}" s="1"/></row>' for r in range(4, 20_000))
    path = h.write_xlsx(tmp_path / "行炸弹.xlsx", [("清单", h.sheet_xml(h.table_rows() + rows))])
    assert len(read_file(path).rows) == 2
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="1"/></row>' for r in range(50_001, 50_003))
    path = h.write_xlsx(tmp_path / "行过多.xlsx", [("清单", h.sheet_xml(h.table_rows() + rows))])
    with pytest.raises(ReadError, match="行过多.xlsx”的工作表“清单”超过 50,000 行"):
        read_file(path)


def test_cell_element_and_string_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(lim, "MAX_CELLS", 100)
    rows = "".join(f'<row r="{r}">' + "<c><v>1</v></c>" * 10 + "</row>" for r in range(4, 20))
    path = h.write_xlsx(tmp_path / "单元格.xlsx", [("清单", h.sheet_xml(h.table_rows() + rows))])
    with pytest.raises(ReadError, match="单元格.xlsx”有内容的单元格超过 100 个"):
        read_file(path)
    monkeypatch.setattr(lim, "MAX_ELEMENTS", 1_000)
    path = h.write_xlsx(tmp_path / "元素.xlsx", [("清单", h.sheet_xml(h.table_rows() + "<x/>" * 2_000))])
    with pytest.raises(ReadError, match="元素.xlsx”的工作表“清单”结构异常庞大"):
        read_file(path)
    monkeypatch.setattr(lim, "MAX_SHARED_STRINGS", 10)
    sst = f'<sst xmlns="{h.MAIN_NS}">' + "<si><t>x</t></si>" * 11 + "</sst>"
    path = h.write_xlsx(tmp_path / "文字.xlsx", [("清单", h.sheet_xml(h.table_rows()))],
                        extra={"xl/sharedStrings.xml": sst.encode()})
    with pytest.raises(ReadError, match="文字.xlsx”有超过 10 个不同的文字"):
        read_file(path)


def test_many_distinct_element_names_are_refused(tmp_path):
    junk = "".join(f"<x{i}/>" for i in range(400))  # each new name makes expat slower for every later one
    path = h.write_xlsx(tmp_path / "元素名.xlsx", [("清单", h.sheet_xml(h.table_rows() + junk))])
    with pytest.raises(ReadError, match="元素名.xlsx”的工作表“清单”结构异常庞大"):
        read_file(path)


def test_a_row_wider_than_the_column_limit_is_refused(tmp_path):
    row = '<row r="5">' + "<c><v>1</v></c>" * 300 + "</row>"
    path = h.write_xlsx(tmp_path / "宽行.xlsx", [("清单", h.sheet_xml(h.table_rows() + row))])
    with pytest.raises(ReadError, match="宽行.xlsx”的工作表“清单”第 5 行 GS 列有内容"):
        read_file(path)


def test_shared_strings_and_dates_read_like_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["需求主体名称", "需求类别", "需求内容", "协调层级", "日期"])
    ws.append(["企业", "贯标", "培训", "本地解决", __import__("datetime").datetime(2024, 5, 1)])
    ws.append([1, 2.5, True, None, "=1+1"])
    path = tmp_path / "对照.xlsx"
    wb.save(path)
    book = open_book("xlsx", path)
    ours = list(book.worksheets[0].iter_rows())
    book.close()
    theirs = [tuple(v for v in row) for row in openpyxl.load_workbook(path, read_only=True, data_only=True).active.values]
    assert [tuple(r) + (None,) * (5 - len(r)) for r in ours] == [(*r[:4], r[4]) for r in theirs]


def test_openpyxl_uses_defusedxml():
    # openpyxl picks defusedxml at import when it is installed; it then refuses entity declarations.
    assert openpyxl.DEFUSEDXML is True


def test_dtd_in_any_part_is_refused(tmp_path):
    path = h.write_xlsx(tmp_path / "文档类型.xlsx", [("清单", h.sheet_xml(h.table_rows()))],
                        extra={"docProps/app.xml": b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://x.invalid/">'
                                                   b"<Properties/>"})
    with pytest.raises(ReadError, match="文档类型.xlsx”的部件“docProps/app.xml”含有 XML 实体声明"):
        read_file(path)


def test_import_of_a_hostile_file_leaves_the_database_untouched(tmp_path):
    db = tmp_path / "w.db"
    good = tmp_path / "好.xlsx"
    h.write_xlsx(good, [("清单", h.sheet_xml(h.table_rows()))])
    run = [sys.executable, "main.py", "import"]
    first = subprocess.run([*run, str(good), "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = sqlite3.connect(db).execute("select count(*), max(updated_at) from needs").fetchone()
    bad = h.billion_laughs(tmp_path)
    second = subprocess.run([*run, str(bad), "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode != 0
    assert bad.name in second.stderr + second.stdout and "Traceback" not in second.stderr
    assert sqlite3.connect(db).execute("select count(*), max(updated_at) from needs").fetchone() == before


def test_zip_part_checks_see_every_member(tmp_path):
    path = h.write_xlsx(tmp_path / "x.xlsx", [("清单", h.sheet_xml(h.table_rows()))])
    with zipfile.ZipFile(path) as zf:
        assert sorted(lim.inspect_zip(path, "x.xlsx")) == sorted(zf.namelist())
