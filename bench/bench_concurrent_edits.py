"""Edits in the window while another process writes: how many fail, how long they wait.

    python bench/bench_concurrent_edits.py [--edits 88] [--old]

Another process writes in a loop (BEGIN IMMEDIATE, hold 150 ms, commit, pause 20 ms), like
``main.py import`` committing batches. This process makes ``--edits`` record updates through
``RecordTable.update``. ``--old`` puts back sqlite-utils' deferred ``db.atomic()`` to show
the failure the issue reported (SQLITE_BUSY on the read-to-write upgrade, timeout unused).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import storage.records as records  # noqa: E402
from storage import Store  # noqa: E402

WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=15)
print("go", flush=True)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("insert into settings (key, value) values ('bench', '{}') on conflict do update set value = '{}'")
    time.sleep(0.15)
    conn.execute("COMMIT")
    time.sleep(0.02)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=88)
    parser.add_argument("--old", action="store_true")
    args = parser.parse_args()
    if args.old:
        records.write_transaction = lambda db: db.atomic()  # type: ignore[assignment]
    path = Path(tempfile.mkdtemp()) / "bench.db"
    store = Store.open(path)
    ids = store.needs.insert_many([{"subject_name": f"主体{i}"} for i in range(args.edits)])
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(args.edits * 0.1 + 5)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "go"
    failed, waits = 0, []
    for i, record_id in enumerate(ids):
        started = time.monotonic()
        try:
            store.needs.update(record_id, {"subject_name": f"改{i}"})
        except Exception as exc:  # noqa: BLE001 - counting every failure is the point
            failed += 1
            last = exc
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    writer.kill()
    saved = sum(1 for r in Store.open(path).needs.rows() if r["subject_name"].startswith("改"))
    mode = "db.atomic() (old)" if args.old else "write_transaction (BEGIN IMMEDIATE)"
    print(f"{mode}: {args.edits} edits, {failed} failed, {saved} saved; "
          f"longest wait {max(waits) * 1000:.0f} ms, mean {sum(waits) / len(waits) * 1000:.0f} ms")
    if failed:
        print(f"  last error: {last!r}")


if __name__ == "__main__":
    main()
