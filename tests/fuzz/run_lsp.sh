#!/usr/bin/env bash
# Runs the language server's framing fuzzer for SECONDS on a fresh copy of its seeds
# (tests/fuzz/seeds-lsp: client sessions, some with bad framing). Exits non-zero on any crash,
# leak, timeout, out-of-memory or sanitizer report (libFuzzer's own status).
# Usage: tests/fuzz/run_lsp.sh BINARY SECONDS
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BINARY SECONDS" >&2
  exit 2
fi
bin=$(realpath "$1")
seconds=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/monitorc-fuzz-lsp.XXXXXX")
trap 'rm -rf "$work/corpus"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp "$root"/tests/fuzz/seeds-lsp/*.lsp "$work/corpus/"
echo "fuzz lsp: $(ls "$work/corpus" | wc -l) seeds, running $seconds s; crash inputs go to $work/artifacts/" >&2
ulimit -s 65536 2>/dev/null || true  # as in run.sh: deep expressions in the sanitizer build
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
status=0
"$bin" "$work/corpus" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz lsp: FAILED (status $status); reproduce with: $bin $work/artifacts/<file>" >&2
  ls -l "$work/artifacts" >&2 || true
  exit 1
fi
rmdir "$work/artifacts" 2>/dev/null && rmdir "$work" 2>/dev/null || true
echo "fuzz lsp: no findings" >&2
