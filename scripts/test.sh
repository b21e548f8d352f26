#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with AddressSanitizer + UBSan, runs the
# unit tests (ctest), the end-to-end tests (node's test runner, official SDKs) against the
# sanitized binary, and each translator's libFuzzer target for a bounded time (clang).
# Exits non-zero on any failure. SLUICE_FUZZ_SECONDS sets the fuzz time per target (default 15).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

echo "== build (asan + ubsan)"
./scripts/build.sh asan

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

echo "== unit tests"
ctest --preset asan -j "$(nproc)" | tee "$logs/unit"

echo "== end-to-end tests"
( cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error )
SLUICE_BIN="$PWD/build/asan/sluice" node --test --test-concurrency=1 tests/e2e/ | tee "$logs/e2e"

echo "== fuzz (bounded)"
./scripts/fuzz.sh "${SLUICE_FUZZ_SECONDS:-15}"

# One closing line over all three stages (a failure above has already exited non-zero).
unit=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$logs/unit")
e2e=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logs/e2e")
echo "$((unit + e2e + 4)) passed, 0 failed"

