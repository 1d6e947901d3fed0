"""Each file or database failure gets its own Chinese sentence naming the file."""

from __future__ import annotations

import errno
import os
import sqlite3

import pytest

from storage import errors


def test_disk_full_names_the_file(tmp_path):
    path = tmp_path / "清单.xlsx"
    text = errors.explain_os_error(OSError(errno.ENOSPC, "No space left on device"), path)
    assert text == f"磁盘空间已满，无法写入“{path}”。请清理磁盘（删除不需要的文件、清空回收站）或换一个有空间的位置后重试。"


def test_read_only_file_folder_and_locked_file_differ(tmp_path):
    denied = PermissionError(errno.EACCES, "Permission denied")
    locked = tmp_path / "清单.xlsx"
    locked.write_bytes(b"x")
    # Writable by its attributes, yet refused: another program holds it (Excel on Windows).
    assert errors.explain_os_error(denied, locked).startswith(f"文件“{locked}”正被其他程序占用（例如在 Excel 或 WPS 中打开着）")
    sharing = PermissionError(errno.EACCES, "in use")
    sharing.winerror = 32
    assert "正被其他程序占用" in errors.explain_os_error(sharing, locked)
    locked.chmod(0o444)
    assert errors.explain_os_error(denied, locked).startswith(f"文件“{locked}”是只读的，无法写入。请在文件“属性”中取消“只读”")
    locked.chmod(0o644)
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert errors.explain_os_error(denied, folder / "a.pdf").startswith(f"没有权限在文件夹“{folder}”中写入文件。")
    finally:
        folder.chmod(0o755)
    assert errors.explain_os_error(OSError(errno.EROFS, "Read-only file system"), locked).startswith(
        f"“{locked}”所在的磁盘是只读的")


def test_no_english_and_no_empty_name():
    text = errors.explain_os_error(OSError(errno.EIO, "Input/output error"))
    assert text == errors.OTHER_OS_NO_NAME and "Input" not in text


@pytest.mark.parametrize("code, start", [
    (13, "磁盘空间已满，无法写入数据库"),
    (5, "数据库“{p}”正被另一个程序使用"),
    (11, "数据库文件“{p}”已损坏"),
    (26, "无法打开数据库文件“{p}”：它不是本软件的数据库"),
    (10, "读写数据库“{p}”时磁盘出错"),
])
def test_sqlite_codes(tmp_path, code, start):
    p = tmp_path / "w.db"
    exc = sqlite3.OperationalError("english text")
    exc.sqlite_errorcode = code
    text = errors.explain_sqlite_error(exc, p)
    assert text.startswith(start.format(p=p)) and "english" not in text


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_sqlite_read_only_database_is_not_damaged(tmp_path):
    p = tmp_path / "w.db"
    p.write_bytes(b"")
    p.chmod(0o444)
    exc = sqlite3.OperationalError("attempt to write a readonly database")
    exc.sqlite_errorcode = 8
    text = errors.explain_sqlite_error(exc, p)
    assert text.startswith(f"数据库文件“{p}”是只读的，本软件无法保存修改（文件本身没有损坏）")
