#!/usr/bin/env bash
# Validates the deployment files offline (no Kubernetes, no Docker engine):
# renders every kustomize overlay and decodes each object strictly into its
# k8s.io/api type, checks the workload policy, and loads docker-compose.yml
# (alone and with docker-compose.tls.yml) against the compose specification.
# Then proves the checker rejects broken inputs (tools/testdata).
#
#   tools/validate.sh             exit 0 only if everything is valid
#
# Builds tools/deploycheck with the Go on PATH; modules and build cache live
# in .local/go (first run downloads modules from the Go module proxy).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export GOPATH="$root/.local/go" GOMODCACHE="$root/.local/go/pkg/mod" GOCACHE="$root/.local/go/cache"
export GOFLAGS="-buildvcs=false -p=1 -mod=readonly" GOTOOLCHAIN=local CGO_ENABLED=0
bin="$GOPATH/bin/deploycheck"
command -v go >/dev/null || { echo "validate.sh: go not found" >&2; exit 1; }
(cd "$root/tools/deploycheck" && go build -o "$bin" .)

cd "$root"
k=deploy/kubernetes
"$bin" -kustomize "$k/base" -kustomize "$k/overlays/dev" -kustomize "$k/overlays/production" \
  -compose docker-compose.yml -compose docker-compose.yml,docker-compose.tls.yml

# Each broken input must fail, with the expected message.
expect_failure() {  # expected message, deploycheck args...
  local want="$1" out; shift
  if out="$("$bin" "$@" 2>&1)"; then
    echo "validate.sh: deploycheck accepted a broken input: $*" >&2; exit 1
  fi
  if ! grep -q -- "$want" <<<"$out"; then
    echo "validate.sh: deploycheck failed on $* but without '$want':" >&2
    echo "$out" >&2; exit 1
  fi
  echo "rejected as expected: $* ($want)"
}
expect_failure 'unknown field "spec.template.spec.containers\[0\].readinessProbes"' \
  -kustomize tools/testdata/broken-unknown-field
expect_failure 'needs a gRPC livenessProbe' -kustomize tools/testdata/broken-no-probe
expect_failure 'helthcheck' -compose tools/testdata/broken-compose.yml
echo "validate.sh: deployment files valid; broken inputs rejected"
