"""External programs the document tests use (LibreOffice, poppler's pdftotext/pdffonts/pdftoppm).

A test that needs one calls ``require_tool(name)``: on a machine without the
program the test is skipped with a clear reason, but with the environment
variable WANLIXING_REQUIRE_TOOLS=1 (CI) a missing program is a failure, so a
green run cannot hide untested documents.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

REQUIRE_ENV = "WANLIXING_REQUIRE_TOOLS"
# The Debian package that provides each program, for the skip message.
PACKAGES = {"soffice": "libreoffice-calc-nogui", "pdftotext": "poppler-utils", "pdffonts": "poppler-utils",
            "pdftoppm": "poppler-utils", "pdfinfo": "poppler-utils"}


def require_tool(name: str) -> str:
    """The path of program ``name``; skips the test (or fails under WANLIXING_REQUIRE_TOOLS=1)."""
    path = shutil.which(name)
    if path:
        return path
    package = PACKAGES.get(name, "the package that provides it")
    message = f"{name} is not installed (Debian: apt-get install {package})"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}; {REQUIRE_ENV}=1 requires it")
    pytest.skip(message)


def require_font(family: str, package: str) -> None:
    """Skip the test (or fail under WANLIXING_REQUIRE_TOOLS=1) unless fontconfig knows ``family``:
    LibreOffice lays a sheet out with the metrics of the font it finds."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        found = subprocess.run([fc_list, f":family={family}", "family"], capture_output=True, text=True).stdout
        if found.strip():
            return
    message = f"the font {family} is not installed (Debian: apt-get install {package})"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}; {REQUIRE_ENV}=1 requires it")
    pytest.skip(message)


def soffice_convert(src: str | Path, to: str, outdir: str | Path, timeout: float = 180) -> Path:
    """Convert ``src`` with headless LibreOffice (``to`` e.g. "csv", "pdf"); returns the new file.

    Each call gets its own throw-away user profile, so parallel runs and an
    officer's open LibreOffice never clash over the profile lock.
    """
    soffice = require_tool("soffice")
    src, outdir = Path(src), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"lo-{uuid.uuid4().hex[:8]}-") as profile:
        proc = subprocess.run(
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", to, "--outdir", str(outdir), str(src)],
            capture_output=True, text=True, timeout=timeout,
        )
    out = outdir / f"{src.stem}.{to.split(':')[0]}"
    if proc.returncode != 0 or not out.exists():
        raise AssertionError(f"soffice failed ({proc.returncode}): {proc.stdout} {proc.stderr}")
    return out


def run_tool(tool: str, *args: str | Path) -> str:
    """Run an external program (skipping as require_tool does) and return its standard output."""
    exe = require_tool(tool)
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, check=True).stdout


def pdf_page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run_tool("pdfinfo", path), re.M).group(1))


def squeeze(text: str) -> str:
    """Text without any white space: pdftotext breaks lines wherever the layout did."""
    return re.sub(r"\s+", "", text)
