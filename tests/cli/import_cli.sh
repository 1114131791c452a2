#!/usr/bin/env bash
# `monitorc import prometheus|grafana` through the real binary: the imported source checks
# cleanly and builds back to rules promtool accepts with the same alert names, and to a
# dashboard with the same panel titles; errors name the file and exit 1.
set -euo pipefail
mc=$1
here=$(cd "$(dirname "$0")" && pwd)
cases=$here/../backends/cases
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

rules=$cases/portable.out/prometheus/prom/crowdfund.alerts.yml
"$mc" import prometheus "$rules" -o "$work/rules.mon"
"$mc" check "$work/rules.mon" || fail "imported rules do not check"
"$mc" build --emit prometheus -o "$work/out" "$work/rules.mon"
built=$(find "$work/out" -name '*.yml' | head -1)
[ -n "$built" ] || fail "no rule file built"
promtool check rules "$built" >/dev/null || fail "promtool rejects the rebuilt rules"
names() { grep -E '^ *- alert:' "$1" | sed 's/.*alert: *//' | sort -u; }
[ "$(names "$rules")" = "$(names "$built")" ] || fail "alert names differ after import and build"

dash=$(find "$cases" -path '*grafana*dashboards*' -name '*.json' | head -1)
"$mc" import grafana "$dash" -o "$work/dash.mon"
"$mc" check "$work/dash.mon" || fail "imported dashboard does not check"
titles() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d=d.get("dashboard",d); print(sorted(p.get("title","") for p in d["panels"]))' "$1"; }
# The import writes the dashboard only; a grafana target decides where it is built for.
printf 'target grafana "g" { url = "http://127.0.0.1:3000" }\n' > "$work/target.mon"
"$mc" build --emit grafana -o "$work/gout" "$work/dash.mon" "$work/target.mon"
rebuilt=$(find "$work/gout" -path '*dashboards*' -name '*.json' | head -1)
[ -n "$rebuilt" ] || fail "no dashboard built"
[ "$(titles "$dash")" = "$(titles "$rebuilt")" ] || fail "panel titles differ after import and build"

if "$mc" import prometheus "$work/missing.yml" 2>"$work/err"; then fail "missing file accepted"; fi
grep -q "missing.yml" "$work/err" || fail "error does not name the file"
echo '{"not": "a dashboard"}' > "$work/bad.json"
if "$mc" import grafana "$work/bad.json" 2>"$work/err"; then fail "non-dashboard accepted"; fi
grep -q "bad.json: error:" "$work/err" || fail "error does not name the file"
# Only regular files are read: a device would be read forever, a FIFO would wait for a writer.
mkfifo "$work/pipe.json"
for input in /dev/zero "$work/pipe.json"; do
  if timeout 20 "$mc" import grafana "$input" 2>"$work/err"; then fail "$input accepted"; fi
  grep -qF "monitorc: error: cannot read '$input': not a regular file" "$work/err" || fail "$input: $(head -c 300 "$work/err")"
done
# JSON that nlohmann alone would take or report raw: a location, a short message, exit 1.
printf '{"monitors": [],\n "monitors": 3}' > "$work/dup.json"
if "$mc" import mackerel --monitors "$work/dup.json" 2>"$work/err"; then fail "duplicate key accepted"; fi
grep -q "dup.json:2:2: error: invalid JSON: duplicate key 'monitors'" "$work/err" || fail "duplicate key: $(cat "$work/err")"
printf '{"monitors": [{"name": "x", "warning": 1e999}]}' > "$work/big.json"
if "$mc" import mackerel --monitors "$work/big.json" 2>"$work/err"; then fail "1e999 accepted"; fi
grep -q "big.json:1:40: error: invalid JSON: number out of range: 1e999" "$work/err" || fail "1e999: $(cat "$work/err")"
grep -q "json.exception" "$work/err" && fail "raw library message"
printf '{"uid": "a", "panels": [], "uid": "b"}' > "$work/dupdash.json"
if "$mc" import grafana "$work/dupdash.json" 2>"$work/err"; then fail "duplicate dashboard key accepted"; fi
grep -q "dupdash.json: error: invalid JSON: 1:28: duplicate key 'uid'" "$work/err" || fail "grafana duplicate key: $(cat "$work/err")"
printf '{"format_version": 1, "format_version": 1}' > "$work/plan.json"
if "$mc" apply "$work/plan.json" 2>"$work/err"; then fail "duplicate plan key accepted"; fi
grep -q "duplicate key 'format_version'" "$work/err" || fail "plan duplicate key: $(cat "$work/err")"
# Hostile YAML: refused quickly, exit 1, with FILE:LINE:COL (not minutes of work or gigabytes).
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
lol = ["a0: &a0 lol"] + ["a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)) for i in range(1, 10)]
open(w + "/laughs.yml", "w").write("\n".join(lol) + "\ngroups: []\n")
open(w + "/deep.yml", "w").write("groups:\n- " + "[" * 5000 + "]" * 5000 + "\n")
PY
for bad in "laughs.yml:7:45: error: aliases expand the YAML to more than 1000000 nodes" "deep.yml:2:257: error: nested more than 256 levels deep"; do
  file=${bad%%:*}
  status=0
  timeout 10 "$mc" import prometheus "$work/$file" >/dev/null 2>"$work/err" || status=$?
  [ "$status" -eq 1 ] || fail "$file: exit status $status, not 1"
  grep -qF "$work/$bad" "$work/err" || fail "$file: $(head -c 300 "$work/err")"
done
printf 'groups:\n- name: g\n  rules: [\n' > "$work/cut.yml"
if "$mc" import prometheus "$work/cut.yml" 2>"$work/err"; then fail "cut YAML accepted"; fi
grep -qF "$work/cut.yml:4:1: error: not YAML: " "$work/err" || fail "cut YAML: $(cat "$work/err")"
# `import mackerel FILE...`: each file is a monitor list or a dashboard, read like the flags.
printf '{"monitors": [{"type": "connectivity", "name": "ping", "memo": ""}]}' > "$work/mons.json"
printf '{"id": "d1", "title": "Ops", "urlPath": "ops", "memo": "", "widgets": []}' > "$work/dash1.json"
"$mc" import mackerel "$work/mons.json" "$work/dash1.json" -o "$work/mk.mon"
grep -q 'monitor connectivity "ping"' "$work/mk.mon" || fail "bare monitors file not imported: $(cat "$work/mk.mon")"
grep -q 'url_path = "ops"' "$work/mk.mon" || fail "bare dashboard file not imported: $(cat "$work/mk.mon")"
"$mc" check "$work/mk.mon" || fail "imported mackerel files do not check"
printf '{"monitors": 3}' > "$work/neither.json"
if "$mc" import mackerel "$work/neither.json" 2>"$work/err"; then fail "neither monitors nor dashboard accepted"; fi
grep -q "neither.json: error: neither a monitor list" "$work/err" || fail "bare file error: $(cat "$work/err")"
printf '{"monitors": [],\n "monitors": 3}' > "$work/dup2.json"
if "$mc" import mackerel "$work/dup2.json" 2>"$work/err"; then fail "duplicate key accepted (bare file)"; fi
grep -q "dup2.json:2:2: error: invalid JSON: duplicate key 'monitors'" "$work/err" || fail "bare duplicate key: $(cat "$work/err")"
echo "import_cli: 1 passed, 0 failed"
