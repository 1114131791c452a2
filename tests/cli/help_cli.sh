#!/usr/bin/env bash
# monitorc --help and every command's --help (the commands as `monitorc --help` lists them)
# show at least one example of that command and its exit status.   help_cli.sh MONITORC
set -u
mon=$1; fail=0
top=$("$mon" --help) || { echo "FAIL: monitorc --help exited $?"; exit 1; }
cmds=$(awk '/^Subcommands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}' <<<"$top")
[ "$(wc -w <<<"$cmds")" -ge 8 ] || { echo "FAIL: too few commands in monitorc --help: $cmds"; fail=1; }
check() {  # check NAME HELP-TEXT EXAMPLE-PREFIX
  local examples
  examples=$(awk '/^Examples:/{on=1; next} on && /^  /{print} on && !/^  /{exit}' <<<"$2")
  grep -q "^  $3" <<<"$examples" || { echo "FAIL: $1 --help has no example starting '$3'"; fail=1; }
  grep -q "^Exit status: 0 " <<<"$2" || { echo "FAIL: $1 --help has no 'Exit status: 0 ...' line"; fail=1; }
}
check monitorc "$top" "monitorc "
# `monitorc --version` alone is answered before the command line is set up; with another
# argument CLI11 answers it. Both print the same line.
version=$("$mon" --version) || { echo "FAIL: monitorc --version exited $?"; fail=1; }
grep -qx 'monitorc [0-9][0-9.]*[^ ]*' <<<"$version" || { echo "FAIL: monitorc --version printed '$version'"; fail=1; }
[ "$("$mon" --version build 2>&1)" = "$version" ] || { echo "FAIL: --version differs through CLI11: $("$mon" --version build 2>&1)"; fail=1; }
for c in $cmds; do
  out=$("$mon" "$c" --help) || { echo "FAIL: monitorc $c --help exited $?"; fail=1; continue; }
  check "monitorc $c" "$out" "monitorc $c"
done
[ $fail -eq 0 ] && echo "ok: monitorc and $(wc -w <<<"$cmds") commands have examples and an exit status"
exit $fail
