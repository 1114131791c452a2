#!/usr/bin/env bash
# Times `promtool check rules` on a generated file of N alert rules (default 10000), YAML and JSON.
# usage: tests/prometheus/bench_promtool.sh [N] [REPEATS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-10000}; reps=${2:-3}
work=$(mktemp -d /tmp/prom-bench.XXXXXX); trap 'rm -rf "$work"' EXIT
python3 "$here/gen_rules.py" "$n" "$work/rules.yml"
python3 "$here/gen_rules.py" "$n" "$work/rules.json" --json
echo "promtool: $(promtool --version 2>&1 | head -1)"
echo "cpus: $(nproc)"
for f in rules.yml rules.json; do
    echo "file $f: $(du -k "$work/$f" | cut -f1) KiB, $n alert rules"
    for lint in duplicate-rules none; do
        for r in $(seq 1 "$reps"); do
            python3 - "$lint" "$r" "$work/$f" <<'PY'
import resource, subprocess, sys, time
lint, r, f = sys.argv[1:]
t = time.monotonic()
p = subprocess.run(["promtool", "check", "rules", "--lint=" + lint, f], capture_output=True, text=True)
dt = time.monotonic() - t
if p.returncode != 0:
    sys.exit(p.stdout + p.stderr)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
summary = [l.strip() for l in p.stdout.splitlines() if "SUCCESS" in l][0]
print(f"  lint={lint:<16} run {r}: {dt:.2f} s wall, max RSS {rss} MiB  ({summary})")
PY
        done
    done
done
