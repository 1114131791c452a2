#!/usr/bin/env bash
# Prometheus plan/apply against a real Prometheus (tests/prometheus/prom.sh): create, no-op plan,
# semantic update, a bad rule caught by promtool, a bad rule caught only by the reload (500),
# both restoring the previous file, prune removing only the owned file, and recording rules
# (identity, update, verification).
#   apply_prometheus.sh MONITORC PROM_APPLY_TOOL
set -u
mon=$(realpath "$1"); tool=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
prom="$here/../prometheus/prom.sh"
d=$(mktemp -d); trap 'bash "$prom" stop "$d" >/dev/null 2>&1; rm -rf "$d"' EXIT
bash "$prom" start "$d" >/dev/null || { echo "FAIL cannot start Prometheus"; exit 1; }
url=$(cat "$d/url"); rules="$d/rules"; mkdir -p "$rules"
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok   $1"; else fail=$((fail+1)); echo "FAIL $1"; fi; }
# api_rules GROUP -> "count lastexpr-with-CPU-critical" from /api/v1/rules
api() { curl -fsS "$url/api/v1/rules" | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]["groups"]
g = [x for x in d if x["name"] == sys.argv[1]]
if not g: print("absent"); sys.exit()
r = g[0]["rules"]
cpu = [x["query"] for x in r if x["name"] == "CPU high" and x["labels"].get("severity") == "critical"]
print(len(r), g[0]["file"].rsplit("/", 1)[-1], cpu[0].rsplit(" ", 1)[-1] if cpu else "-")' "$1"; }

"$mon" build -o "$d/b1" "$here/cases/portable.mon" 2>/dev/null
out=$("$tool" plan "$d/b1" prom "$rules" "$url")
check "plan on an empty rules_dir creates the owned file" '[[ "$out" == *"+ monitorc_prom.yml"* && "$out" == *"+ rule '"'"'crowdfund.alerts'"'"' / '"'"'CPU high'"'"' (critical)"* ]]'
"$tool" apply "$d/b1" prom "$rules" "$url" >"$d/log" 2>&1; rc=$?
check "apply succeeds" '[ $rc -eq 0 ] && grep -q "verified through /api/v1/rules" "$d/log"'
check "Prometheus loaded 15 rules from monitorc_prom.yml" '[ "$(api crowdfund.alerts)" = "15 monitorc_prom.yml 95" ]'
check "no temporary files left (only the lock applies take turns on)" '[ -z "$(ls -A "$rules" | grep -v "^monitorc_prom.yml$" | grep -vxF .monitorc.lock)" ]'
out=$("$tool" plan "$d/b1" prom "$rules" "$url")
check "plan after apply: no changes" '[[ "$out" == *"no changes"* ]]'

# A file monitorc does not own stays untouched throughout.
printf 'groups:\n  - name: other\n    rules:\n      - alert: Other\n        expr: vector(1) > 2\n' >"$rules/other.yml"
curl -fsS -X POST "$url/-/reload" >/dev/null

sed 's/critical = 95/critical = 97/' "$here/cases/portable.mon" >"$d/v2.mon"
"$mon" build -o "$d/b2" "$d/v2.mon" 2>/dev/null
out=$("$tool" plan "$d/b2" prom "$rules" "$url")
check "plan shows exactly the changed rule" '[[ "$out" == *"~ rule '"'"'crowdfund.alerts'"'"' / '"'"'CPU high'"'"' (critical)"* ]] && [ "$(grep -c "rule " <<<"$out")" = 1 ]'
"$tool" apply "$d/b2" prom "$rules" "$url" >"$d/log" 2>&1
check "update applied and verified" '[ "$(api crowdfund.alerts)" = "15 monitorc_prom.yml 97" ]'
cp "$rules/monitorc_prom.yml" "$d/good.yml"

{ cat "$d/v2.mon"; echo 'monitor query "Broken" { query = "rate(x[5m]" operator = ">" critical = 1 }'; } >"$d/v3.mon"
"$mon" build -o "$d/b3" "$d/v3.mon" 2>/dev/null
"$tool" apply "$d/b3" prom "$rules" "$url" >"$d/log" 2>"$d/err"; rc=$?
check "a bad rule is stopped by promtool" '[ $rc -eq 1 ] && grep -q "promtool check rules failed" "$d/err"'
check "  and the previous file is back" 'cmp -s "$rules/monitorc_prom.yml" "$d/good.yml"'
"$tool" apply --no-promtool "$d/b3" prom "$rules" "$url" >"$d/log" 2>"$d/err"; rc=$?
check "without promtool the reload fails (HTTP 500)" '[ $rc -eq 1 ] && grep -q "POST /-/reload: HTTP 500" "$d/err"'
check "  and the previous file is back" 'cmp -s "$rules/monitorc_prom.yml" "$d/good.yml"'
check "  and Prometheus still serves the previous rules" '[ "$(api crowdfund.alerts)" = "15 monitorc_prom.yml 97" ]'
check "  and reloads cleanly again" 'curl -fsS -X POST "$url/-/reload" -o /dev/null'

mkdir -p "$d/empty"
out=$("$tool" plan "$d/empty" prom "$rules" "$url")
check "without --prune an unwanted owned file stays" '[[ "$out" == *"no changes"* ]]'
"$tool" apply --prune "$d/empty" prom "$rules" "$url" >"$d/log" 2>&1; rc=$?
check "prune removes the owned file" '[ $rc -eq 0 ] && [ ! -e "$rules/monitorc_prom.yml" ] && [ "$(api crowdfund.alerts)" = absent ]'
check "prune leaves other files and their groups" '[ -e "$rules/other.yml" ] && [ "$(api other)" != absent ]'

# Recording rules: part of the plan's identity (group, record, labels) and of the verification.
# api_rec GROUP -> "rules recording-rules" as Prometheus reports them
api_rec() { curl -fsS "$url/api/v1/rules" | python3 -c '
import json, sys
g = [x for x in json.load(sys.stdin)["data"]["groups"] if x["name"] == sys.argv[1]]
print(len(g[0]["rules"]), sum(r["type"] == "recording" for r in g[0]["rules"])) if g else print("absent")' "$1"; }
"$mon" build -o "$d/r1" "$here/cases/recording.mon" 2>/dev/null
out=$("$tool" plan "$d/r1" prom "$rules" "$url")
check "plan lists each recording rule by name and labels" '[[ "$out" == *"+ rule '"'"'crowdfund.rules'"'"' / '"'"'record job:http_errors:ratio_rate5m'"'"' {job=\"api\"}"* && "$out" == *"{job=\"web\"}"* ]] && [ "$(grep -c "+ rule .*record " <<<"$out")" = 3 ]'
"$tool" apply "$d/r1" prom "$rules" "$url" >"$d/log" 2>&1; rc=$?
check "apply with recording rules is verified" '[ $rc -eq 0 ] && grep -q "verified through /api/v1/rules" "$d/log"'
check "Prometheus loaded 3 recording and 2 alerting rules" '[ "$(api_rec crowdfund.rules)" = "5 3" ]'
out=$("$tool" plan "$d/r1" prom "$rules" "$url")
check "plan after apply with records: no changes" '[[ "$out" == *"no changes"* ]]'
sed 's/sum by (job) (rate(http_requests_total\[/max by (job) (rate(http_requests_total[/' "$here/cases/recording.mon" >"$d/r2.mon"
"$mon" build -o "$d/r2" "$d/r2.mon" 2>/dev/null
out=$("$tool" plan "$d/r2" prom "$rules" "$url")
check "a changed record expr is one update" '[[ "$out" == *"~ rule '"'"'crowdfund.rules'"'"' / '"'"'record job:http_requests:rate5m'"'"' {team=\"web\"}"* ]] && [ "$(grep -c "rule " <<<"$out")" = 1 ]'
sed 's/labels = { team = "web" }/labels = { team = "ops" }/' "$here/cases/recording.mon" >"$d/r3.mon"
"$mon" build -o "$d/r3" "$d/r3.mon" 2>/dev/null
out=$("$tool" plan "$d/r3" prom "$rules" "$url")
check "changed record labels are another series: add and remove" '[[ "$out" == *"+ rule '"'"'crowdfund.rules'"'"' / '"'"'record job:http_requests:rate5m'"'"' {team=\"ops\"}"* && "$out" == *"- rule '"'"'crowdfund.rules'"'"' / '"'"'record job:http_requests:rate5m'"'"' {team=\"web\"}"* ]] && [ "$(grep -c "rule " <<<"$out")" = 2 ]'
"$tool" apply "$d/r3" prom "$rules" "$url" >"$d/log" 2>&1; rc=$?
check "  and applies" '[ $rc -eq 0 ] && [ "$(api_rec crowdfund.rules)" = "5 3" ] && grep -q "team: \"ops\"\|\"team\": \"ops\"" "$rules/monitorc_prom.yml"'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
