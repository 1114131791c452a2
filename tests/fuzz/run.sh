#!/usr/bin/env bash
# Runs a fuzzer for SECONDS on a fresh copy of its seed corpus: for the front end (no
# SEEDS_DIR) the examples and every .mon file under tests/ (tests/fuzz/seeds included); for the
# others the files in SEEDS_DIR (tests/fuzz/seeds-lsp: client sessions, some with bad framing;
# seeds-import: one file per importer construct, led by the byte that picks the importer;
# seeds-plan: saved plan files for each target kind).
# Exits non-zero on any crash, leak, timeout, out-of-memory or sanitizer report (libFuzzer's own
# status).
# Usage: tests/fuzz/run.sh BINARY SECONDS [SEEDS_DIR]
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 BINARY SECONDS [SEEDS_DIR]" >&2
  exit 2
fi
bin=$(realpath "$1")
seconds=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/monitorc-fuzz.XXXXXX")
trap 'rm -rf "$work/corpus"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
n=0
if [ $# -eq 3 ]; then
  seeds=(find "$(realpath "$3")" -type f ! -name "*.py" -print0)
else
  seeds=(find "$root/examples" "$root/tests" -name '*.mon' -type f -print0)
fi
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "$work/corpus/seed-$n"
done < <("${seeds[@]}" | sort -z)
echo "fuzz $(basename "$bin"): $n seed files, running $seconds s; crash inputs go to $work/artifacts/" >&2
# The lexer lets 20,000-link operator chains through (the formatter prints them); the release
# build parses them in the usual 8 MB stack, the sanitizer build needs several times that.
ulimit -s 65536 2>/dev/null || true
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
status=0
"$bin" "$work/corpus" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz $(basename "$bin"): FAILED (status $status); reproduce with: $bin $work/artifacts/<file>" >&2
  ls -l "$work/artifacts" >&2 || true
  exit 1
fi
rmdir "$work/artifacts" 2>/dev/null && rmdir "$work" 2>/dev/null || true
echo "fuzz $(basename "$bin"): no findings" >&2
