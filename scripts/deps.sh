#!/usr/bin/env bash
# Install everything the local stack and the C++ build need on a fresh Debian 12.
# Idempotent: each step checks first, so a fully provisioned machine does no
# apt, pip or maven work (CI runs this on every job).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

APT_PACKAGES=(
  # C++ toolchain and libraries used by CMakeLists.txt
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev libpqxx-dev libgtest-dev libbenchmark-dev
  libcld2-dev libstemmer-dev libxxhash-dev libre2-dev libssl-dev prometheus-cpp-dev nlohmann-json3-dev
  clang libclang-rt-14-dev clang-tidy-14
  # local stack: PostgreSQL server, Kafka (runs on the JVM, fetched via Maven)
  postgresql-15 postgresql-contrib openjdk-17-jre-headless maven
  # python client, proto includes, pytest
  python3-venv
  # an English word list: the tsvector identity test compares the indexer's
  # lexemes with PostgreSQL's on it
  wamerican
)
PIP_PACKAGES=(grpcio-tools googleapis-common-protos grpcio-health-checking pytest)
GRPCURL_VERSION="${GRPCURL_VERSION:-v1.9.3}"

# --- apt ------------------------------------------------------------------
# dpkg's status (what `dpkg -s` shows) is fast and offline; only touch apt
# when something is missing.
missing=()
for p in "${APT_PACKAGES[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  SUDO=(); ((EUID == 0)) || SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "apt packages: all ${#APT_PACKAGES[@]} present"
fi

# --- python venv ----------------------------------------------------------
# grpcio-tools ships google/protobuf/*.proto, googleapis-common-protos ships
# google/rpc/*.proto and grpcio-health-checking grpc/health/v1/health.proto;
# the build reads them from this venv, the python client runs in it.
if [[ ! -x "$VENV_DIR/bin/python" ]]; then
  log "creating venv $VENV_DIR"
  python3 -m venv "$VENV_DIR"
fi
# One interpreter start instead of a `pip show` per package.
read -r -a pip_missing < <("$VENV_DIR/bin/python" - "${PIP_PACKAGES[@]}" <<'PY'
import importlib.metadata as md, sys
missing = []
for name in sys.argv[1:]:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        missing.append(name)
print(" ".join(missing))
PY
)
if ((${#pip_missing[@]})); then
  log "pip installing: ${pip_missing[*]}"
  "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check "${pip_missing[@]}"
else
  log "venv packages: all present"
fi

# --- kafka jars -----------------------------------------------------------
"$ROOT/scripts/kafka-fetch.sh"

# --- grpcurl (optional debugging aid) --------------------------------------
# Only when Go is around; the stack itself does not need it.
GO="$(command -v go || { [[ -x /usr/local/go/bin/go ]] && echo /usr/local/go/bin/go; } || true)"
if [[ -x "$LOCAL_DIR/bin/grpcurl" ]]; then
  log "grpcurl: present"
elif [[ -n "$GO" ]]; then
  log "installing grpcurl $GRPCURL_VERSION into $LOCAL_DIR/bin"
  mkdir -p "$LOCAL_DIR/bin"
  # Output goes to a log: `go install` lists every module it downloads.
  if ! GOBIN="$LOCAL_DIR/bin" GOFLAGS=-buildvcs=false \
    "$GO" install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION" \
    >"$LOCAL_DIR/grpcurl-install.log" 2>&1; then
    tail -n 20 "$LOCAL_DIR/grpcurl-install.log" >&2
    log "WARNING: grpcurl install failed (optional, continuing)"
  fi
else
  log "grpcurl: skipped (no go toolchain)"
fi

log "done"
