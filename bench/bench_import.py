"""Importing a colleague's export: read, compare, write. Run by hand:

    python bench/bench_import.py [--needs 5000]

Exports ``--needs`` sample needs from one database, then imports the file into a
fresh database on disk (WAL, synchronous=FULL, as the app opens it) and again
into the same one (everything identical). Prints the time of each step.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports.reading import read_file  # noqa: E402
from exports.xlsx_needs import export_needs_xlsx  # noqa: E402
from storage import Store  # noqa: E402
from storage.merge import apply, preview  # noqa: E402
from storage.sample import fill  # noqa: E402


def timed(label: str, fn):
    start = time.perf_counter()
    out = fn()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Store.open(Path(tmp) / "colleague.db")
        fill(source, needs=args.needs, cases=0)
        path = Path(tmp) / "需求清单.xlsx"
        timed(f"export {args.needs} needs", lambda: export_needs_xlsx(source, path))
        print(f"{'file size':<34} {path.stat().st_size / 1e6:7.2f} MB")

        target = Store.open(Path(tmp) / "supervisor.db")
        total = time.perf_counter()
        result = timed("read_file", lambda: read_file(path))
        plan = timed("preview (all new)", lambda: preview(target, result))
        summary = timed("apply", lambda: apply(target, plan))
        print(f"{'import total':<34} {time.perf_counter() - total:7.2f} s   ({summary.text})")

        total = time.perf_counter()
        result = timed("read_file again", lambda: read_file(path))
        plan = timed("preview (all identical)", lambda: preview(target, result))
        summary = timed("apply (nothing to write)", lambda: apply(target, plan))
        print(f"{'re-import total':<34} {time.perf_counter() - total:7.2f} s   ({plan.counts_text})")
        source.close()
        target.close()


if __name__ == "__main__":
    main()
