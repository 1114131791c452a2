#!/usr/bin/env bash
# Compiler benchmark (issue: build of 10,000 monitors + 100 dashboards x 10 widgets under
# 0.3 s and 100 MB on 2 cores). Generates the workload with bench/gen/gen_workload.py, then
# prints wall time (best and median of RUNS) and peak RSS for check, build and fmt, on the
# written-out workload and on the same workload produced by templates and loops.
# Usage: bench/compiler/run.sh [MONITORC] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mc=${1:-$here/../../build/cli/monitorc}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/../gen/gen_workload.py" "$work" >/dev/null
printf '%-10s %-10s %10s %10s %10s %8s\n' workload command best_s median_s peak_MB files
for kind in flat templated; do
  n=$(find "$work/$kind" -name '*.mon' | wc -l)
  for cmd in check build fmt; do
    times=()
    peak=0
    for _ in $(seq "$runs"); do
      case $cmd in
        check) args=(check "$work/$kind") ;;
        build) args=(build -o "$work/out-$kind" "$work/$kind") ;;
        fmt)   args=(fmt --check "$work/$kind") ;;
      esac
      /usr/bin/time -o "$work/time" -f '%e %M' "$mc" "${args[@]}" >/dev/null 2>&1 || true
      out=$(tail -1 "$work/time")
      times+=("${out% *}")
      kb=${out#* }
      [ "$kb" -gt "$peak" ] && peak=$kb
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    printf '%-10s %-10s %10s %10s %10.1f %8s\n' "$kind" "$cmd" "${sorted[0]}" "${sorted[$((runs / 2))]}" \
      "$(echo "$peak / 1024" | bc -l)" "$n"
  done
done
echo "monitors: 10000 (all seven kinds), dashboards: 100 x 10 widgets; machine: $(nproc) cores"
