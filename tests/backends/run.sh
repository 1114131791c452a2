#!/usr/bin/env bash
# Golden tests of the Prometheus and Grafana backends, plus the external checks of what they
# write: `promtool check rules` on every rule file, `promtool test rules` where a case has a
# .promtest.json (the rules fire as intended on sample series), and tests/grafana_schema/check.sh
# (@grafana/schema) on every dashboard.
#   run.sh MONITORC [--update]
# A case is cases/NAME.mon. With cases/NAME.diag, the build must fail with exactly that stderr;
# otherwise it must succeed and write exactly cases/NAME.out/ (prometheus/ and grafana/ only).
set -u
mon=$(realpath "$1"); update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; }
dashboards=()
for src in cases/*.mon; do
  name=$(basename "$src" .mon); out="$tmp/$name"
  "$mon" build -o "$out" "$src" 2>"$tmp/$name.err"; rc=$?
  if [ -e "cases/$name.diag" ] || { [ "$update" = --update ] && [ $rc -ne 0 ]; }; then
    [ "$update" = --update ] && cp "$tmp/$name.err" "cases/$name.diag"
    if [ $rc -eq 1 ] && diff -u "cases/$name.diag" "$tmp/$name.err"; then ok "$name: diagnostics"; else bad "$name: diagnostics (exit $rc)"; fi
    [ -d "$out" ] && bad "$name: wrote files despite errors"
    continue
  fi
  if [ $rc -ne 0 ]; then bad "$name: build failed"; cat "$tmp/$name.err"; continue; fi
  mkdir -p "$out/keep"; for d in prometheus grafana; do [ -d "$out/$d" ] && mv "$out/$d" "$out/keep/"; done
  if [ "$update" = --update ]; then rm -rf "cases/$name.out"; cp -r "$out/keep" "cases/$name.out"; fi
  if diff -ru "cases/$name.out" "$out/keep"; then ok "$name: output"; else bad "$name: output differs from cases/$name.out"; fi
  while IFS= read -r f; do
    if promtool check rules "$f" >"$tmp/promtool.log" 2>&1; then ok "$name: promtool check rules ${f#$out/keep/}"
    else bad "$name: promtool check rules ${f#$out/keep/}"; cat "$tmp/promtool.log"; fi
  done < <(find "$out/keep/prometheus" -name '*.yml' 2>/dev/null | sort)
  if [ -e "cases/$name.promtest.json" ]; then
    cp "cases/$name.promtest.json" "$out/keep/"
    if (cd "$out/keep" && promtool test rules "$name.promtest.json") >"$tmp/promtest.log" 2>&1; then ok "$name: promtool test rules"
    else bad "$name: promtool test rules"; cat "$tmp/promtest.log"; fi
  fi
  while IFS= read -r f; do dashboards+=("$f"); done < <(find "$out/keep/grafana" -path "$out/keep/grafana/*/dashboards/*.json" 2>/dev/null | sort)
done
if [ ${#dashboards[@]} -gt 0 ]; then
  if bash "$here/../grafana_schema/check.sh" "${dashboards[@]}" >"$tmp/schema.log" 2>&1; then ok "@grafana/schema: ${#dashboards[@]} dashboard(s)"
  else bad "@grafana/schema"; cat "$tmp/schema.log"; fi
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
