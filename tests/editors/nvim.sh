#!/usr/bin/env bash
# Neovim as a real LSP client of monitorc: `nvim --headless --clean` with only editors/nvim on
# 'runtimepath' opens .mon files and checks the filetype, diagnostics, hover, completion and
# formatting (tests/editors/nvim/lsp_test.lua). Usage: nvim.sh /path/to/monitorc
# Exit 77 (skipped in ctest) when nvim is not installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
monitorc="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if ! command -v nvim >/dev/null 2>&1; then
  echo "SKIPPED: nvim not found (Debian package 'neovim', installed by scripts/install-deps.sh)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
plugin="$(cd "$here/../../editors/nvim" && pwd)"
nvim --version | head -n 1
# The outer timeout only guards against a hang; every wait inside the test is bounded.
MONITORC_BIN="$monitorc" MONITORC_TEST_DIR="$work" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data" \
  timeout 60 nvim --headless --clean --cmd "set runtimepath^=$plugin" \
  -c "luafile $here/nvim/lsp_test.lua" </dev/null
