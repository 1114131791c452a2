#!/usr/bin/env bash
# Self-test of prom.sh against a real Prometheus: valid rules -> promtool OK -> reload 200 ->
# rule visible in /api/v1/rules; invalid rules -> promtool FAILED -> reload 500 -> previous
# rule set still served. Prints what Prometheus answers at each step.
# Usage: tests/prometheus/selftest.sh [WORKDIR]   (default: a fresh mktemp dir, removed at the end)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 1 ]; then work=$1; keep=1; else work=$(mktemp -d /tmp/prom-selftest.XXXXXX); keep=0; fi
mkdir -p "$work"
pass=0; fail=0
ok()  { pass=$((pass+1)); echo "ok   - $*"; }
bad() { fail=$((fail+1)); echo "FAIL - $*"; }
cleanup() {
    "$here/prom.sh" stop "$work" >/dev/null 2>&1 || true
    [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

"$here/prom.sh" start "$work" || { echo "0 passed, 1 failed"; exit 1; }
url=$(cat "$work/url")
case $url in http://127.0.0.1:*) ok "listening on loopback: $url" ;; *) bad "url not loopback: $url" ;; esac
[ "${url##*:}" != 9090 ] && ok "not the default port 9090" || bad "uses 9090"

# rule_names FILTER: print "group/name" for every rule in /api/v1/rules
rule_names() {
    curl -s "$url/api/v1/rules" | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["status"]=="success", d
for g in d["data"]["groups"]:
    for r in g["rules"]:
        print(g["name"]+"/"+r["name"])'
}

# 1. a valid rules file
cat >"$work/rules/selftest.yml" <<'YML'
groups:
  - name: selftest
    interval: 10s
    rules:
      - alert: SelftestAlwaysFiring
        expr: vector(1) > 0.10
        for: 1m
        labels: {severity: info, managed_by: monitorc}
        annotations: {summary: "value is {{ $value }}"}
      - record: selftest:one
        expr: vector(1)
YML
out=$(promtool check rules "$work/rules/selftest.yml" 2>&1); rc=$?
echo "$out" | sed 's/^/    promtool: /'
[ $rc = 0 ] && echo "$out" | grep -q 'SUCCESS: 2 rules found' && ok "promtool check rules accepts valid file" || bad "promtool rc=$rc"

code=$(curl -s -o "$work/reload.body" -w '%{http_code}' -X POST "$url/-/reload")
[ "$code" = 200 ] && ok "POST /-/reload -> 200 (body: '$(cat "$work/reload.body")')" || bad "reload -> $code $(cat "$work/reload.body")"
names=$(rule_names)
echo "$names" | sed 's/^/    rules: /'
echo "$names" | grep -qx 'selftest/SelftestAlwaysFiring' && echo "$names" | grep -qx 'selftest/selftest:one' \
    && ok "rules visible in /api/v1/rules" || bad "rules missing from /api/v1/rules"
q=$(curl -s "$url/api/v1/rules?type=alert" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["groups"][0]["rules"][0]["query"])')
[ "$q" = "vector(1) > 0.1" ] && ok "API re-prints PromQL: 'vector(1) > 0.10' comes back as '$q'" || bad "query came back as '$q'"

# 2. an invalid rules file next to the valid one
cat >"$work/rules/broken.yml" <<'YML'
groups:
  - name: broken
    rules:
      - alert: Broken
        expr: sum(rate(x[5m]) > 1
        for: 10m
YML
promtool check rules "$work/rules/broken.yml" >"$work/pt.out" 2>"$work/pt.err"; rc=$?
echo "    promtool rc=$rc"; sed 's/^/    promtool stdout: /' "$work/pt.out"; sed 's/^/    promtool stderr: /' "$work/pt.err"
[ $rc = 1 ] && grep -q 'FAILED:' "$work/pt.err" && grep -q 'could not parse expression' "$work/pt.err" \
    && ok "promtool rejects invalid file (exit 1, FAILED on stderr)" || bad "promtool on invalid: rc=$rc"

code=$(curl -s -o "$work/reload.body" -w '%{http_code}' -X POST "$url/-/reload")
echo "    POST /-/reload -> $code, body: $(cat "$work/reload.body")"
[ "$code" = 500 ] && grep -q '^failed to reload config' "$work/reload.body" \
    && ok "failed reload -> 500 'failed to reload config: ...'" || bad "failed reload gave $code"
names=$(rule_names)
echo "$names" | sed 's/^/    rules after failed reload: /'
echo "$names" | grep -qx 'selftest/SelftestAlwaysFiring' && ! echo "$names" | grep -q '^broken/' \
    && ok "previous rule set still served after failed reload" || bad "rule set changed after failed reload"
grep -q 'previous rule set restored' "$work/prometheus.log" && ok "log says 'previous rule set restored'" || bad "log line missing"
grep 'loading groups failed' "$work/prometheus.log" | tail -1 | sed 's/^/    log: /'

# 3. fix it again: remove the broken file -> reload 200
rm -f "$work/rules/broken.yml"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/-/reload")
[ "$code" = 200 ] && ok "reload after removing the broken file -> 200" || bad "reload -> $code"

code=$(curl -s -o /dev/null -w '%{http_code}' "$url/-/reload")
[ "$code" = 405 ] && ok "GET /-/reload -> 405" || bad "GET /-/reload -> $code"

"$here/prom.sh" stop "$work" >/dev/null
[ -f "$work/pid" ] && bad "pid file left" || ok "prom.sh stop"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
