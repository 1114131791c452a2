#!/usr/bin/env bash
# Without paths, check/build/plan/pull read the current directory; --var takes one NAME=VALUE,
# so the word after it is a path; what pull wrote is not read as source.   default_paths.sh MONITORC
set -u
mon=$1; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
printf 'variable "env" { default = "dev" }\nmonitor host "cpu ${var.env}" { metric = 1 }\n' > a.mon
out=$("$mon" check 2>&1); rc=$?
if [ $rc -ne 1 ] || ! grep -q "^a.mon:2:42: error: 'metric' expects a string" <<<"$out"; then
  echo "FAIL: check without paths did not read the current directory (exit $rc): $out"; fail=1; fi
printf 'variable "env" { default = "dev" }\nmonitor host "cpu ${var.env}" { metric = "cpu%%" operator = ">" warning = 1 duration = 5m }\n' > a.mon
out=$("$mon" build --emit ir --var env=prod a.mon 2>&1); rc=$?
if [ $rc -ne 0 ] || ! grep -q '"name": "cpu prod"' <<<"$out"; then echo "FAIL: --var env=prod a.mon (exit $rc): $out"; fail=1; fi
out=$("$mon" build --emit ir 2>&1); rc=$?
if [ $rc -ne 0 ] || ! grep -q '"name": "cpu dev"' <<<"$out"; then echo "FAIL: build without paths (exit $rc): $out"; fail=1; fi
# pull's default output lands in the project: a later check of the project does not read it
# (it would duplicate every target and monitor), says so, and reads it when it is named.
printf 'target local "demo" { dir = "state" }\nmonitor connectivity "up" { scopes = ["svc"] }\n' > a.mon
"$mon" apply --auto-approve >/dev/null 2>&1 && "$mon" pull --target demo >/dev/null 2>&1
out=$("$mon" check 2>&1); rc=$?
if [ $rc -ne 0 ] || ! grep -q "note: 'pulled' not read: \`monitorc pull\` wrote it" <<<"$out"; then
  echo "FAIL: check after pull (exit $rc): $out"; fail=1; fi
out=$("$mon" check pulled/demo/monitors/up.mon pulled/demo.target.mon 2>&1); rc=$?
if [ $rc -ne 0 ]; then echo "FAIL: the pulled files named explicitly (exit $rc): $out"; fail=1; fi
out=$("$mon" check pulled 2>&1); rc=$?
if [ $rc -ne 0 ]; then echo "FAIL: the pulled directory named explicitly (exit $rc): $out"; fail=1; fi
[ $fail -eq 0 ] && echo "default_paths: ok"
exit $fail
