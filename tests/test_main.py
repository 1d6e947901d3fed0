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


def test_export_refuses_a_missing_database_and_creates_nothing(tmp_path):
    out = run("export", "needs", "--db", str(tmp_path / "typo" / "x.db"), "--out", str(tmp_path / "x.xlsx"))
    assert out.returncode == 2
    assert out.stderr.strip() == (f"找不到数据库文件“{tmp_path / 'typo' / 'x.db'}”。请检查 --db 后面的路径是否正确；"
                                  "如果还没有数据，请先打开窗口填写，或用 sample 命令生成示例数据。")
    assert list(tmp_path.iterdir()) == []


def test_commands_that_create_a_database_say_so(tmp_path):
    db = tmp_path / "new" / "x.db"
    out = run("sample", "--db", str(db), "--needs", "2", "--cases", "0")
    assert out.returncode == 0 and out.stdout.splitlines()[0] == f"已新建数据库文件：{db}"
    out = run("sample", "--db", str(db), "--needs", "2", "--cases", "0")
    assert "已新建" not in out.stdout


def test_backup_restore_and_list_from_command_line(tmp_path):
    db = tmp_path / "x.db"
    run("sample", "--db", str(db), "--needs", "7", "--cases", "1")
    copy = tmp_path / "备份.db"
    out = run("backup", "--db", str(db), "--out", str(copy))
    assert out.returncode == 0 and out.stdout.strip() == f"已备份到：{copy}（需求 7 条，案例 1 个）"
    out = run("backup", "--db", str(db))
    assert out.returncode == 0 and "backups" in out.stdout and "-manual.db" in out.stdout
    run("sample", "--db", str(db), "--needs", "3", "--cases", "0")  # adds three needs
    assert len(content(db)) == 11
    out = run("restore", "--db", str(db), "--from", str(copy))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == f"已用“{copy}”恢复数据库“{db}”：需求 7 条，案例 1 个。"
    assert len(content(db)) == 8
    listing = run("backups", "--db", str(db)).stdout
    assert "恢复备份前自动备份  需求 10 条，案例 1 个" in listing and "手动备份  需求 7 条，案例 1 个" in listing

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"PK\x03\x04 not sqlite" * 100)
    out = run("restore", "--db", str(db), "--from", str(bad))
    assert out.returncode == 2 and "不是本软件的数据库" in out.stderr and len(content(db)) == 8
    out = run("backup", "--db", str(tmp_path / "none.db"))
    assert out.returncode == 2 and "找不到数据库文件" in out.stderr and not (tmp_path / "none.db").exists()


def test_read_only_database_and_output_get_their_own_sentences(tmp_path):
    db = tmp_path / "x.db"
    run("sample", "--db", str(db), "--needs", "4", "--cases", "0")
    db.chmod(0o444)
    try:
        out = run("sample", "--db", str(db), "--needs", "1")
        assert out.returncode == 2
        assert out.stderr.strip().startswith(f"数据库文件“{db}”是只读的，本软件无法保存修改（文件本身没有损坏）")
        # Reading is enough for an export, so a read-only database still exports.
        out = run("export", "needs", "--db", str(db), "--out", str(tmp_path / "a.xlsx"))
        assert out.returncode == 0 and "已导出需求 4 条" in out.stdout
    finally:
        db.chmod(0o644)
    target = tmp_path / "只读.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o444)
    out = run("export", "needs", "--db", str(db), "--out", str(target))
    assert out.returncode == 2 and out.stderr.strip().startswith(f"文件“{target}”是只读的，无法写入。")
    folder = tmp_path / "只读文件夹"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        out = run("export", "needs", "--db", str(db), "--out", str(folder / "a.pdf"))
    finally:
        folder.chmod(0o755)
    assert out.returncode == 2 and out.stderr.strip().startswith(f"没有权限在文件夹“{folder}”中写入文件。")
    assert list(folder.iterdir()) == []


def _mount_tmpfs(path: Path, size: str) -> bool:
    import os

    if os.name != "posix" or os.geteuid() != 0:
        return False
    path.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_full_and_read_only_disk_on_a_real_tmpfs(tmp_path):
    """A 2 MiB tmpfs (needs root; skipped otherwise): full, then remounted read-only."""
    import pytest

    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "2m"):
        pytest.skip("mounting a tmpfs needs root")
    try:
        db = tmp_path / "x.db"
        run("sample", "--db", str(db), "--needs", "300", "--cases", "3")
        (disk / "filler").write_bytes(b"\0" * (2 * 1024 * 1024 - 40 * 1024))
        for name in ("清单.xlsx", "清单.pdf"):
            out = run("export", "needs", "--db", str(db), "--out", str(disk / name))
            assert out.returncode == 2
            assert out.stderr.strip() == (f"磁盘空间已满，无法写入“{disk / name}”。请清理磁盘（删除不需要的文件、"
                                          "清空回收站）或换一个有空间的位置后重试。")
        out = run("sample", "--db", str(disk / "new.db"), "--needs", "2000")
        assert out.returncode == 2 and out.stderr.strip().startswith(f"磁盘空间已满，无法写入数据库“{disk / 'new.db'}”")
        assert sorted(p.name for p in disk.iterdir() if p.name.startswith(".~")) == []
        (disk / "filler").unlink()
        for p in disk.glob("new.db*"):
            p.unlink()
        import shutil

        shutil.copy(db, disk / "ro.db")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        out = run("sample", "--db", str(disk / "ro.db"), "--needs", "1")
        assert out.returncode == 2 and out.stderr.strip().startswith(
            f"数据库文件“{disk / 'ro.db'}”在只读的磁盘上（例如写保护的U盘或光盘），本软件无法保存修改（文件本身没有损坏）")
        out = run("export", "needs", "--db", str(disk / "ro.db"), "--out", str(tmp_path / "from-cd.xlsx"))
        assert out.returncode == 0 and "已导出需求 300 条" in out.stdout
        out = run("export", "needs", "--db", str(db), "--out", str(disk / "a.xlsx"))
        assert out.returncode == 2 and out.stderr.strip().startswith(f"“{disk / 'a.xlsx'}”所在的磁盘是只读的")
    finally:
        subprocess.run(["umount", str(disk)])


def test_temporary_file_of_a_killed_export_is_removed_on_next_start(tmp_path):
    import os
    import signal
    import time

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    db = tmp_path / "x.db"
    run("sample", "--db", str(db), "--needs", "1500", "--cases", "0")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "export", "needs", "--db", str(db),
                             "--out", str(out / "清单.pdf")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (out.is_dir() and any(p.name.startswith(".~") for p in out.iterdir())):
        assert proc.poll() is None, "the export finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = [p.name for p in out.iterdir()]
    assert len(left) == 1 and left[0].startswith(".~清单") and left[0].endswith(".pdf")
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "template", "needs", "--out",
                           str(tmp_path / "t.xlsx")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list(out.iterdir()) == []


def test_import_of_a_password_protected_file(tmp_path):
    import shutil

    locked = tmp_path / "加密.xlsx"
    shutil.copy(ROOT / "tests" / "data" / "encrypted_needs.xlsx", locked)  # password 1234
    db = str(tmp_path / "city.db")
    refused = run("import", str(locked), "--db", db)
    assert refused.returncode == 1
    assert "“加密.xlsx”设置了打开密码，无法读取。" in refused.stderr and "Traceback" not in refused.stderr
    wrong = run("import", str(locked), "--db", db, "--password", "4321")
    assert wrong.returncode == 1 and "“加密.xlsx”的打开密码不正确" in wrong.stderr
    right = run("import", str(locked), "--db", db, "--password", "1234")
    assert right.returncode == 0, right.stderr
    assert "新增 4 条" in right.stdout
    store = Store.open(Path(db))
    assert store.needs.count() == 4
    store.close()


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
