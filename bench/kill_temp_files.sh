#!/bin/bash
# SIGKILL exports (PDF, xlsx) and backups while they write, N times (default 50); after each kill the next
# start (any command) must remove every temporary file the killed process left. Run from the repository root:
#   bash bench/kill_temp_files.sh [N]
set -u
N=${1:-50}
D=$(mktemp -d); export XDG_DATA_HOME=$D/data
python main.py sample --db "$D/a.db" --needs 1500 --cases 3 >/dev/null
mid_write=0; left=0
for i in $(seq 1 "$N"); do
  case $((i % 3)) in
    0) args=(export needs --db "$D/a.db" --out "$D/out/清单.pdf");;
    1) args=(export needs --db "$D/a.db" --out "$D/out/清单.xlsx");;
    2) args=(backup --db "$D/a.db" --out "$D/out/copy.db");;
  esac
  python main.py "${args[@]}" >/dev/null 2>&1 & P=$!
  for _ in $(seq 1 3000); do
    ls -A "$D/out" 2>/dev/null | grep -q '^\.~' && break
    kill -0 $P 2>/dev/null || break
    sleep 0.005
  done
  sleep 0.0$((RANDOM % 10))
  kill -9 $P 2>/dev/null
  wait $P 2>/dev/null
  before=$(ls -A "$D/out" 2>/dev/null | grep -c '^\.~')
  [ "$before" -gt 0 ] && mid_write=$((mid_write + 1))
  python main.py template needs --out "$D/t.xlsx" >/dev/null
  after=$(ls -A "$D/out" 2>/dev/null | grep -c '^\.~')
  left=$((left + after))
done
echo "runs=$N killed while writing=$mid_write temporary files left after the next start=$left"
echo "database: $(python -c "import sqlite3; print(sqlite3.connect('$D/a.db').execute('pragma integrity_check').fetchone()[0])")"
rm -rf "$D"
[ "$left" -eq 0 ]
