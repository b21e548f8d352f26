#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with AddressSanitizer + UBSan, runs the
# unit tests (ctest) and the end-to-end tests (node's test runner, official SDKs) against the
# sanitized binary. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

echo "== build (asan + ubsan)"
./scripts/build.sh asan

echo "== unit tests"
ctest --preset asan -j "$(nproc)"

echo "== end-to-end tests"
( cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error )
SLUICE_BIN="$PWD/build/asan/sluice" node --test --test-concurrency=1 tests/e2e/
