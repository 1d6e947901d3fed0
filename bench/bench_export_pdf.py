"""PDF export speed at consolidation scale. Run by hand:

    python bench/bench_export_pdf.py [--needs 10000] [--cases 20]

Prints how long 附件1 (plain and consolidated) and 附件2 take to write, with
page counts and file sizes. Not a unit test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports.fonts import register_fonts  # noqa: E402
from exports.pdf_cases import export_cases_pdf  # noqa: E402
from exports.pdf_needs import export_needs_pdf  # noqa: E402
from storage import Store  # noqa: E402
from storage.sample import fill  # noqa: E402


def pages(path: Path) -> str:
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return found.group(1) if found else "?"


def timed(label: str, fn, path: Path) -> None:
    start = time.perf_counter()
    count = fn(path)
    seconds = time.perf_counter() - start
    size = path.stat().st_size / 1e6
    print(f"{label:<34} {count:>6} 条  {seconds:7.2f} s  {pages(path):>5} 页  {size:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    register_fonts()  # once per process; measured apart from the exports
    print(f"{'register_fonts()':<34} {'':>6}     {time.perf_counter() - start:7.2f} s")
    store = Store.open(":memory:")
    fill(store, needs=args.needs, cases=args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed(f"附件1 需求清单 ({args.needs})", lambda p: export_needs_pdf(store, p), out / "needs.pdf")
        timed(f"附件1 汇总 ({args.needs})", lambda p: export_needs_pdf(store, p, consolidated=True),
              out / "consolidated.pdf")
        timed(f"附件2 案例 ({args.cases})", lambda p: export_cases_pdf(store, p), out / "cases.pdf")


if __name__ == "__main__":
    main()
