#!/usr/bin/env bash
# Builds only the monitorc binary from this checkout into $1 and puts it on the job's PATH
# (the action's install: build). The build needs the core packages, not the test ones.
set -euo pipefail
out=${1:?usage: build-monitorc.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends cmake g++ make antlr4 libantlr4-runtime-dev \
  nlohmann-json3-dev libcli11-dev libcurl4-openssl-dev libyaml-cpp-dev doctest-dev python3 ca-certificates >/dev/null
cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" -j"$(nproc)" --target monitorc >/dev/null
bin=$(dirname "$(find "$out" -name monitorc -type f -perm -u+x | head -1)")
echo "$bin" >> "${GITHUB_PATH:-/dev/null}"
"$bin/monitorc" --version
