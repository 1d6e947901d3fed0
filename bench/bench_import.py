"""Importing a colleague's export: read, compare, write. Run by hand:

    python bench/bench_import.py [--needs 5000]
    python bench/bench_import.py --folder /tmp/wlx-bench/files-nation [--workers N]

Exports ``--needs`` sample needs from one database, then imports the file into a
fresh database on disk (WAL, synchronous=FULL, as the app opens it) and again
into the same one (everything identical). Prints the time of each step.

With ``--folder``, imports a folder the way ``main.py import`` does (reading processes
included) into a fresh database and prints the CPU time of this process (planning and
writing) apart from the reading processes', and the peak RSS of both together.
"""

from __future__ import annotations

import argparse
import os
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


def import_folder(folder: Path, workers: int | None) -> None:
    import resource
    import threading

    from exports.importing import collect_files, import_entries, read_each

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from compare import tree_rss_kb

    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(os.getpid()))
            done.wait(0.2)

    threading.Thread(target=sample, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "national.db")
        files, _ = collect_files([folder])
        start = time.perf_counter()
        summaries = import_entries(store, read_each(store, files, workers=workers), total=len(files))
        wall = time.perf_counter() - start
        done.set()
        me, readers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"{len(files)} files, {sum(s.inserted for s in summaries):,} needs added in {wall:.1f} s wall; "
              f"CPU planning+writing {me.ru_utime + me.ru_stime:.1f} s, reading processes "
              f"{readers.ru_utime + readers.ru_stime:.1f} s; peak RSS {peak[0] / 1024:.0f} MB "
              f"(this process {me.ru_maxrss / 1024:.0f} MB); load {os.getloadavg()[0]:.1f}")
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--folder", type=Path, help="import this folder instead (e.g. bench/generate.py output)")
    parser.add_argument("--workers", type=int, help="reading processes (default: as the app chooses)")
    args = parser.parse_args()
    if args.folder:
        import_folder(args.folder, args.workers)
        return
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
