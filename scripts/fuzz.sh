#!/usr/bin/env bash
# Builds the libFuzzer targets (clang) and runs each for a bounded time, seeded with the golden
# fixtures. Any crash, hang (>5 s per input) or leak fails the run; the reproducer is printed.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
./scripts/build.sh fuzz --target fuzz_anthropic fuzz_openai_chat fuzz_openai_responses fuzz_gemini
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts="$PWD/build/fuzz/artifacts"  # crash-*/timeout-*/leak-* reproducers are kept here
mkdir -p "$artifacts"
status=0
for wire in anthropic openai_chat openai_responses gemini; do
  corpus="$work/$wire"
  mkdir -p "$corpus"
  # Seeds: each golden input of this wire, prefixed with the mode byte the target expects
  # (0 request, 1 response, 2 stream).
  i=0
  for f in tests/golden/requests/*/input.$wire.json; do [ -f "$f" ] && { printf '\x00' | cat - "$f" >"$corpus/req$i"; i=$((i+1)); }; done
  for f in tests/golden/responses/*/input.$wire.json; do [ -f "$f" ] && { printf '\x01' | cat - "$f" >"$corpus/res$i"; i=$((i+1)); }; done
  for f in tests/golden/streams/*/input.$wire.sse; do [ -f "$f" ] && { printf '\x02' | cat - "$f" >"$corpus/sse$i"; i=$((i+1)); }; done
  echo "== fuzz_$wire for ${seconds}s ($i seeds)"
  if ! (cd "$work" && "$OLDPWD/build/fuzz/tests/fuzz/fuzz_$wire" "$corpus" -max_total_time="$seconds" \
          -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
          -artifact_prefix="$artifacts/$wire-" 2>"$work/$wire.log"); then
    status=1
    tail -40 "$work/$wire.log"
    echo "fuzz_$wire FAILED; reproducer in $artifacts (replay: build/fuzz/tests/fuzz/fuzz_$wire FILE)"
  else
    grep -E "stat::number_of_executed_units|Done" "$work/$wire.log" | tail -2
  fi
done
exit $status
