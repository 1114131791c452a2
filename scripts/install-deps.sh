#!/usr/bin/env bash
# Installs everything monitorc needs to build and test, from Debian 12 packages only.
#   antlr4 + libantlr4-runtime-dev   parser generator (build time) and its runtime
#   nlohmann-json3-dev libcli11-dev libcurl4-openssl-dev doctest-dev   libraries
#   clang libclang-rt-14-dev          libFuzzer and the sanitizer runtimes
#   prometheus                        real Prometheus + promtool for the backend tests
#   libyaml-cpp-dev                   reading Prometheus rule files (import)
#   libjemalloc-dev                   the monitorc binary's allocator (a quarter less CPU on large
#                                     setups: the syntax trees are many small allocations)
#   python3                           fake Mackerel, Grafana, GitHub and GitLab APIs used by the tests;
#                                     ci/monitorc_ci.py (the GitHub Action's steps)
#   python3-yaml                      reads rule files in the Prometheus import round-trip test,
#                                     and action.yml and the example workflows in the CI test
#   python3-jsonschema                validates `monitorc lint --format sarif` output in the lint tests
#   patch                             applies `monitorc fmt --diff` output in the fmt tests
#   nodejs npm                        editor grammar tests (vscode-textmate) and packaging
#   neovim                            headless Neovim as a real LSP client in the editors tests
#   zsh fish                          the package test runs the generated zsh and fish completions
#   dpkg-dev file                     cpack's Debian package: dpkg-shlibdeps works out Depends
#                                     from the libraries the binary links (file finds the binary)
#   zabbix-server-pgsql zabbix-frontend-php postgresql php-cli php-pgsql
#                                     a real Zabbix 6.0 (server, API, its database) for the zabbix
#                                     target's tests (tests/zabbix/zabbix.sh; nothing is started here)
#   zabbix-agent                      zabbix_sender, which pushes values to trapper items in those tests
#   chromium                          headless screenshots of `monitorc preview` pictures (tests/preview)
#   libssl-dev                        SHA-256/HMAC (libcrypto) for the cloudwatch target's SigV4 signatures
#   python3-botocore awscli           the fake CloudWatch API checks signatures and request shapes with
#                                     botocore; the AWS CLI reads back what apply wrote (tests/cloudwatch)
#   jsonnet                           bench only: bench/backends/run.py times plain Jsonnet writing the
#                                     same 100 Grafana dashboards as monitorc (no test needs it)
#   prometheus-alertmanager           amtool checks every built alertmanager.yml and runs the sources'
#                                     route tests against Alertmanager's own router (tests/alertmanager)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(cmake g++ make antlr4 libantlr4-runtime-dev nlohmann-json3-dev libcli11-dev libcurl4-openssl-dev
      doctest-dev clang libclang-rt-14-dev prometheus libyaml-cpp-dev libjemalloc-dev python3 python3-yaml python3-jsonschema patch ca-certificates bc
      neovim zsh fish dpkg-dev file zabbix-server-pgsql zabbix-frontend-php postgresql php-cli php-pgsql zabbix-agent chromium
      libssl-dev python3-botocore awscli jsonnet prometheus-alertmanager)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
# Node.js may come from the machine image (with its own npm, which conflicts with Debian's
# npm package); take Debian's only when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  # php-cli alone would pull in Apache's PHP module through the php metapackage's first
  # alternative; the tests serve the Zabbix API with PHP's built-in server and need no web server.
  no_apache=()
  if printf '%s\n' "${missing[@]}" | grep -q '^zabbix-frontend-php$' &&
     ! dpkg-query -W -f='${Status}' libapache2-mod-php8.2 2>/dev/null | grep -q "ok installed"; then
    missing+=(php8.2-cgi); no_apache=(libapache2-mod-php8.2-)
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" "${no_apache[@]}" >/dev/null
fi
# Nothing else: this script never stops, kills or restarts a service (the zabbix and postgresql
# packages may start their default instances where services start; the tests never use them). The prometheus package
# may start a system Prometheus on :9090 (on an SRE's machine it may be their monitoring); the
# tests never use it nor that port (nor :9093, where prometheus-alertmanager may start one): tests/prometheus/prom.sh starts a private instance on a free
# loopback port and stops only the process it started.
