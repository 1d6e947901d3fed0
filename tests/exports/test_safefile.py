from __future__ import annotations

import os
import stat

import pytest

from exports.safefile import atomic_path


def test_atomic_path_replaces_only_on_success(tmp_path):
    final = tmp_path / "清单.xlsx"
    final.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(final) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("crash while writing")
    assert final.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["清单.xlsx"]
    with atomic_path(final) as tmp:
        tmp.write_bytes(b"new")
    assert final.read_bytes() == b"new"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_exported_file_gets_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "a.pdf") as tmp:
            tmp.write_bytes(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.pdf").stat().st_mode) == 0o644


def test_failed_zip_writer_is_closed_quietly_and_removed(tmp_path, monkeypatch):
    """openpyxl on a full disk: the half-written ZipFile is freed before the temporary file is removed,
    not later by the traceback's owner (its __del__ then printed an English traceback on stderr)."""
    import errno
    import weakref
    import zipfile

    final = tmp_path / "清单.xlsx"
    writers = []

    def write(path):
        zf = zipfile.ZipFile(path, "w")
        writers.append(weakref.ref(zf))
        zf.writestr("a.xml", "x" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")  # zf stays open in this frame

    with pytest.raises(OSError) as caught:
        with atomic_path(final) as tmp:
            write(tmp)
    assert writers[0]() is None  # freed although ``caught`` still holds the traceback
    assert caught.value.filename == str(final)  # the message names the officer's file, not the temporary one
    assert not list(tmp_path.iterdir())


def test_read_only_target_and_folder_are_refused(tmp_path):
    final = tmp_path / "清单.pdf"
    final.write_bytes(b"old")
    final.chmod(0o444)
    with pytest.raises(PermissionError):
        with atomic_path(final) as tmp:
            tmp.write_bytes(b"new")
    assert final.read_bytes() == b"old"
    final.chmod(0o644)
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            with atomic_path(folder / "a.pdf") as tmp:
                tmp.write_bytes(b"x")
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o755)
