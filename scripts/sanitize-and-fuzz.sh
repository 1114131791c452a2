#!/usr/bin/env bash
# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (in the fuzzers' clang build), then
# the front-end fuzzer for a bounded time (FUZZ_SECONDS, default 60), the language server's framing fuzzer, the
# importers' fuzzer and the saved plan file fuzzer.
# Any crash, leak or sanitizer report fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d tests/fuzz ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMONITORC_FUZZ=ON -DMONITORC_TESTS=OFF >/dev/null
  # The unit tests first, built in the same tree: its libraries carry the fuzzers'
  # instrumentation and ASan+UBSan (tests/fuzz/CMakeLists.txt).
  cmake --build build-fuzz -j"$(nproc)" --target monitorc_unit_tests
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ./build-fuzz/tests/fuzz/unit/monitorc_unit_tests
  cmake --build build-fuzz -j"$(nproc)" --target fuzz_frontend
  bash tests/fuzz/run.sh build-fuzz/tests/fuzz/fuzz_frontend "${FUZZ_SECONDS:-60}"
  # The language server's framing and dispatch, for a shorter time (LSP_FUZZ_SECONDS, default 30).
  cmake --build build-fuzz -j"$(nproc)" --target fuzz_lsp_framing
  bash tests/fuzz/run.sh build-fuzz/tests/fuzz/fuzz_lsp_framing "${LSP_FUZZ_SECONDS:-30}" tests/fuzz/seeds-lsp
  # The three importers, their output compiled (IMPORT_FUZZ_SECONDS, default 30), and saved plan
  # files as `apply FILE` reads them (PLAN_FUZZ_SECONDS, default 20).
  cmake --build build-fuzz -j"$(nproc)" --target fuzz_import fuzz_plan_file
  bash tests/fuzz/run.sh build-fuzz/tests/fuzz/fuzz_import "${IMPORT_FUZZ_SECONDS:-30}" tests/fuzz/seeds-import
  bash tests/fuzz/run.sh build-fuzz/tests/fuzz/fuzz_plan_file "${PLAN_FUZZ_SECONDS:-20}" tests/fuzz/seeds-plan
fi
