#!/usr/bin/env bash
# Build and roll out the service to the staging cluster.
set -euo pipefail

VERSION="${VERSION:-$(git describe --tags --always)}"
REGISTRY="registry.internal.acme.dev/platform"
IMAGE="${REGISTRY}/orders:${VERSION}"
NAMESPACE="staging"

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

if [[ -z "${KUBECONFIG:-}" ]]; then
  log "KUBECONFIG is not set"; exit 1
fi

log "building ${IMAGE}"
docker build --pull --build-arg "VERSION=${VERSION}" -t "${IMAGE}" .
docker push "${IMAGE}"

log "waiting for postgres on 127.0.0.1:5432"
for attempt in $(seq 1 30); do
  if pg_isready -h 127.0.0.1 -p 5432 -q; then break; fi
  sleep 2
done

kubectl -n "${NAMESPACE}" set image deployment/orders orders="${IMAGE}"
kubectl -n "${NAMESPACE}" rollout status deployment/orders --timeout=300s

# Smoke test through the port-forward.
kubectl -n "${NAMESPACE}" port-forward svc/orders 18080:80 >/dev/null 2>&1 &
PF_PID=$!
trap 'kill ${PF_PID}' EXIT
sleep 3
curl -fsS "http://localhost:18080/healthz" | jq -e '.ok == true' >/dev/null
log "deployed ${VERSION}"
