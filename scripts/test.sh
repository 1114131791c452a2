#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install, build, ctest (unit, golden,
# round-trip, end-to-end, editor and backend tests), the unit tests again under ASan+UBSan,
# and a bounded libFuzzer run on the front end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2
bash scripts/sanitize-and-fuzz.sh
