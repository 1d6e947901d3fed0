#!/usr/bin/env bash
# CI: build the one-folder program with PyInstaller (README 打包) and use it the way an
# officer's PC would: started with `env -i` (no venv, no PYTHONPATH, no PATH), from a
# folder outside the repository, offscreen. Any failure, the build's included, fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
APP=$ROOT/dist/wanlixing

started=$(date +%s)
python -m pip install -q -e ".[build]"
python -m PyInstaller --noconfirm --log-level WARN wanlixing.spec
echo "build_smoke: built dist/wanlixing in $(( $(date +%s) - started )) s, $(du -sh "$APP" | cut -f1)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
run() { (cd "$WORK" && env -i HOME="$WORK" QT_QPA_PLATFORM=offscreen "$@"); }
fail() { echo "build_smoke: $*" >&2; exit 1; }

version=$(python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
got=$(run "$APP/wanlixing-cli" --version)
[ "$got" = "万里行填报助手 $version" ] || fail "--version printed '$got', pyproject.toml says $version"

# A wrong command line: exit 2 and a Chinese hint naming this program, not "python main.py".
set +e
hint=$(run "$APP/wanlixing-cli" no-such-command 2>&1)
code=$?
set -e
[ "$code" = 2 ] && grep -q "请运行 wanlixing-cli --help" <<<"$hint" || fail "bad command line: exit $code, '$hint'"

run "$APP/wanlixing-cli" sample --db sample.db --needs 40 --cases 2
run "$APP/wanlixing-cli" export needs --db sample.db --out needs.pdf
run "$APP/wanlixing-cli" export cases --db sample.db --out cases.pdf
run "$APP/wanlixing-cli" export needs --db sample.db --out needs.xlsx
run "$APP/wanlixing-cli" import needs.xlsx --db imported.db | tee "$WORK/import.txt"
grep -q "新增 40 条" "$WORK/import.txt" || fail "import of the exported workbook did not add 40 needs"

for pdf in needs.pdf cases.pdf; do
  text=$(pdftotext "$WORK/$pdf" -)
  grep -q "需求清单\|推荐表" <<<"$text" || fail "$pdf has no Chinese title text"
  # pdffonts: name type encoding emb sub uni object ID; the type may hold spaces, so count from the end.
  fonts=$(pdffonts "$WORK/$pdf" | tail -n +3)
  [ -n "$fonts" ] || fail "$pdf lists no fonts"
  not_embedded=$(awk '$(NF-4) != "yes"' <<<"$fonts")
  [ -z "$not_embedded" ] || fail "$pdf has fonts that are not embedded: $not_embedded"
done
# The PDF fonts came from inside the folder (resources found frozen), not from the repository.
grep -q "PDF fonts: .*$APP/_internal/resources/fonts/" "$WORK/.local/state/wanlixing/log/wanlixing.log" \
  || fail "the PDF fonts were not taken from the bundle"

# The window: it must still be running when timeout stops it (exit 124), and log no error.
set +e
(cd "$WORK" && timeout 15 env -i HOME="$WORK" QT_QPA_PLATFORM=offscreen "$APP/wanlixing" --db sample.db)
code=$?
set -e
[ "$code" = 124 ] || fail "the window exited with code $code instead of staying open"
# Shown, then closed as by 文件 → 退出 (the hook bench/frozen_startup.py times the start with): a clean exit.
(cd "$WORK" && timeout 30 env -i HOME="$WORK" QT_QPA_PLATFORM=offscreen WANLIXING_QUIT_WHEN_SHOWN=1 \
  "$APP/wanlixing" --db sample.db) || fail "the window did not close cleanly after being shown (exit $?)"
if grep -E "ERROR|Traceback|translations not found" "$WORK/.local/state/wanlixing/log/wanlixing.log"; then
  fail "the window logged an error"
fi

echo "build_smoke: ok (version $version, $(du -sh "$APP" | cut -f1), every PDF font embedded)"
