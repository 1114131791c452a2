#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install, build, ctest (unit, golden,
# round-trip, end-to-end, editor and backend tests, a real Prometheus and a real Zabbix), the
# unit tests again under ASan+UBSan, and a bounded libFuzzer run on the front end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The real Zabbix of the zabbix tests comes up (about 20 s on two busy cores) while the build
# runs; ctest's zabbix.up waits for it and zabbix.down stops it.
mkdir -p build/zabbix-test
bash tests/zabbix/zabbix.sh start build/zabbix-test >build/zabbix-test/start.log 2>&1 &
zabbix_start=$!
# Whatever happens (a failed build), the Zabbix started here is stopped once its start is over.
trap 'wait $zabbix_start 2>/dev/null; bash tests/zabbix/zabbix.sh stop build/zabbix-test >/dev/null 2>&1 || true' EXIT
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2
bash scripts/sanitize-and-fuzz.sh
