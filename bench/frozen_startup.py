"""Start-up of the built program (what the officer runs) against a built bare window.

    python bench/frozen_startup.py [--runs 9] [--work /tmp/wlx-frozen]

Builds both with PyInstaller (one folder each; the app with wanlixing.spec, unless
dist/wanlixing is already there), then starts each in turn ``--runs`` times on a 1,000-need
database and reports the median CPU and wall time, as bench/compare.py does. The app ends
itself once its window is shown (WANLIXING_QUIT_WHEN_SHOWN=1); the bare window does the same.
Needs the build extra: ``pip install -e ".[build]"``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import compare  # noqa: E402
from compare import run_measured, sample_db  # noqa: E402


def build(work: Path) -> tuple[Path, Path]:
    app = ROOT / "dist" / "wanlixing" / "wanlixing"
    if not app.exists():
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "wanlixing.spec"],
                       cwd=ROOT, check=True)
    bare = work / "dist" / "bare_window" / "bare_window"
    if not bare.exists():
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--onedir",
                        "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
                        "--specpath", str(work), str(BENCH / "bare_window.py")], check=True)
    return app, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--work", type=Path, default=Path("/tmp/wlx-frozen"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    app, bare = build(args.work)
    db = sample_db(args.work, 1000)
    home = args.work / "home"  # the app's log and settings, away from the user's
    compare.ENV.update(QT_QPA_PLATFORM="offscreen", WANLIXING_QUIT_WHEN_SHOWN="1", HOME=str(home))
    ours, peer = [], []
    for _ in range(args.runs):
        ours.append(run_measured([app, "--db", db]))
        peer.append(run_measured([bare]))
    cpu = statistics.median(r.cpu for r in ours), statistics.median(r.cpu for r in peer)
    wall = statistics.median(r.wall for r in ours), statistics.median(r.wall for r in peer)
    print("| built program: start → window shown, 1,000-need DB | ours | built bare window | ratio |")
    print("|---|---|---|---|")
    print(f"| CPU (median of {args.runs}) | {cpu[0] * 1000:.0f} ms | {cpu[1] * 1000:.0f} ms | {cpu[0] / cpu[1]:.2f}× |")
    print(f"| wall | {wall[0] * 1000:.0f} ms | {wall[1] * 1000:.0f} ms | {wall[0] / wall[1]:.2f}× |")


if __name__ == "__main__":
    main()
