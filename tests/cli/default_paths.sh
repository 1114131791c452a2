#!/usr/bin/env bash
# Without paths, check/build/plan/pull read the current directory; --var takes one NAME=VALUE,
# so the word after it is a path.   default_paths.sh MONITORC
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
[ $fail -eq 0 ] && echo "default_paths: ok"
exit $fail
