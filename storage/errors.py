"""Turning file and SQLite failures into one Chinese sentence that names the file and says what to do.

Shared by the command line and the window, so a full disk, a read-only file or
folder and a file locked by another program read the same everywhere. The
English text of the exception never reaches the officer; it goes to the log.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

# SQLite primary result codes (the low byte of ``sqlite_errorcode``).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
# Windows: "the process cannot access the file because it is being used by another process".
_WIN_SHARING_VIOLATION = (32, 33)

DISK_FULL = "磁盘空间已满，无法写入“{path}”。请清理磁盘（删除不需要的文件、清空回收站）或换一个有空间的位置后重试。"
READONLY_MEDIUM = "“{path}”所在的磁盘是只读的（例如写保护的U盘或光盘），无法写入。请换一个可以写入的位置。"
READONLY_FILE = "文件“{path}”是只读的，无法写入。请在文件“属性”中取消“只读”后重试，或换一个文件名保存。"
READONLY_FOLDER = "没有权限在文件夹“{folder}”中写入文件。请换一个文件夹（例如“文档”或桌面），或请管理员开放写入权限。"
LOCKED_FILE = "文件“{path}”正被其他程序占用（例如在 Excel 或 WPS 中打开着）。请先关闭它再重试，或换一个文件名保存。"
IS_A_FOLDER = "“{path}”是一个文件夹，不能作为文件保存。请换一个文件名。"
NOT_FOUND = "找不到“{path}”。请检查路径是否正确。"
OTHER_OS = "无法读写“{path}”。请检查路径是否正确、磁盘是否可用后重试；详情已写入日志。"
OTHER_OS_NO_NAME = "读写文件时出错，操作没有完成。请检查磁盘是否可用后重试；详情已写入日志。"

DB_READONLY_FILE = ("数据库文件“{path}”是只读的，本软件无法保存修改（文件本身没有损坏）。"
                    "请在文件“属性”中取消“只读”，或把它复制到可以写入的文件夹后再打开。")
DB_READONLY_FOLDER = ("数据库所在的文件夹“{folder}”不允许写入，本软件无法保存修改（文件本身没有损坏）。"
                      "请把数据库文件复制到可以写入的文件夹（例如“文档”）后再打开。")
DB_READONLY_MEDIUM = ("数据库文件“{path}”在只读的磁盘上（例如写保护的U盘或光盘），本软件无法保存修改（文件本身没有损坏）。"
                      "请把它复制到本机硬盘后再打开。")
DB_FULL = "磁盘空间已满，无法写入数据库“{path}”。已保存的内容不受影响；请清理磁盘空间后重试。"
DB_BUSY = "数据库“{path}”正被另一个程序使用（例如另一个本软件窗口或正在进行的导入）。请稍等片刻后重试。"
DB_NOT_OURS = "无法打开数据库文件“{path}”：它不是本软件的数据库，或文件已损坏。请检查选择的文件；如有备份，可用“恢复备份”找回数据。"
DB_CORRUPT = "数据库文件“{path}”已损坏，无法读取。请用“文件 → 恢复备份”或 restore 命令从备份中恢复。"
DB_CANTOPEN = "无法打开数据库文件“{path}”。请检查文件和它所在的文件夹是否存在、是否允许写入。"
DB_IOERR = "读写数据库“{path}”时磁盘出错。请检查磁盘（或U盘）是否已拔出、空间是否已满，然后重试。"


def _no_write_bit(path: Path) -> bool:
    """True when ``path`` exists and its permission bits (or the Windows read-only attribute) forbid writing.

    Checked on the mode bits as well as with ``os.access``: a process running as
    root or administrator may ignore the bits, but the officer set them on purpose.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (mode & stat.S_IWUSR) or not os.access(path, os.W_OK)


def readonly_medium(path: Path) -> bool:
    """True when the file system holding ``path`` (or its nearest existing folder) is mounted read-only."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return bool(os.statvfs(probe).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # statvfs does not exist on Windows
        return False


def readonly_reason(path: str | Path) -> str | None:
    """'medium', 'file' or 'folder' when ``path`` cannot be written for that reason, else None."""
    path = Path(path)
    if readonly_medium(path):
        return "medium"
    if path.exists() and _no_write_bit(path):
        return "file"
    if path.parent.exists() and _no_write_bit(path.parent):
        return "folder"
    return None


def explain_os_error(exc: OSError, path: str | Path | None = None) -> str:
    """One Chinese sentence for a failed file operation on ``path`` (default: the exception's file name)."""
    name = path if path is not None else exc.filename
    if not name:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return DISK_FULL.format(path="磁盘")
        return OTHER_OS_NO_NAME
    target = Path(name)
    shown = str(target)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DISK_FULL.format(path=shown)
    if exc.errno == errno.EROFS or readonly_medium(target):
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READONLY_MEDIUM.format(path=shown)
    if isinstance(exc, IsADirectoryError) or (target.is_dir() and exc.errno in (errno.EACCES, errno.EISDIR)):
        return IS_A_FOLDER.format(path=shown)
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        if getattr(exc, "winerror", None) in _WIN_SHARING_VIOLATION:
            return LOCKED_FILE.format(path=shown)
        if target.exists() and _no_write_bit(target):
            return READONLY_FILE.format(path=shown)
        if target.parent.exists() and _no_write_bit(target.parent):
            return READONLY_FOLDER.format(folder=target.parent)
        # Writable by its attributes yet refused: on Windows this is a file another program holds open.
        return LOCKED_FILE.format(path=shown)
    if isinstance(exc, FileNotFoundError):
        return NOT_FOUND.format(path=shown if target.parent.exists() else target.parent)
    return OTHER_OS.format(path=shown)


def explain_sqlite_error(exc: sqlite3.Error, path: str | Path) -> str:
    """One Chinese sentence for a SQLite failure on the database at ``path``."""
    path = Path(path)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == _SQLITE_FULL:
        return DB_FULL.format(path=path)
    if code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
        readonly = explain_readonly_database(path)
        if readonly:
            return readonly
        if code == _SQLITE_CANTOPEN:
            return DB_CANTOPEN.format(path=path)
        return DB_READONLY_FILE.format(path=path)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DB_BUSY.format(path=path)
    if code == _SQLITE_CORRUPT:
        return DB_CORRUPT.format(path=path)
    if code == _SQLITE_IOERR:
        return DB_IOERR.format(path=path)
    return DB_NOT_OURS.format(path=path)


# What ``readonly_reason`` found, as a sentence about a plain file or about the database.
_READONLY = {
    False: {"medium": READONLY_MEDIUM, "file": READONLY_FILE, "folder": READONLY_FOLDER},
    True: {"medium": DB_READONLY_MEDIUM, "file": DB_READONLY_FILE, "folder": DB_READONLY_FOLDER},
}


def explain_readonly(path: str | Path, database: bool) -> str | None:
    """The sentence for a file (or, with ``database``, the database) that cannot be written,
    or None when nothing forbids writing."""
    path = Path(path)
    sentence = _READONLY[database].get(readonly_reason(path) or "")
    return sentence.format(path=path, folder=path.parent) if sentence else None


def explain_readonly_database(path: str | Path) -> str | None:
    """The sentence for a database that cannot be written, or None when nothing forbids writing."""
    return explain_readonly(path, database=True)


def explain(exc: BaseException, path: str | Path | None = None) -> str | None:
    """The sentence for a file or database failure, or None when ``exc`` is neither."""
    if isinstance(exc, OSError):
        return explain_os_error(exc, path)
    if isinstance(exc, sqlite3.Error) and path is not None:
        return explain_sqlite_error(exc, path)
    return None
