#!/usr/bin/env bash
# Golden tests of the Kibana backend. A case is cases/NAME.mon. With cases/NAME.diag, build must
# fail with exactly that stderr (and check print the same); otherwise it must write exactly
# cases/NAME.out/ (the kibana/ folder), print exactly cases/NAME.warn (nothing without one),
# every rule must pass validate_rules.py (Kibana's create rule API and es-query params), and
# every dashboards.ndjson validate_dashboards.py (the saved objects _import takes).
#   run_golden.sh MONITORC [--update]
set -u
mon=$(realpath "$1"); update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; }
for src in cases/*.mon; do
  name=$(basename "$src" .mon); out="$tmp/$name"
  "$mon" build -o "$out" "$src" 2>"$tmp/$name.err"; rc=$?
  if [ -e "cases/$name.diag" ] || { [ "$update" = --update ] && [ $rc -ne 0 ]; }; then
    [ "$update" = --update ] && cp "$tmp/$name.err" "cases/$name.diag"
    if [ $rc -eq 1 ] && diff -u "cases/$name.diag" "$tmp/$name.err"; then ok "$name: diagnostics"; else bad "$name: diagnostics (exit $rc)"; fi
    "$mon" check "$src" 2>"$tmp/$name.check"; rc=$?
    if [ $rc -eq 1 ] && diff -u "cases/$name.diag" "$tmp/$name.check"; then ok "$name: check reports the same"
    else bad "$name: check reports the same (exit $rc)"; fi
    continue
  fi
  if [ $rc -ne 0 ]; then bad "$name: build failed"; cat "$tmp/$name.err"; continue; fi
  if [ -e "cases/$name.warn" ] || { [ "$update" = --update ] && [ -s "$tmp/$name.err" ]; }; then
    [ "$update" = --update ] && cp "$tmp/$name.err" "cases/$name.warn"
    if diff -u "cases/$name.warn" "$tmp/$name.err"; then ok "$name: warnings"; else bad "$name: warnings"; fi
  elif [ -s "$tmp/$name.err" ]; then bad "$name: warnings without a cases/$name.warn golden"; cat "$tmp/$name.err"
  fi
  if "$mon" check "$src" 2>"$tmp/$name.check" && diff -u "$tmp/$name.err" "$tmp/$name.check"; then ok "$name: check reports the same"
  else bad "$name: check differs from build"; fi
  if [ "$update" = --update ]; then rm -rf "cases/$name.out"; mkdir -p "cases/$name.out"; cp -r "$out/kibana" "cases/$name.out/"; fi
  if diff -ru "cases/$name.out/kibana" "$out/kibana"; then ok "$name: output"; else bad "$name: output differs from cases/$name.out"; fi
  while IFS= read -r f; do
    if /usr/bin/python3 validate_rules.py "$f" >"$tmp/v.log" 2>&1; then ok "$name: create rule API shape ${f#$out/}"
    else bad "$name: create rule API shape ${f#$out/}"; cat "$tmp/v.log"; fi
  done < <(find "$out/kibana" -name 'rules.json' | sort)
  while IFS= read -r f; do
    if /usr/bin/python3 validate_dashboards.py "$f" >"$tmp/v.log" 2>&1; then ok "$name: saved objects shape ${f#$out/}"
    else bad "$name: saved objects shape ${f#$out/}"; cat "$tmp/v.log"; fi
  done < <(find "$out/kibana" -name 'dashboards.ndjson' | sort)
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
