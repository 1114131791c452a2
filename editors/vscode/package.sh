#!/usr/bin/env bash
# Builds editors/vscode/monitorc-<version>.vsix with @vscode/vsce (a devDependency, so the
# lockfile pins it). Needs only node and npm; install with
#   code --install-extension editors/vscode/monitorc-<version>.vsix
set -euo pipefail
cd "$(dirname "$0")"

# npm ci wipes node_modules, so only run it when the tree is missing or older than the lockfile.
if [[ ! -d node_modules/@vscode/vsce || ! -d node_modules/vscode-languageclient \
      || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

version=$(node -p "require('./package.json').version")
# --allow-missing-repository: the manifest names no public repository, and without the flag
# vsce stops to ask on the terminal.
npx --no-install @vscode/vsce package --allow-missing-repository --out "monitorc-${version}.vsix" "$@"
