#!/usr/bin/env bash
# Self-test of check.sh: every fixtures/good file passes; every fixtures/bad file fails, with the
# expected message at the expected place. Ends with "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
pass=0; fail=0
ok()  { pass=$((pass+1)); echo "ok   - $*"; }
bad() { fail=$((fail+1)); echo "FAIL - $*"; }

out=$(./check.sh fixtures/good/*.json 2>&1); rc=$?
[ $rc = 0 ] && ok "good fixtures pass ($(ls fixtures/good/*.json | wc -l) files)" || { bad "good fixtures: rc=$rc"; echo "$out"; }

# file | fragment that must appear in the output (grep -F)
while IFS='|' read -r name want; do
    [ -n "$name" ] || continue
    f="fixtures/bad/$name.json"
    out=$(./check.sh "$f" 2>&1); rc=$?
    if [ $rc = 1 ] && grep -qF -- "$want" <<<"$out"; then
        ok "$name -> $want"
    else
        bad "$name: rc=$rc, wanted: $want"; echo "$out" | sed 's/^/      /'
    fi
done <<'CASES'
gridpos-w-string|gridpos-w-string.json:32:9: error TS2322: Type 'string' is not assignable to type 'number'
gridpos-missing-h|gridpos-missing-h.json:29:7: error TS2741: Property 'h' is missing
unknown-top-level-field|unknown-top-level-field.json:98:3: error TS2353: Object literal may only specify known properties, and '"refreshInterval"'
missing-schemaVersion|missing-schemaVersion.json:1:1 (top-level object): error TS2741: Property 'schemaVersion' is missing
panel-missing-type|Property 'type' is missing
panel-unknown-field|'"datasourceUid"' does not exist
fieldconfig-missing-overrides|Property 'overrides' is missing
thresholds-mode-typo|thresholds-mode-typo.json:49:13: error TS2820: Type '"absolut"' is not assignable to type '"absolute" | "percentage"'
graphTooltip-out-of-range|Type '7' is not assignable to type 'DashboardCursorSync | undefined'
refresh-false|Type 'boolean' is not assignable to type 'string'
row-missing-collapsed|panels[0] (row) as RowPanel: error TS2741: Property 'collapsed' is missing
target-missing-refId|panels[1].targets[0]: error TS2322
stat-colorMode-invalid|panels[2].options (stat): error TS2322: Type '"rainbow"' is not assignable
timeseries-options-typo|panels[1].options (timeseries): error TS2353: Object literal may only specify known properties, and '"legnd"'
gridpos-w-25|[lint] fixtures/bad/gridpos-w-25.json: panels[1].gridPos.w = 25, must be 1..24
duplicate-panel-id|[lint] fixtures/bad/duplicate-panel-id.json: panels[2]: duplicate panel id 2
invalid-json|invalid JSON
CASES

# several files at once: one bad among good ones -> exit 1, the good ones still reported OK
out=$(./check.sh fixtures/good/classic-web.json fixtures/bad/refresh-false.json 2>&1); rc=$?
[ $rc = 1 ] && grep -q '^OK   fixtures/good/classic-web.json' <<<"$out" && grep -q '^1 passed, 1 failed$' <<<"$out" \
    && ok "mixed run: exit 1, per-file results" || { bad "mixed run rc=$rc"; echo "$out"; }
# usage error
./check.sh >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok "no arguments -> exit 2" || bad "no arguments -> $rc"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
