#!/usr/bin/env bash
# bench/callgrind.sh: instructions per request of the whole gateway (event loop and writer),
# counted by callgrind. Unlike req/s, the count does not move with other load on the machine,
# so two builds can be compared on a shared VM. valgrind has no SHA-NI: OpenSSL hashes in
# software under it, so the SHA-256 share is several times what it costs natively (shown apart).
#
#   bench/callgrind.sh [--sluice PATH] [--payload chat|stream] [--governed] [--seconds S] [--top N]
#
# Starts `sluice fake-upstream` and `sluice serve` (bench/run.sh's core config, audit off; with
# --governed its governed config: a virtual key, three budgets, rpm/tpm) under callgrind with
# instrumentation off, warms up with wrk for 3 s, counts for S s
# (default 10) of `wrk -c4`, then prints the instructions per request and the top N functions
# by their own cost per request. The callgrind file is kept (its path is printed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SLUICE="$ROOT/build/release/sluice"
PAYLOAD=chat
SECONDS_COUNTED=10
TOP=25
VARIANT=callgrind
while [ $# -gt 0 ]; do
  case "$1" in
    --sluice) SLUICE="$2"; shift 2 ;;
    --payload) PAYLOAD="$2"; shift 2 ;;
    --seconds) SECONDS_COUNTED="$2"; shift 2 ;;
    --top) TOP="$2"; shift 2 ;;
    --governed) VARIANT=gov; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "callgrind.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$PAYLOAD" in
  chat) LUA="$ROOT/bench/wrk/chat.lua" ;;
  stream) LUA="$ROOT/bench/wrk/chat_stream.lua" ;;
  *) echo "callgrind.sh: --payload is chat or stream" >&2; exit 2 ;;
esac
# valgrind is for this script only (the test suite and bench/run.sh do not need it).
if ! command -v valgrind >/dev/null; then
  echo "installing valgrind (apt)..."
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y -qq valgrind >/dev/null
fi
for tool in valgrind callgrind_control callgrind_annotate wrk; do
  command -v "$tool" >/dev/null || { echo "callgrind.sh: $tool is missing (scripts/deps.sh)" >&2; exit 1; }
done
[ -x "$SLUICE" ] || { echo "callgrind.sh: no $SLUICE (./scripts/build.sh release)" >&2; exit 1; }

TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FAKE_PORT=$(free_port)
PORT=$(free_port)
"$SLUICE" fake-upstream --listen "127.0.0.1:$FAKE_PORT" >/dev/null 2>&1 &
PIDS+=($!)
THREADS=1
source "$ROOT/bench/sluice_config.sh"
write_sluice_config "$TMP/sluice.yaml" false "$VARIANT"
if [ "$VARIANT" = gov ]; then
  SLUICE_BENCH_KEY=$("$SLUICE" keys create --name bench --team bench --budget 1000000/month \
    --rpm 1000000000 --tpm 1000000000000 --config "$TMP/sluice.yaml" 2>/dev/null)
  export SLUICE_BENCH_KEY
fi
OUT="$TMP/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$OUT" --instr-atstart=no \
  "$SLUICE" serve --config "$TMP/sluice.yaml" --listen "127.0.0.1:$PORT" >"$TMP/serve.log" 2>&1 &
VG=$!
PIDS+=("$VG")
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "warming up (3 s), then counting $SECONDS_COUNTED s of $PAYLOAD at 4 connections under callgrind..."
wrk -t1 -c4 -d3s -s "$LUA" "http://127.0.0.1:$PORT" >/dev/null 2>&1
callgrind_control -i on "$VG" >/dev/null
REQUESTS=$(wrk -t1 -c4 -d"${SECONDS_COUNTED}s" -s "$LUA" "http://127.0.0.1:$PORT" 2>&1 |
  awk '/requests in/ {print $1}')
callgrind_control -i off "$VG" >/dev/null
kill -INT "$VG"
wait "$VG" 2>/dev/null || true
mkdir -p "$ROOT/bench/results"
cp "$OUT" "$ROOT/bench/results/callgrind-$PAYLOAD${SLUICE_BENCH_KEY:+-governed}-$(date -u +%Y%m%dT%H%M%SZ).out"

callgrind_annotate "$OUT" 2>/dev/null | awk -v n="$REQUESTS" -v top="$TOP" '
  /PROGRAM TOTALS/ { x = $1; gsub(",", "", x); total = x; next }
  total && /^ *[0-9,]+ \(/ && shown < top + 1 {
    x = $1; gsub(",", "", x); name = $0; sub(/^[^)]*\) +/, "", name)
    if (name ~ /libcrypto/) { crypto += x; next }
    lines[++shown] = sprintf("%9.0f  %s", x / n, substr(name, 1, 150)) }
  total && /libcrypto/ && /^ *[0-9,]+ \(/ { x = $1; gsub(",", "", x); crypto += x }
  END {
    printf "%d requests; %.1fk instructions per request, of which OpenSSL (SHA-256 in software) %.1fk\n",
      n, total / n / 1000, crypto / n / 1000
    print "top functions by own instructions per request (OpenSSL left out):"
    for (i = 1; i <= shown && i <= top; i++) print lines[i] }'
echo "callgrind file: bench/results/callgrind-$PAYLOAD-*.out (callgrind_annotate --inclusive=yes FILE)"
