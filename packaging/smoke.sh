#!/usr/bin/env bash
# `make bundle-smoke`: run the built app as someone without Python would, and fail on any
# wrong step. The app runs with an empty environment (no PATH entries, so no python to
# find; no PYTHONPATH or PYTHONHOME; a fresh HOME) and offscreen Qt:
#   --version; `sample` (the shipped sample project); `self-test` (the real window opens
#   the project, the first label's key labels a post, the export holds that row, exit 0);
#   `gui` on the project, quitting by itself after a moment.
set -euo pipefail
cd "$(dirname "$0")/.."

exe="$(realpath -m "${1:-dist/annotator/annotator}")"
if [[ ! -x "$exe" ]]; then
    echo "bundle-smoke: $exe is missing: run 'make bundle' first" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/no-path" "$work/home" "$work/runtime"
chmod 700 "$work/runtime"

fail() {
    echo "bundle-smoke: FAILED: $*" >&2
    exit 1
}

# The app alone, from inside the scratch folder; extra NAME=VALUE words go first.
app() {
    local settings=()
    while [[ $# -gt 0 && "$1" == *=* ]]; do
        settings+=("$1")
        shift
    done
    (cd "$work" && timeout 300 env -i HOME="$work/home" PATH="$work/no-path" \
        XDG_RUNTIME_DIR="$work/runtime" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        "${settings[@]}" "$exe" "$@")
}

expected="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' annotator/__init__.py)"
version="$(app --version)"
[[ "$version" == "annotator $expected" ]] || fail "--version printed '$version', not 'annotator $expected'"
echo "ok: $version"

app sample sample.annotator >/dev/null || fail "'annotator sample' exited $?"
[[ -s "$work/sample.annotator" ]] || fail "'annotator sample' made no project file"
echo "ok: the sample project was built"

report="$(app self-test sample.annotator labels.jsonl)" || fail "'annotator self-test' failed"
echo "$report"
# "annotator self-test: OK: labeled post <id> <label key>; exported it to labels.jsonl"
read -r post key <<<"$(sed -n 's/.*labeled post \([^ ]*\) \([^;]*\);.*/\1 \2/p' <<<"$report")"
[[ -n "${post:-}" && -n "${key:-}" ]] || fail "self-test did not say which post it labeled"
export_file="$work/labels.jsonl"
[[ -s "$export_file" ]] || fail "the export $export_file is missing"
# JSON Lines: one row a line (newlines in the text are escaped).
[[ "$(wc -l <"$export_file")" -eq 1 ]] || fail "the export does not hold exactly one row"
row="$(cat "$export_file")"
for field in "\"id\": *\"$post\"" "\"annotator\": *\"self-test\"" "\"label\": *\"$key\""; do
    grep -Eq "$field" <<<"$row" || fail "the exported row lacks $field: $row"
done
grep -Eq "\"app_version\": *\"$expected\"" "$export_file.manifest.json" ||
    fail "the export manifest does not report version $expected"
echo "ok: the export holds post $post labeled $key, manifest version $expected"

# The libraries the app loads only when first needed were frozen too: pyarrow and
# openpyxl (export), python-calamine (xlsx import), datasketch and SciPy (clusters).
app init reread.annotator >/dev/null || fail "'annotator init' failed"
for file in posts.parquet posts.xlsx; do
    wrote="$(app export sample.annotator "$file")" || fail "export to $file failed"
    rows="$(sed -n 's/^Wrote \([0-9,]*\) rows.*/\1/p' <<<"$wrote")"
    app import reread.annotator "$file" --dataset "$file" | grep -q "imported $rows," ||
        fail "importing $file back did not give its $rows posts"
done
app clusters sample.annotator | grep -q "clusters of 2 or more near-identical posts" || fail "clusters failed"
echo "ok: Parquet and xlsx out and back in, clusters"

# The window opens and quits by itself. While it is up, no file of a Python outside the
# bundle may be mapped into the process: everything it runs comes from the bundle.
app ANNOTATOR_QUIT_AFTER_MS=5000 gui sample.annotator --annotator smoke &
gui=$!
bundle="$(dirname "$exe")"
foreign="" seen=""
for _ in $(seq 1 100); do
    sleep 0.05
    for proc in /proc/[0-9]*; do
        [[ "$(readlink "$proc/exe" 2>/dev/null)" == "$exe" ]] || continue
        maps="$(cat "$proc/maps" 2>/dev/null || true)"
        if grep -q "libQt6Widgets" <<<"$maps"; then
            seen=yes
            foreign="$(awk '{print $6}' <<<"$maps" | grep -i python | grep -v "^$bundle/" | sort -u || true)"
        fi
    done
    [[ -n "$seen" ]] && break
done
wait "$gui" || fail "'annotator gui' exited $?"
[[ -n "$seen" ]] || fail "could not see the running app's loaded files"
[[ -z "$foreign" ]] || fail "the app loaded Python files from outside the bundle: $foreign"
echo "ok: 'annotator gui' opened the sample project from the bundle's files alone and quit"

echo "bundle-smoke: passed ($(du -sh "$(dirname "$exe")" | cut -f1) in $(dirname "$exe"))"
