"""Each measure of issue 9 against its peer, in one process tree, alternating runs. From the repository root:

    python bench/compare.py --quick                 # a few minutes: smaller exports, the city import
    python bench/compare.py                         # the issue's sizes; import of the province set
    python bench/compare.py --scale nation          # import of the nation set (takes long)
    python bench/compare.py --only startup,search   # some measures only

Every measure runs ours and the peer as child processes, ours first then the
peer, ``--runs`` times, and reports the median wall time, the median CPU time
(user + system, from the child's rusage) and the largest peak RSS. The machine
may be shared: CPU time is the figure least disturbed by other load, wall time
is what the officer waits. Data is generated once into ``--work`` and reused.
Peers that need pandas run under ``--peer-python`` (bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent  # the app measured; --app points it at another checkout (e.g. the code before a change)
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def use_app(path: Path) -> None:
    global ROOT
    ROOT = path.resolve()
    ENV["WLX_APP"] = str(ROOT)
    # The checkout first; a PYTHONPATH already set (e.g. a trial package) stays after it.
    ENV["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
SEARCH_WORDS = ["专利", "质押", "东南亚", "闽江智能", "高价值专利培育", "示例）", "Xz%"]


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    out: str


@dataclass
class Row:
    measure: str
    ours: list[Run] = field(default_factory=list)
    peer: list[Run] = field(default_factory=list)
    peer_name: str = ""
    note: str = ""


def tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now (Linux /proc), in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as fh:
                rss[int(entry)] = next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
    inside = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in inside and pid not in inside:
                inside.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in inside)


def run_measured(cmd: list[str], cwd: Path | None = None, tree: bool = False) -> Run:
    """Run a child to its end: wall time, CPU time and peak RSS of that child (and what it waited for).
    With ``tree``, the peak RSS is the largest sum over the child and its descendants, sampled
    every 0.2 s (an import's reading processes run beside it; rusage gives only the largest one)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd or ROOT, env=ENV, stdout=out, stderr=err,
                                text=True)
        peak = [0]
        if tree and os.path.isdir("/proc"):
            def sample() -> None:
                while proc.returncode is None and not done.is_set():
                    peak[0] = max(peak[0], tree_rss_kb(proc.pid))
                    done.wait(0.2)

            done = threading.Event()
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, unlike RUSAGE_CHILDREN
        wall = time.perf_counter() - start
        if tree and os.path.isdir("/proc"):
            done.set()
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, max(usage.ru_maxrss, peak[0]) / 1024, stdout)


def alternate(row: Row, ours, peer, runs: int) -> Row:
    for _ in range(runs):
        row.ours.append(ours())
        if peer is not None:
            row.peer.append(peer())
    return row


def precompile(root: Path) -> None:
    """Byte-compile the measured checkout once. The officer's build ships compiled bytecode; with
    PYTHONDONTWRITEBYTECODE set (as on CI and the shared machine) every measured start would
    otherwise compile every module of the app again (about 0.1 s of CPU per start)."""
    targets = [str(root / name) for name in ("forms", "storage", "exports", "ui")]
    targets += [str(path) for path in sorted(root.glob("*.py"))]  # main.py, cli_text.py
    subprocess.run([sys.executable, "-m", "compileall", "-q", *targets], stdout=subprocess.DEVNULL, check=False)


# ---- data ------------------------------------------------------------------

def sample_db(work: Path, needs: int) -> Path:
    path = work / f"sample-{needs}.db"
    if not path.exists():
        print(f"  generating {needs} sample needs …", flush=True)
        tmp = path.with_suffix(".tmp.db")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        run_measured([sys.executable, ROOT / "main.py", "sample", "--db", tmp, "--needs", needs, "--cases", 5])
        tmp.rename(path)
    return path


def submissions(work: Path, scale: str) -> Path:
    folder = work / f"files-{scale}"
    done = folder / ".complete"
    if not done.exists():
        print(f"  generating the {scale} submissions …", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        run_measured([sys.executable, BENCH / "generate.py", scale, "--out", folder])
        done.write_text("ok")
    return folder


# ---- measures ----------------------------------------------------------------

def startup(work: Path, runs: int) -> list[Row]:
    """Ours against the bare window, and the stack's floor (startup_probe.py floor: the bare window
    plus sqlite-utils and the Qt namespace, no app code) against the same, in one alternation."""
    db = sample_db(work, 1000)
    probe = BENCH / "startup_probe.py"
    ours = Row("start → window shown, 1,000-need DB", peer_name="bare PySide6 QMainWindow")
    floor = Row("floor of the stack: bare window + sqlite-utils + Qt namespace", peer_name="bare PySide6 QMainWindow")
    for _ in range(runs):
        ours.ours.append(run_measured([sys.executable, probe, "ours", "--db", db]))
        bare = run_measured([sys.executable, probe, "bare"])
        ours.peer.append(bare)
        floor.ours.append(run_measured([sys.executable, probe, "floor", "--db", db]))
        floor.peer.append(bare)
    return [ours, floor]


def xlsx(work: Path, runs: int, needs: int, peer_python: str) -> Row:
    db = sample_db(work, needs)
    out = work / "out"
    out.mkdir(exist_ok=True)
    return alternate(Row(f"styled 附件1 xlsx, {needs:,} needs (whole process)",
                         peer_name="pandas DataFrame.to_excel (openpyxl, unstyled)"),
                     lambda: run_measured([sys.executable, ROOT / "main.py", "export", "needs", "--db", db,
                                           "--out", out / "ours.xlsx"]),
                     lambda: run_measured([peer_python, BENCH / "peers.py", "to_excel", db, out / "peer.xlsx"]),
                     runs)


def pdf(work: Path, runs: int, needs: int) -> Row:
    db = sample_db(work, needs)
    out = work / "out"
    out.mkdir(exist_ok=True)
    source = out / f"for-soffice-{needs}.xlsx"
    if not source.exists():
        run_measured([sys.executable, ROOT / "main.py", "export", "needs", "--db", db, "--out", source])
    profile = Path(tempfile.mkdtemp(prefix="wlx-lo-"))  # its own LibreOffice profile, warmed once
    soffice = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", out / "lo", source]
    run_measured(soffice)
    row = alternate(Row(f"附件1 PDF, {needs:,} needs", peer_name="LibreOffice headless converting our xlsx"),
                    lambda: run_measured([sys.executable, ROOT / "main.py", "export", "needs", "--db", db,
                                          "--out", out / "ours.pdf"]),
                    lambda: run_measured(soffice), runs)
    shutil.rmtree(profile, ignore_errors=True)
    return row


def import_(work: Path, runs: int, scale: str, peer_python: str) -> Row:
    folder = submissions(work, scale)
    files = len(list(folder.glob("*.xlsx")))

    def ours() -> Run:
        db = work / "import-target.db"
        for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            p.unlink(missing_ok=True)
        # CPU time includes the reading processes (waited for before the import exits);
        # peak RSS is the sum over the process tree.
        return run_measured([sys.executable, ROOT / "main.py", "import", folder, "--db", db], tree=True)

    return alternate(Row(f"import {scale} set ({files} files) into a new DB",
                         peer_name="pandas.read_excel loop + concat"),
                     ours, lambda: run_measured([peer_python, BENCH / "peers.py", "read_excel", folder], tree=True),
                     runs)


def search(work: Path, runs: int, needs: int) -> list[Row]:
    db = sample_db(work, needs)
    probe = BENCH / "search_probe.py"
    rows = {w: Row(f"search keystroke “{w}”, {needs:,} needs", peer_name="raw FTS5 trigram MATCH") for w in
            SEARCH_WORDS}
    for _ in range(runs):
        for side in ("ours", "fts"):
            result = run_measured([sys.executable, probe, side, db, *SEARCH_WORDS])
            for line in result.out.strip().splitlines():
                word, hits, ms, cpu = line.split("\t")
                if word not in rows:
                    continue
                value = Run(float(ms) / 1000, float(cpu) / 1000, float("nan"), hits) if ms != "-" else None
                if side == "ours":
                    rows[word].ours.append(value)
                    rows[word].note = f"{hits} hits"
                elif value is not None:
                    rows[word].peer.append(value)
    return list(rows.values())


def edit_commit(work: Path, runs: int, needs: int) -> Row:
    db = sample_db(work, needs)
    code = (
        "import sys, time, statistics; sys.path.insert(0, '.');"
        "from storage import Store; s = Store.open(sys.argv[1]); rid = s.needs.ids()[0]; t = [];\n"
        "for i in range(30):\n"
        "    a = time.perf_counter(); s.needs.update(rid, {'remark': f'修改{i}'}); t.append(time.perf_counter() - a)\n"
        "print(statistics.median(t))"
    )
    row = Row(f"one edit → durable commit (synchronous=FULL, WAL), {needs:,} needs")
    for _ in range(runs):
        result = run_measured([sys.executable, "-c", code, db])
        row.ours.append(Run(float(result.out.strip()), float("nan"), float("nan"), ""))
    return row


# ---- report ----------------------------------------------------------------

def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def median(runs: list[Run], attr: str) -> float:
    values = [getattr(r, attr) for r in runs if r is not None]
    return statistics.median(values) if values else float("nan")


def table(rows: list[Row]) -> str:
    lines = ["| measure | ours (wall) | peer (wall) | ratio wall | ours CPU | peer CPU | ratio CPU | peak RSS ours / peer | peer |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        ow, pw = median(row.ours, "wall"), median(row.peer, "wall")
        oc, pc = median(row.ours, "cpu"), median(row.peer, "cpu")
        orss = max((r.rss_mb for r in row.ours if r is not None), default=float("nan"))
        prss = max((r.rss_mb for r in row.peer if r is not None), default=float("nan"))

        def t(x: float) -> str:
            return "—" if x != x else fmt_time(x)

        def ratio(a: float, b: float) -> str:
            return "—" if a != a or b != b or b == 0 else f"{a / b:.2f}×"

        rss = "—" if orss != orss else (f"{orss:.0f} MB" + ("" if prss != prss else f" / {prss:.0f} MB"))
        name = row.measure + (f" ({row.note})" if row.note else "")
        lines.append(f"| {name} | {t(ow)} | {t(pw)} | {ratio(ow, pw)} | {t(oc)} | {t(pc)} | {ratio(oc, pc)} | "
                     f"{rss} | {row.peer_name or '—'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000-need exports, the city import, 3 runs")
    parser.add_argument("--scale", choices=["district", "city", "province", "nation"],
                        help="submission set to import (default: province, city with --quick)")
    parser.add_argument("--runs", type=int, help="runs of each side (default 5, 3 with --quick)")
    parser.add_argument("--only", help="comma-separated: startup,xlsx,pdf,import,search,edit")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "wlx-bench")
    venv = BENCH / ".venv" / "bin" / "python"
    parser.add_argument("--peer-python", default=str(venv) if venv.exists() else sys.executable,
                        help="a Python with pandas (default bench/.venv)")
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    use_app(args.app)
    precompile(ROOT)
    runs = args.runs or (3 if args.quick else 5)
    export_needs = 2000 if args.quick else 10_000
    scale = args.scale or ("city" if args.quick else "province")
    only = set((args.only or "startup,xlsx,pdf,import,search,edit").split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    started = time.perf_counter()
    steps = [
        ("startup", lambda: startup(args.work, runs)),
        ("xlsx", lambda: [xlsx(args.work, runs, export_needs, args.peer_python)]),
        ("pdf", lambda: [pdf(args.work, max(1, runs // 2) if not args.quick else 1, export_needs)]),
        ("import", lambda: [import_(args.work, 1 if scale == "nation" else max(1, runs // 2), scale,
                                    args.peer_python)]),
        ("search", lambda: search(args.work, max(1, runs // 2), 150_000)),
        ("edit", lambda: [edit_commit(args.work, 3, 150_000)]),
    ]
    for name, step in steps:
        if name in only:
            print(f"[{time.perf_counter() - started:6.0f} s] {name} …", flush=True)
            rows += step()
            print(table(rows), flush=True)  # so far: a later failure loses nothing
    print()
    print(f"python {' '.join(sys.argv)}  —  {time.strftime('%Y-%m-%d %H:%M')} , {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}")
    print(table(rows))


if __name__ == "__main__":
    main()
