#!/usr/bin/env bash
# bench/chaos.sh: reliability under faults (issue 4). Three fake providers each fail 20% of
# requests at random (bench/chaos.yaml: 500, 429, reset, slow first byte); sluice routes over the
# three with failover; wrk sends REQUESTS requests at CONNS connections. Reports the client
# success rate (target >= 99.9%) and what sluice's access log says about attempts.
#
#   bench/chaos.sh [--requests N] [--conns C] [--sluice PATH] [--no-build] [--keep]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS=20000
CONNS=64
SLUICE=""
BUILD=1
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) REQUESTS="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --sluice) SLUICE="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "chaos: unknown option $1" >&2; exit 2 ;;
  esac
done

log() { echo "chaos: $*" >&2; }
die() { log "$*"; exit 1; }
command -v wrk >/dev/null || die "wrk is missing; run scripts/deps.sh"
if [ -z "$SLUICE" ]; then
  SLUICE="$ROOT/build/release/sluice"
  if [ "$BUILD" = 1 ]; then
    log "building release"
    "$ROOT/scripts/build.sh" release >/dev/null
  fi
fi
[ -x "$SLUICE" ] || die "no sluice binary at $SLUICE"

TMP=$(mktemp -d /tmp/sluice-chaos.XXXXXX)
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then log "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT

wait_listening() {
  local file=$1
  for _ in $(seq 1 100); do
    if grep -q 'listening on http://' "$file" 2>/dev/null; then
      grep -o 'listening on http://[^ ]*' "$file" | head -1 | sed 's/.*://'
      return 0
    fi
    sleep 0.1
  done
  cat "$file" >&2
  die "$file: no listener within 10 s"
}

PORTS=()
for i in 1 2 3; do
  "$SLUICE" fake-upstream --listen 127.0.0.1:0 --script "$ROOT/bench/chaos.yaml" \
    >"$TMP/fake$i.log" 2>&1 &
  PIDS+=($!)
  PORTS+=("$(wait_listening "$TMP/fake$i.log")")
done

cat >"$TMP/sluice.yaml" <<YAML
listen: 127.0.0.1:0
log_level: warn
access_log: true
timeouts: {first_byte: 250ms}
providers:
  - {name: p1, type: openai, base_url: "http://127.0.0.1:${PORTS[0]}/v1", api_key: k, discover_models: false}
  - {name: p2, type: openai, base_url: "http://127.0.0.1:${PORTS[1]}/v1", api_key: k, discover_models: false}
  - {name: p3, type: openai, base_url: "http://127.0.0.1:${PORTS[2]}/v1", api_key: k, discover_models: false}
routing:
  max_attempts: 5
  backoff: 10ms
  backoff_max: 200ms
routes:
  chaos:
    strategy: round-robin
    targets: [p1/gpt-fake-mini, p2/gpt-fake-mini, p3/gpt-fake-mini]
YAML
"$SLUICE" serve --config "$TMP/sluice.yaml" >"$TMP/sluice.out" 2>"$TMP/sluice.err" &
PIDS+=($!)
SLUICE_PORT=$(wait_listening "$TMP/sluice.out")

log "$REQUESTS requests at $CONNS connections over 3 providers failing 20% each"
START=$(date +%s.%N)
wrk -t1 -c"$CONNS" -d600s --timeout 10s -s "$ROOT/bench/wrk/chaos.lua" \
  "http://127.0.0.1:$SLUICE_PORT" -- chaos "$REQUESTS" >"$TMP/wrk.out" 2>&1 &
WRK=$!
# wrk's thread stops itself after REQUESTS answers, but its main thread sleeps out -d; SIGINT
# makes it report at once. The access log (one line per finished request) says when.
while kill -0 "$WRK" 2>/dev/null; do
  done_n=$(grep -c '"path":"/v1/chat/completions"' "$TMP/sluice.out" || true)
  if [ "${done_n:-0}" -ge "$REQUESTS" ]; then
    sleep 0.5
    kill -INT "$WRK" 2>/dev/null || true
    break
  fi
  sleep 0.2
done
wait "$WRK" || true
END=$(date +%s.%N)
LINE=$(grep '^CHAOS_JSON ' "$TMP/wrk.out" | sed 's/^CHAOS_JSON //') || { cat "$TMP/wrk.out" >&2; die "wrk printed no result"; }

python3 - "$LINE" "$TMP/sluice.out" "$START" "$END" <<'PY'
import json, sys, collections
r = json.loads(sys.argv[1])
attempts = collections.Counter()
reasons = collections.Counter()
status = collections.Counter()
latency = []
for line in open(sys.argv[2]):
    if not line.startswith('{'):
        continue
    o = json.loads(line)
    if o.get('path') != '/v1/chat/completions':
        continue
    attempts[o.get('attempts', 1)] += 1
    status[o['status']] += 1
    latency.append(o['latency_ms'])
    for part in filter(None, o.get('fallback_reason', '').split('; ')):
        reasons[part.split(': ', 1)[1]] += 1
total = r['ok'] + r['failed_status'] + r['socket_errors']
rate = r['ok'] / total if total else 0
print(f"requests          {total}  in {float(sys.argv[4]) - float(sys.argv[3]):.1f} s")
print(f"client successes  {r['ok']}  ({rate * 100:.3f}%; target >= 99.9%)")
print(f"client failures   {r['failed_status']} non-2xx, {r['socket_errors']} socket errors")
# Latency from sluice's access log (request in to last byte out): wrk's histogram on this
# mix of 1 ms and 250 ms answers over-reports the middle percentiles.
latency.sort()
pct = lambda q: latency[min(len(latency) - 1, int(len(latency) * q))] if latency else 0
print(f"latency (sluice)  p50 {pct(0.5):.1f} ms, p90 {pct(0.9):.1f} ms, p99 {pct(0.99):.1f} ms, "
      f"max {latency[-1] if latency else 0:.1f} ms")
print("attempts          " + ", ".join(f"{k}: {v}" for k, v in sorted(attempts.items())))
print("sluice statuses   " + ", ".join(f"{k}: {v}" for k, v in sorted(status.items())))
print("failovers caused  " + ", ".join(f"{k}: {v}" for k, v in reasons.most_common()))
print("CHAOS_RESULT " + json.dumps({"requests": total, "success_rate": rate,
      "attempts": dict(attempts), "reasons": dict(reasons),
      "latency_ms": {"p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99)}}))
sys.exit(0 if rate >= 0.999 else 1)
PY
