"""Time and memory of reading each hostile file, each in its own process.

    python bench/hostile_files.py [name ...]

Builds every file of tests/exports/hostile.py in a temporary folder, then runs
``read_file`` on it in a fresh subprocess and reports the outcome, the wall time,
the CPU time and the child's peak RSS (its own ``VmHWM``). The bar (issue 7):
every file refused or read within 10 s and 300 MB. A line is marked ``OVER`` when
it misses the bar. The machine is shared: CPU time is the steadier figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.exports.hostile import HOSTILE  # noqa: E402

CHILD = """
import sys, time
t0, c0 = time.perf_counter(), time.process_time()
from exports.reading import ReadError, read_file
try:
    result = read_file(sys.argv[1])
    invalid = sum(1 for r in result.rows if r.invalid)
    out = f"read {len(result.rows)} rows, {invalid} invalid, {len(result.notes)} notes"
except ReadError as exc:
    out = f"refused: {exc}"
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
# VmHWM is this process's own peak RSS (getrusage would include the parent's pages from before exec).
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(f"{wall:.3f} {cpu:.3f} {hwm / 1024:.1f} {out}")
"""

LIMIT_S = 10.0
LIMIT_MB = 300.0


def run(path: Path) -> tuple[str, float, float, float]:
    """(outcome, wall s, CPU s, peak RSS MB) of importing and reading ``path`` in a fresh interpreter
    (the interpreter's own start-up is left out; the imports of the app's modules are counted)."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    try:
        wall, cpu, rss, out = proc.stdout.strip().split(" ", 3)
        return out, float(wall), float(cpu), float(rss)
    except ValueError:
        return f"CRASH {proc.returncode}: {proc.stderr[-300:]}", 0.0, 0.0, 0.0


def main(names: list[str]) -> int:
    names = names or list(HOSTILE)
    worst_wall = worst_cpu = worst_rss = 0.0
    over = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'file':<22}{'size':>9}{'wall s':>8}{'cpu s':>7}{'RSS MB':>8}  outcome")
        for name in names:
            build, _expected = HOSTILE[name]
            path = build(folder)
            size = path.stat().st_blocks * 512  # on disk (sparse files are small)
            out, wall, cpu, rss = run(path)
            worst_wall, worst_cpu, worst_rss = max(worst_wall, wall), max(worst_cpu, cpu), max(worst_rss, rss)
            mark = "OVER " if wall > LIMIT_S or rss > LIMIT_MB or out.startswith("CRASH") else ""
            over += bool(mark)
            print(f"{name:<22}{size / 1e6:>8.2f}M{wall:>8.2f}{cpu:>7.2f}{rss:>8.0f}  {mark}{out[:150]}", flush=True)
            path.unlink()
    print(f"\n{len(names)} hostile files; worst wall {worst_wall:.2f} s, worst CPU {worst_cpu:.2f} s, "
          f"worst peak RSS {worst_rss:.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
