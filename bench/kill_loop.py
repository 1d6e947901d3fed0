"""Kill the app's processes at random moments, many times, and check that nothing acknowledged is lost.

Three kinds of work are killed with SIGKILL at a random moment, in turn:
  edits   a process that edits needs and prints "ack ID VALUE" after each commit returned;
  import  ``main.py import`` of a folder of colleagues' files;
  export  ``main.py export needs --out X.pdf``.
After each kill: the database opens, ``pragma integrity_check`` is ok, every acknowledged edit
is there, every import batch holds all the rows of its file (no half batch), an export's file is
either whole or absent, and after the next start no temporary export file is left.

    python bench/kill_loop.py [--kills 50] [--seed 1]

Prints one line per kill and a summary; exits 1 on the first broken guarantee.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exports.xlsx_needs import export_needs_xlsx  # noqa: E402
from storage import Store  # noqa: E402

EDITOR = """
import sys
sys.path.insert(0, {root!r})
from storage import Store
store = Store.open({db!r})
ids = store.needs.ids()
n = 0
while True:
    rid = ids[n % len(ids)]
    value = f"联系人{{n}}"
    store.needs.update(rid, {{"contact": value}})
    print("ack", rid, value, flush=True)
    n += 1
"""
UNIT = "福州市台江区第{k}监督所"


def make_folder(work: Path, files: int = 12, rows: int = 40) -> Path:
    folder = work / "files"
    folder.mkdir()
    colleague = Store.open(work / "colleague.db")
    for k in range(files):
        colleague.set_profile({"unit": UNIT.format(k=k), "city": "福州市", "district": "台江区", "year": 2023})
        colleague.needs.set_deleted(colleague.needs.ids(), True)
        colleague.needs.insert_many([{**colleague.local_defaults("needs"), "subject_name": f"第{k}-{i}号科技有限公司",
                                      "category": "专利导航与分析评议", "content": f"需要专利导航（{k}-{i}）。",
                                      "coord_level": "本地解决"} for i in range(rows)])
        export_needs_xlsx(colleague, folder / f"单位{k:02d}.xlsx")
    colleague.close()
    return folder


def check_db(db: Path, rows_per_file: int) -> Store:
    store = Store.open(db)
    ok = store.db.execute("pragma integrity_check").fetchone()[0]
    assert ok == "ok", f"integrity_check: {ok}"
    for batch_id, name in store.db.execute("select id, file_name from import_batches where undone_at is null"):
        n = store.db.execute("select count(*) from needs where batch_id = ?", [batch_id]).fetchone()[0]
        assert n == rows_per_file, f"half batch: {name} has {n} of {rows_per_file} rows"
    return store


def kill_edits(work: Path, rng: random.Random) -> str:
    db = work / "edits.db"
    if not db.exists():
        s = Store.open(db)
        s.needs.insert_many([{"subject_name": f"企业{i}", "content": "需求"} for i in range(20)])
        s.close()
    proc = subprocess.Popen([sys.executable, "-c", EDITOR.format(root=str(ROOT), db=str(db))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the editor is running: kill it at a random moment from now
    time.sleep(rng.uniform(0.05, 1.5))
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    acked: dict[str, str] = {}
    for line in [first, *out.splitlines()]:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ack":
            acked[parts[1]] = parts[2]
    store = check_db(db, 0)
    for rid, value in acked.items():
        got = store.needs.get(rid)["contact"]
        assert got == value or int(got[3:]) > int(value[3:]), f"acknowledged edit lost: {rid} {value} -> {got}"
    store.close()
    return f"{len(acked)} acknowledged edits present"


def kill_import(work: Path, folder: Path, rng: random.Random) -> str:
    db = work / f"import{rng.randrange(10**9)}.db"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", str(folder), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # the first file is being imported: kill at a random moment from now
    time.sleep(rng.uniform(0.0, 0.8))  # a 12-file import takes about 2 s here
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    if not db.exists():
        return "killed before the database was created"
    store = check_db(db, 40)
    batches = store.db.execute("select count(*) from import_batches").fetchone()[0]
    store.close()
    rerun = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(folder), "--db", str(db)],
                           capture_output=True, text=True, cwd=ROOT)
    assert rerun.returncode == 0, rerun.stderr
    store = check_db(db, 40)
    total = store.needs.count()
    store.close()
    assert total == 12 * 40, f"rerun ended with {total} needs, not {12 * 40}"
    return f"{batches} whole batches at the kill; rerun converged to {total}"


def kill_export(work: Path, rng: random.Random) -> str:
    db = work / "export.db"
    if not db.exists():
        made = subprocess.run([sys.executable, str(ROOT / "main.py"), "sample", "--db", str(db), "--needs", "1500"],
                              capture_output=True, text=True, cwd=ROOT)
        assert made.returncode == 0, made.stderr
    out = work / "out" / "清单.pdf"
    out.parent.mkdir(exist_ok=True)
    out.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "export", "needs", "--db", str(db),
                             "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    time.sleep(rng.uniform(0.3, 2.5))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if out.exists():
        assert out.read_bytes().rstrip().endswith(b"%%EOF"), "a half-written PDF under the final name"
    state = "whole file" if out.exists() else "no file"
    # The next start cleans what the killed one left.
    subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "needs", "--db", str(db),
                    "--out", str(work / "out" / "again.xlsx")], capture_output=True, cwd=ROOT, check=True)
    left = [p.name for p in out.parent.iterdir() if p.name.startswith(".~")]
    assert not left, f"temporary files left after the next start: {left}"
    return state


def run(kills: int, seed: int) -> int:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = make_folder(work)
        kinds = [("edits", lambda: kill_edits(work, rng)), ("import", lambda: kill_import(work, folder, rng)),
                 ("export", lambda: kill_export(work, rng))]
        for n in range(kills):
            name, fn = kinds[n % 3]
            try:
                print(f"kill {n + 1:>3} {name:<6} ok: {fn()}", flush=True)
            except AssertionError as exc:
                print(f"kill {n + 1:>3} {name:<6} BROKEN: {exc}", flush=True)
                return 1
    print(f"{kills} kills, every guarantee held")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(run(args.kills, args.seed))
