"""File formats people send besides .xlsx/.xls/.csv, and files locked with a password.

- WPS's own ``.et`` / ``.ett`` are, in practice, the Excel 97-2003 compound file
  under another name: they are read as .xls. One that cannot be read is refused
  with the advice to save it as .xlsx in WPS.
- ``.xlsm`` is an .xlsx with macros (the macros are never run or read).
- Excel's binary ``.xlsb`` and Apple's ``.numbers`` have no well-kept reader in
  Python: they are refused with what to do instead.
- A password-protected workbook (Office's encrypted package, or an encrypted .xls)
  is decrypted with msoffcrypto-tool when a password is known for it, into a
  private temporary folder that is removed after reading; otherwise it is
  refused as before.

Passwords reach the reader as ``read_file(..., password=...)``, or, for a
batch whose pipeline has no such parameter yet, through :func:`remember_password`
(the window asks for them on the UI thread before the reading starts; the
command line registers ``--password``).
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from exports.reading.errors import ReadError

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WPS_SUFFIXES = (".et", ".ett")
MAX_ENCRYPTED_BYTES = 200 << 20  # decrypted in memory: a workbook far beyond any city's list


class PasswordRequired(ReadError):
    """The file is locked with a password and none (or a wrong one) was given."""


def wps_message(name: str) -> str:
    return (f"“{name}”是 WPS 表格格式（.et），无法直接读取。"
            "请在 WPS 中另存为 .xlsx（文件 → 另存为 → Excel 工作簿），再导入另存后的文件。")


def refuse_unsupported(path: Path) -> None:
    """Refuse, by its name, a format no well-kept library reads (.xlsb, .numbers)."""
    ext = path.suffix.lower()
    if ext == ".xlsb":
        raise ReadError(xlsb_message(path.name))
    if ext == ".numbers":
        raise ReadError(numbers_message(path.name))


def refuse_zip(name: str, members: set[str]) -> None:
    """Refuse, by its content, a zip that is one of those formats under another name."""
    if "xl/workbook.bin" in members:
        raise ReadError(xlsb_message(name))
    if "Index/Document.iwa" in members or "Index.zip" in members:
        raise ReadError(numbers_message(name))


def xlsb_message(name: str) -> str:
    return (f"“{name}”是 Excel 二进制工作簿（.xlsb），本软件无法读取。"
            "请用 Excel 打开它，另存为“Excel 工作簿（.xlsx）”后再导入。")


def numbers_message(name: str) -> str:
    return (f"“{name}”是苹果 Numbers 表格，本软件无法读取。"
            "请在 Numbers 中选择“文件 → 导出为 → Excel”，导出 .xlsx 文件后再导入。")


@contextmanager
def wps_hint(path: Path) -> Iterator[None]:
    """Around opening a WPS file: a failure to open it becomes the advice to save it as .xlsx."""
    if path.suffix.lower() not in WPS_SUFFIXES:
        yield
        return
    try:
        yield
    except PasswordRequired:
        raise
    except Exception as exc:
        log.info("WPS file %s not readable: %r", path, exc)
        raise ReadError(wps_message(path.name)) from exc


# ---- passwords ---------------------------------------------------------------------------

_remembered: dict[str, str] = {}
_lock = threading.Lock()


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def remember_password(path: str | Path, password: str) -> None:
    """Use ``password`` whenever ``path`` is read in this session (set before the reading starts)."""
    with _lock:
        _remembered[_key(Path(path))] = password


def forget_passwords() -> None:
    with _lock:
        _remembered.clear()


def remembered_password(path: Path) -> str | None:
    with _lock:
        return _remembered.get(_key(path))


def remembered_passwords() -> dict[str, str]:
    """Every password remembered in this session (handed to the processes that read files)."""
    with _lock:
        return dict(_remembered)


def remember_passwords(passwords: dict[str, str]) -> None:
    with _lock:
        _remembered.update(passwords)


def _office_file(data: bytes):
    """msoffcrypto's view of an OLE compound file, or None when it is not an Office file it knows."""
    try:
        import msoffcrypto
        from msoffcrypto.exceptions import FileFormatError
    except ImportError:  # without the package, locked files are refused as they always were
        return None
    try:
        return msoffcrypto.OfficeFile(io.BytesIO(data))
    except (FileFormatError, OSError, ValueError, KeyError, IndexError) as exc:
        log.info("not an Office file msoffcrypto knows: %r", exc)
        return None
    except Exception as exc:  # a damaged compound file can fail anywhere inside olefile
        log.info("msoffcrypto could not parse the file: %r", exc)
        return None


def _locked(office) -> bool:
    try:
        return bool(office.is_encrypted())
    except Exception:
        log.info("could not tell whether the file is encrypted", exc_info=True)
        return False


def needs_password(path: Path) -> bool:
    """True for a file locked with a password (read on whatever thread calls it; small files only)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(8) != OLE_MAGIC:
                return False
            size = path.stat().st_size
            if size > MAX_ENCRYPTED_BYTES:
                return False
            fh.seek(0)
            data = fh.read()
    except OSError:
        return False
    office = _office_file(data)
    return office is not None and _locked(office)


def decrypt(path: Path, password: str) -> bytes | None:
    """The decrypted bytes of a locked file, or None when ``password`` is not its password."""
    data = path.read_bytes()
    office = _office_file(data)
    if office is None:
        return None
    try:
        from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    except (InvalidKeyError, DecryptionError):
        return None
    except Exception:  # an encryption msoffcrypto does not support, or a damaged file
        log.info("decrypting %s failed", path, exc_info=True)
        return None
    return out.getvalue()


def password_is_right(path: Path, password: str) -> bool:
    return decrypt(path, password) is not None


@contextmanager
def unlocked(path: Path, password: str | None = None) -> Iterator[Path]:
    """The path to read: ``path`` itself, or, for a locked file with a known password, a
    decrypted copy of the same name in a private temporary folder (removed afterwards).

    A locked file without a password, or with a wrong one, raises :class:`PasswordRequired`.
    """
    if not needs_password(path):
        yield path
        return
    password = password if password is not None else remembered_password(path)
    name = path.name
    if password is None:
        raise PasswordRequired(f"“{name}”设置了打开密码，无法读取。请输入打开密码后再导入，"
                               "或让对方取消密码后重新发送。")
    data = decrypt(path, password)
    if data is None:
        raise PasswordRequired(f"“{name}”的打开密码不正确（或加密方式无法识别），无法读取。"
                               "请向对方确认密码后重新导入，或让对方取消密码后重新发送。")
    with tempfile.TemporaryDirectory(prefix="wanlixing-") as folder:
        copy = Path(folder) / name
        copy.write_bytes(data)
        yield copy
