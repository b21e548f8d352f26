#!/usr/bin/env bash
# Quick start: install what is missing, build, then run the built-in fake provider and the
# gateway on the demo config (no provider keys needed). Ctrl-C stops both.
#   ./scripts/demo.sh                # gateway on 127.0.0.1:4100, fake provider on 127.0.0.1:4200
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
./scripts/build.sh release --target sluice
bin=build/release/sluice

"$bin" fake-upstream --listen 127.0.0.1:4200 >/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf -o /dev/null http://127.0.0.1:4200/v1/models && break
  sleep 0.1
done

cat <<'MSG'

sluice demo: every model name is served by the built-in fake provider. Try:
  curl -s http://127.0.0.1:4100/v1/chat/completions -H 'content-type: application/json' \
    -d '{"model":"gpt-fake","messages":[{"role":"user","content":"hello"}]}'
  ANTHROPIC_BASE_URL=http://127.0.0.1:4100 ANTHROPIC_API_KEY=demo claude
  OPENAI_BASE_URL=http://127.0.0.1:4100/v1 OPENAI_API_KEY=demo codex

MSG
"$bin" serve --config examples/demo.yaml "$@"
