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
