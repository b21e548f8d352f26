#!/usr/bin/env bash
# Installs every system package sluice needs to build, test and benchmark on Debian 12.
# A no-op (no apt-get call at all) when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  zlib1g-dev libzstd-dev libbrotli-dev
  libsqlite3-dev sqlite3 libre2-dev libsodium-dev libhowardhinnant-date-dev
  libtree-sitter-dev
  libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
)
# The e2e tests need node >= 18 and npm. The machine image ships NodeSource's nodejs, which
# bundles npm and conflicts with Debian's npm package: install Debian's only when both are absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# Benchmarks need these; the test suite does not, but they are small.
packages+=(wrk nginx-light)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian's nginx package starts a system nginx on :80; the benchmark runs its own instance.
if printf '%s\n' "${missing[@]}" | grep -q '^nginx'; then
  $SUDO systemctl disable --now nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
fi
