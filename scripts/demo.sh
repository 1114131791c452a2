#!/usr/bin/env bash
# The main job on the shipped examples, on a fresh Debian 12 machine: install, build, check
# and compile examples/, then plan and apply them to the `local "demo"` target (a directory
# that behaves like the Mackerel API) and plan again to show there is nothing left to do.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
mc=./build/cli/monitorc
echo "== monitorc check examples/"
$mc check examples
# examples/ declares mackerel, local, prometheus, grafana, zabbix, cloudwatch, newrelic, kibana
# and alertmanager targets: build writes out/mackerel/, out/prometheus/prom/,
# out/grafana/grafana/ and out/grafana/grafana-zabbix/ (a second grafana target on the Zabbix
# data source), out/zabbix/zabbix/, out/cloudwatch/aws/, out/newrelic/newrelic/,
# out/kibana/kibana/ and out/alertmanager/alertmanager/ (the routing of examples/routing.mon)
# (files only: no account is needed).
echo "== monitorc build -o out examples/"
$mc build -o out examples
find out -type f | sort
# The demo target keeps its state in .monitorc/demo (git-ignored); start from an empty one.
rm -rf .monitorc/demo
echo "== monitorc plan --target demo examples/"
$mc plan --target demo examples
echo "== monitorc apply --target demo --auto-approve examples/"
$mc apply --target demo --auto-approve examples
echo "== monitorc plan --target demo examples/ (again: nothing left to do)"
$mc plan --target demo --detailed-exitcode examples
