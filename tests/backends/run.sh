#!/usr/bin/env bash
# Golden tests of the Prometheus and Grafana backends, plus the external checks of what they
# write: `promtool check rules` on every rule file, `promtool test rules` where a case has a
# .promtest.json (the rules fire as intended on sample series), and tests/grafana_schema/check.sh
# (@grafana/schema) on every dashboard.
#   run.sh MONITORC [--update]
# A case is cases/NAME.mon. With cases/NAME.diag, the build must fail with exactly that stderr;
# otherwise it must succeed and write exactly cases/NAME.out/ (prometheus/, grafana/, zabbix/ and cloudwatch/ only),
# printing exactly cases/NAME.warn (no warnings without it). `check` must print what build does.
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
    # `check` runs the backends' checks too: the same report, and nothing written.
    (cd "$tmp" && mkdir -p "check-$name" && cd "check-$name" && "$mon" check "$here/$src" 2>"$tmp/$name.check"); rc=$?
    sed "s|^$here/||" "$tmp/$name.check" >"$tmp/$name.check.rel"
    if [ $rc -eq 1 ] && diff -u "cases/$name.diag" "$tmp/$name.check.rel"; then ok "$name: check reports the same"
    else bad "$name: check reports the same (exit $rc)"; fi
    [ -z "$(ls -A "$tmp/check-$name")" ] || bad "$name: check wrote files"
    continue
  fi
  if [ $rc -ne 0 ]; then bad "$name: build failed"; cat "$tmp/$name.err"; continue; fi
  # Warnings (records with no prometheus target, dropped fields) are golden in NAME.warn, and
  # `check` must print exactly what `build` printed, warnings included.
  if [ -e "cases/$name.warn" ] || { [ "$update" = --update ] && [ -s "$tmp/$name.err" ]; }; then
    [ "$update" = --update ] && cp "$tmp/$name.err" "cases/$name.warn"
    if diff -u "cases/$name.warn" "$tmp/$name.err"; then ok "$name: warnings"; else bad "$name: warnings"; fi
  elif [ -s "$tmp/$name.err" ]; then bad "$name: build printed warnings without a cases/$name.warn golden"; cat "$tmp/$name.err"
  fi
  if "$mon" check "$src" 2>"$tmp/$name.check" && diff -u "$tmp/$name.err" "$tmp/$name.check"; then ok "$name: check passes and reports the same"
  else bad "$name: check failed or reported differently from build"; cat "$tmp/$name.check"; fi
  mkdir -p "$out/keep"; for d in prometheus prometheus-operator grafana zabbix cloudwatch; do [ -d "$out/$d" ] && mv "$out/$d" "$out/keep/"; done
  if [ "$update" = --update ]; then rm -rf "cases/$name.out"; cp -r "$out/keep" "cases/$name.out"; fi
  # git keeps no empty directory: a case that writes nothing has no cases/NAME.out.
  expected="cases/$name.out"; [ -d "$expected" ] || { expected="$tmp/empty.out"; mkdir -p "$expected"; }
  if diff -ru "$expected" "$out/keep"; then ok "$name: output"; else bad "$name: output differs from cases/$name.out"; fi
  # CloudWatch alarms: PutMetricAlarm's input shape and rules, checked with botocore's model.
  while IFS= read -r f; do
    if /usr/bin/python3 ../cloudwatch/validate_alarms.py "$f" >"$tmp/cw.log" 2>&1; then ok "$name: PutMetricAlarm shape ${f#$out/keep/}"
    else bad "$name: PutMetricAlarm shape ${f#$out/keep/}"; cat "$tmp/cw.log"; fi
  done < <(find "$out/keep/cloudwatch" -name 'alarms.json' 2>/dev/null | sort)
  while IFS= read -r f; do
    if promtool check rules "$f" >"$tmp/promtool.log" 2>&1; then ok "$name: promtool check rules ${f#$out/keep/}"
    else bad "$name: promtool check rules ${f#$out/keep/}"; cat "$tmp/promtool.log"; fi
  done < <(find "$out/keep/prometheus" -name '*.yml' 2>/dev/null | sort)
  # A PrometheusRule object: promtool checks its spec, which is a rule file.
  while IFS= read -r f; do
    python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d["kind"] == "PrometheusRule"; yaml.safe_dump(d["spec"], open(sys.argv[2], "w"))' \
      "$f" "$tmp/spec.yml"
    if promtool check rules "$tmp/spec.yml" >"$tmp/promtool.log" 2>&1; then ok "$name: promtool check rules (spec of) ${f#$out/keep/}"
    else bad "$name: promtool check rules (spec of) ${f#$out/keep/}"; cat "$tmp/promtool.log"; fi
  done < <(find "$out/keep/prometheus-operator" -name '*.yaml' 2>/dev/null | sort)
  if [ -e "cases/$name.promtest.json" ]; then
    cp "cases/$name.promtest.json" "$out/keep/"
    if (cd "$out/keep" && promtool test rules "$name.promtest.json") >"$tmp/promtest.log" 2>&1; then ok "$name: promtool test rules"
    else bad "$name: promtool test rules"; cat "$tmp/promtest.log"; fi
  fi
  while IFS= read -r f; do dashboards+=("$f"); done < <(find "$out/keep/grafana" -path "$out/keep/grafana/*/dashboards/*.json" 2>/dev/null | sort)
done
# Round trips: import each emitted file, build the source again, expect the same file.
imp="$(dirname "$mon")/../tests/backends/monitorc_import_tool"
[ -x "$imp" ] || imp="$(dirname "$mon")/../../tests/backends/monitorc_import_tool"
for case_out in "$tmp"/*/keep; do
  name=$(basename "$(dirname "$case_out")")
  while IFS= read -r f; do
    rel=${f#$case_out/}; rt="$tmp/rt-$name-$(basename "$f")"
    if "$imp" prometheus "$f" >"$rt.mon" 2>"$rt.err" && "$mon" build --emit prometheus -o "$rt" "$rt.mon" 2>>"$rt.err" &&
       g=$(find "$rt/prometheus" -name '*.yml') && diff -u "$f" $g; then ok "$name: round trip $rel"
    else bad "$name: round trip $rel"; cat "$rt.err"; fi
  done < <(find "$case_out/prometheus" -name '*.yml' 2>/dev/null | sort)
  # A PrometheusRule object comes back as itself: metadata, groups and rules.
  while IFS= read -r f; do
    rel=${f#$case_out/}; rt="$tmp/rt-$name-$(basename "$f")"
    if "$imp" prometheus "$f" >"$rt.mon" 2>"$rt.err" && "$mon" build --emit prometheus -o "$rt" "$rt.mon" 2>>"$rt.err" &&
       g=$(find "$rt/prometheus-operator" -name "$(basename "$f")") && diff -u "$f" $g; then ok "$name: round trip $rel"
    else bad "$name: round trip $rel"; cat "$rt.err"; fi
  done < <(find "$case_out/prometheus-operator" -name '*.yaml' 2>/dev/null | sort)
  while IFS= read -r f; do
    rel=${f#$case_out/}; rt="$tmp/rt-$name-$(basename "$f" .json)"
    # The imported source declares its own target (`grafana`), given the original's schema
    # version here; the data sources stay in the panels. Grafana reads the JSON, not its key
    # order: the comparison is of the parsed objects.
    sv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["schemaVersion"])' "$f")
    "$imp" grafana "$f" 2>"$rt.err" | sed "s/^target grafana \"grafana\" {}\$/target grafana \"grafana\" { schema_version = $sv }/" >"$rt.mon"
    if "$mon" build --emit grafana -o "$rt" "$rt.mon" 2>>"$rt.err" &&
       python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(a!=b)' "$f" "$rt/grafana/grafana/dashboards/$(basename "$f")"; then
      ok "$name: round trip $rel"
    else bad "$name: round trip $rel"; cat "$rt.err"; fi
  done < <(find "$case_out/grafana" -path "$case_out/grafana/*/dashboards/*.json" 2>/dev/null | sort)
done

# Imports of files monitorc did not write: the source and warnings are goldens; the source must
# build, its rules pass promtool and its dashboards @grafana/schema.
for f in import/*.rules.yml import/*.dashboard.json; do
  base=${f%.*}; kind=prometheus; [ "${f%.json}" != "$f" ] && kind=grafana
  "$imp" "$kind" "$f" >"$tmp/imp.mon" 2>"$tmp/imp.err"; rc=$?
  if [ "$update" = --update ]; then cp "$tmp/imp.mon" "$base.mon"; cp "$tmp/imp.err" "$base.warnings"; fi
  if [ $rc -eq 0 ] && diff -u "$base.mon" "$tmp/imp.mon" && diff -u "$base.warnings" "$tmp/imp.err"; then ok "import $f"
  else bad "import $f (exit $rc)"; fi
  # What import writes is in fmt's layout already (raw JSON over several lines, not one).
  cp "$tmp/imp.mon" "$tmp/impfmt.mon"
  if "$mon" fmt --check "$tmp/impfmt.mon" >/dev/null 2>&1; then ok "import $f: passes fmt --check"
  else bad "import $f: fmt --check"; "$mon" fmt --diff "$tmp/impfmt.mon"; fi
  cp "$tmp/imp.mon" "$tmp/imp2.mon"  # a Grafana import declares the target its dashboard goes to
  rm -rf "$tmp/impout"
  if "$mon" build --emit "$kind" -o "$tmp/impout" "$tmp/imp2.mon" 2>"$tmp/imp2.err"; then ok "import $f: builds"
  else bad "import $f: builds"; cat "$tmp/imp2.err"; fi
  while IFS= read -r r; do
    if promtool check rules "$r" >/dev/null 2>"$tmp/promtool.log"; then ok "import $f: promtool ${r#$tmp/impout/}"
    else bad "import $f: promtool ${r#$tmp/impout/}"; cat "$tmp/promtool.log"; fi
  done < <(find "$tmp/impout" -name '*.yml' 2>/dev/null | sort)
  while IFS= read -r r; do mkdir -p "$tmp/impdash"; cp "$r" "$tmp/impdash/$(basename "$base")-$(basename "$r")"; dashboards+=("$tmp/impdash/$(basename "$base")-$(basename "$r")"); done \
    < <(find "$tmp/impout" -path '*/dashboards/*.json' 2>/dev/null | sort)
done

if [ ${#dashboards[@]} -gt 0 ]; then
  if bash "$here/../grafana_schema/check.sh" "${dashboards[@]}" >"$tmp/schema.log" 2>&1; then ok "@grafana/schema: ${#dashboards[@]} dashboard(s)"
  else bad "@grafana/schema"; cat "$tmp/schema.log"; fi
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
