"""Excel export speed at the scale of a province's consolidated list. Run by hand:

    python bench/bench_export_xlsx.py [--needs 10000] [--cases 20]

Prints how long the needs list (plain and consolidated) and the case forms take
to export. Not a unit test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports.xlsx_cases import export_cases_xlsx  # noqa: E402
from exports.xlsx_needs import export_needs_xlsx  # noqa: E402
from storage import Store  # noqa: E402
from storage.sample import fill  # noqa: E402


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    n = fn()
    print(f"{label:<36} {n:>7} 条  {time.perf_counter() - start:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=20)
    args = parser.parse_args()
    store = Store.open(":memory:")
    fill(store, needs=args.needs, cases=args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed("needs list", lambda: export_needs_xlsx(store, out / "needs.xlsx"))
        timed("needs list, consolidated", lambda: export_needs_xlsx(store, out / "all.xlsx", consolidated=True))
        timed("case forms", lambda: export_cases_xlsx(store, out / "cases.xlsx"))
        size = (out / "needs.xlsx").stat().st_size
        print(f"needs.xlsx: {size / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
