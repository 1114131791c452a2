#!/usr/bin/env bash
# Editor support tests: the TextMate grammar (tokenized by vscode-textmate + vscode-oniguruma,
# as in VS Code), the VS Code extension's manifest, snippets and client code, and the Vim
# files (only when vim is installed). Needs node >= 20 and npm.
set -euo pipefail
cd "$(dirname "$0")"

# npm ci wipes and reinstalls node_modules; skip it when the installed tree is at least as
# new as the lockfile, so a second run needs no network.
if [[ ! -d node_modules/vscode-textmate || ! -d node_modules/vscode-oniguruma \
      || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

if ! command -v vim >/dev/null 2>&1; then
  echo "notice: vim not found, the Vim syntax smoke test will be skipped"
fi

exec node --test "$@"
