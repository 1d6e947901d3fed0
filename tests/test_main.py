"""The command line as users and scripts call it: real processes, real exit codes."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from forms import APP_VERSION
from storage import Store

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def content(path: Path) -> list[tuple]:
    s = Store.open(path)
    skip = {"created_at", "updated_at"}
    needs = [tuple(v for k, v in r.items() if k not in skip) for r in s.needs.rows()]
    cases = [tuple(v for k, v in r.items() if k not in skip) for r in s.cases.rows()]
    s.close()
    return needs + cases


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"万里行填报助手 {APP_VERSION}"


def test_sample_is_deterministic_and_synthetic(tmp_path):
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    out = run("sample", "--db", str(a), "--needs", "40", "--cases", "2", "--seed", "7")
    assert out.returncode == 0, out.stderr
    assert "需求 40 条，案例 2 个" in out.stdout
    run("sample", "--db", str(b), "--needs", "40", "--cases", "2", "--seed", "7")
    run("sample", "--db", str(c), "--needs", "40", "--cases", "2", "--seed", "8")
    assert content(a) == content(b)
    assert content(a) != content(c)
    s = Store.open(a)
    rows = s.needs.rows()
    assert len(rows) == 40 and all("（示例）" in r["subject_name"] for r in rows)
    assert {r["coord_level"] for r in rows} >= {"需国家知识产权局协调", "需省知识产权局协调", "本地解决"}
    assert all(r["complete"] == 1 for r in rows)  # sample records pass validation
    cases = s.cases.rows()
    assert len(cases) == 2 and all(1500 <= sum(len(r[k]) for k in ("background", "practice", "results", "lessons"))
                                   <= 2000 for r in cases)
    s.close()


def test_db_option_before_subcommand(tmp_path):
    db = tmp_path / "x.db"
    out = run("--db", str(db), "sample", "--needs", "3", "--cases", "0")
    assert out.returncode == 0, out.stderr
    assert content(db) and len(content(db)) == 3


def test_errors_are_chinese_sentences_without_traceback(tmp_path):
    db = tmp_path / "x.db"
    out = run("export", "needs", "--db", str(db), "--out", str(tmp_path / "x.doc"))
    assert out.returncode == 2
    assert "扩展名应为 .xlsx 或 .pdf" in out.stderr and "Traceback" not in out.stderr

    out = run("sample", "--db", str(db), "--needs", "-1")
    assert out.returncode == 2 and "不能为负数" in out.stderr

    out = run("export", "pdfs")
    assert out.returncode == 2 and "命令行参数有误" in out.stderr

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not sqlite" * 500)
    out = run("sample", "--db", str(bad))
    assert out.returncode == 2 and "不是本软件的数据库" in out.stderr and "Traceback" not in out.stderr


def test_newer_database_refused_from_command_line(tmp_path):
    db = tmp_path / "new.db"
    s = Store.open(db)
    s.db["_sqlite_migrations"].insert({"migration_set": "wanlixing", "name": "m999_future", "applied_at": "2030"})
    s.close()
    out = run("sample", "--db", str(db), "--needs", "1")
    assert out.returncode == 2 and "更新版本" in out.stderr


def test_export_and_template_from_command_line(tmp_path):
    from openpyxl import load_workbook

    db = tmp_path / "x.db"
    run("sample", "--db", str(db), "--needs", "12", "--cases", "2")
    out = tmp_path / "清单.xlsx"
    proc = run("export", "needs", "--db", str(db), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "已导出需求 12 条" in proc.stdout
    ws = load_workbook(out)["需求清单"]
    assert ws["A1"].value == "2023年知识产权服务万里行活动需求清单"
    store = Store.open(db)
    first = store.needs.rows()[0]
    case_id = store.cases.rows()[1]["id"]
    store.close()
    assert ws["B6"].value == first["subject_name"]

    cases = tmp_path / "案例.xlsx"
    proc = run("export", "cases", "--db", str(db), "--out", str(cases), "--id", case_id)
    assert proc.returncode == 0 and "已导出案例 1 个" in proc.stdout
    assert len([n for n in load_workbook(cases).sheetnames if not n.startswith(("_", "下拉"))]) == 1

    proc = run("export", "cases", "--db", str(db), "--out", str(cases), "--id", "no-such-id")
    assert proc.returncode == 2 and "找不到这些案例：no-such-id" in proc.stderr

    template = tmp_path / "模板.xlsx"
    proc = run("template", "needs", "--out", str(template), "--year", "2024")
    assert proc.returncode == 0, proc.stderr
    assert load_workbook(template)["需求清单"]["A1"].value == "2024年知识产权服务万里行活动需求清单"


def test_pdf_export_from_command_line(tmp_path):
    import shutil

    from tests.tools import require_tool

    pdftotext = require_tool("pdftotext")
    pdffonts = require_tool("pdffonts")
    db = tmp_path / "x.db"
    run("sample", "--db", str(db), "--needs", "30", "--cases", "1")
    out = tmp_path / "汇总.pdf"
    proc = run("export", "needs", "--db", str(db), "--out", str(out), "--consolidated")
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run([pdftotext, "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "需求清单（汇总）" in text and "共 30 项" in text
    fonts = subprocess.run([pdffonts, str(out)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)
    assert shutil.which(pdftotext)


def test_import_from_command_line(tmp_path):
    from openpyxl import load_workbook

    source, target = tmp_path / "district.db", tmp_path / "city.db"
    run("sample", "--db", str(source), "--needs", "15", "--cases", "2")
    export = tmp_path / "鼓楼区清单.xlsx"
    assert run("export", "needs", "--db", str(source), "--out", str(export)).returncode == 0
    assert run("export", "cases", "--db", str(source), "--out", str(tmp_path / "鼓楼区案例.xlsx")).returncode == 0

    dry = run("import", str(export), "--db", str(target), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "新增 15 条，相同 0 条，更新 0 条，冲突 0 条，无效 0 条" in dry.stdout and "没有写入数据库" in dry.stdout
    assert Store.open(target).needs.count() == 0

    # A folder: both files, plus a broken one that is named and makes the exit code non-zero.
    (tmp_path / "坏文件.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    proc = run("import", str(tmp_path), "--db", str(target))
    assert proc.returncode == 1
    assert "坏文件.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    assert "新增 15 条" in proc.stdout and "新增 2 条" in proc.stdout
    store = Store.open(target)
    assert store.needs.count() == 15 and store.cases.count() == 2
    store.close()

    again = run("import", str(export), "--db", str(target))
    assert again.returncode == 0 and "新增 0 条，相同 15 条" in again.stdout

    # Export the merged database again: the visible cells are the same.
    out = tmp_path / "again.xlsx"
    assert run("export", "needs", "--db", str(target), "--out", str(out)).returncode == 0
    first = [[c.value for c in row] for row in load_workbook(export)["需求清单"].iter_rows(min_row=5)]
    second = [[c.value for c in row] for row in load_workbook(out)["需求清单"].iter_rows(min_row=5)]
    assert first == second


def test_start_up_imports_no_dataframe_libraries():
    """sqlite-utils would import numpy/pandas when installed (0.3–1.5 s of start-up); main() keeps them out.

    Fails loudly if a new sqlite-utils loads them some other way.
    """
    code = ("import sys, main; main.import_sqlite_utils_lean(); import storage, sqlite_utils.db as d; "
            "print(d.np is None, d.pd is None, 'numpy' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    assert out.split() == ["True", "True", "False", "False"]
    # Blocking is temporary: numpy stays importable for whoever needs it later.
    if importlib.util.find_spec("numpy") is not None:
        code = "import main; main.import_sqlite_utils_lean(); import numpy; print(numpy.__name__)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout
        assert out.strip() == "numpy"


def test_window_start_up_imports_neither_openpyxl_nor_reportlab():
    code = ("import sys, main; main.import_sqlite_utils_lean(); import ui.app, ui.main_window; "
            "print(sorted(m for m in ('openpyxl', 'reportlab', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout
    assert out.strip() == "[]"
