#!/usr/bin/env bash
# Setting up and testing never stops anything the machine runs: scripts/install-deps.sh (the
# README's first command) calls no service manager and kills nothing, and prom.sh stops only the
# Prometheus it started. Decoy processes named like the system's services must survive both.
# Every tool that could stop a service is replaced by a stub that records its call, so this test
# itself can never stop anything either.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/services-untouched.XXXXXX)
pass=0; fail=0
ok()  { pass=$((pass+1)); echo "ok   - $*"; }
bad() { fail=$((fail+1)); echo "FAIL - $*"; }
decoys=()
cleanup() {
    "$here/prom.sh" stop "$work/prom" >/dev/null 2>&1 || true
    for pid in "${decoys[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# A process whose name (comm) is $1: a copy of sleep under that name, started by this test;
# its pid in $decoy_pid.
decoy() {
    mkdir -p "$work/bin-decoy"
    cp "$(command -v sleep)" "$work/bin-decoy/$1"
    "$work/bin-decoy/$1" 300 </dev/null >/dev/null 2>&1 &
    decoy_pid=$!
    decoys+=("$decoy_pid")
}

# 1. install-deps.sh with the service tools stubbed out.
mkdir -p "$work/stubs"
for tool in systemctl service pkill killall apt-get; do
    printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\nexit 0\n' "$tool" "$work" >"$work/stubs/$tool"
    chmod +x "$work/stubs/$tool"
done
touch "$work/calls"
decoy prometheus-node-exporter; exporter=$decoy_pid
decoy prometheus; prom=$decoy_pid
PATH="$work/stubs:$PATH" bash "$root/scripts/install-deps.sh" >"$work/install.log" 2>&1
echo "    install-deps.sh exit $?; tool calls: $(tr '\n' ';' <"$work/calls")"
if grep -Eq '^(systemctl|service|pkill|killall)' "$work/calls"; then
    bad "install-deps.sh called a service tool: $(grep -E '^(systemctl|service|pkill|killall)' "$work/calls" | tr '\n' ';')"
else
    ok "install-deps.sh calls no systemctl, service, pkill or killall"
fi
kill -0 "$exporter" 2>/dev/null && kill -0 "$prom" 2>/dev/null && ok "processes named prometheus and prometheus-node-exporter still run" \
    || bad "install-deps.sh stopped a running process"
if grep -En '(pkill|killall|systemctl|service[[:space:]]|(^|[[:space:];])kill[[:space:]])' "$root/scripts/install-deps.sh" | grep -Ev '^[0-9]+:[[:space:]]*#' >"$work/hits"; then
    bad "install-deps.sh has a command that stops processes: $(cat "$work/hits")"
else
    ok "install-deps.sh has no kill, pkill, killall, systemctl or service command"
fi

# 2. prom.sh stop with a pid file that names a process it did not start: left alone.
mkdir -p "$work/foreign"
echo "$prom" >"$work/foreign/pid"
"$here/prom.sh" stop "$work/foreign" >/dev/null 2>&1
kill -0 "$prom" 2>/dev/null && ok "prom.sh stop leaves a foreign pid alone" || bad "prom.sh stop killed a process it did not start"

# 3. A private instance: not on 9090, and stopping it stops that one process only.
if "$here/prom.sh" start "$work/prom" >"$work/prom-start.log" 2>&1; then
    url=$(cat "$work/prom/url"); pid=$(cat "$work/prom/pid")
    [ "${url##*:}" != 9090 ] && ok "private Prometheus on $url, not :9090" || bad "private Prometheus uses :9090"
    "$here/prom.sh" stop "$work/prom" >/dev/null 2>&1
    kill -0 "$pid" 2>/dev/null && bad "prom.sh stop left its own Prometheus running" || ok "prom.sh stop stopped its own Prometheus (pid $pid)"
    kill -0 "$prom" 2>/dev/null && kill -0 "$exporter" 2>/dev/null && ok "and nothing else" || bad "prom.sh stop killed another process"
else
    bad "prom.sh start failed: $(tail -n 5 "$work/prom-start.log")"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
