#!/usr/bin/env bash
# Builds one CMake preset (default: release). ccache keeps rebuilds cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
jobs="${SLUICE_JOBS:-$(nproc)}"
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build "build/$preset" -j "$jobs" "$@"
