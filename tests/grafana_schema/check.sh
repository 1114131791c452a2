#!/usr/bin/env bash
# check.sh [--no-panels] [--no-lint] [--full] [--quiet] FILE.json...
# Type-checks Grafana dashboard JSON (classic model, or a POST /api/dashboards/db envelope) against
# the Dashboard type of @grafana/schema with tsc --strict. Exit 0 if every file passes, 1 if any
# fails, 2 on usage/setup errors. Runs `npm ci` here first when node_modules is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "check.sh: node not found" >&2; exit 2; }
# Several tests call this at once under `ctest -j`, and npm ci empties node_modules before it
# fills it: the check and the install happen under one lock, so no caller reads a half install.
exec 9>"$here/.npm-install.lock"
flock 9
if [ ! -d "$here/node_modules/@grafana/schema" ] || [ ! -d "$here/node_modules/typescript" ]; then
    echo "check.sh: installing pinned @grafana/schema and typescript (npm ci)" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "check.sh: npm ci failed" >&2; exit 2; }
fi
exec 9>&-
# resolve the inputs before node runs (relative paths stay relative in messages)
exec node "$here/check.mjs" "$@"
