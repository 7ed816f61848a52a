#!/usr/bin/env bash
# The services with TLS and the ingest token on, against the running stack's
# Kafka and PostgreSQL (and its indexer): starts its own broadsheet-ingest
# (TLS + bearer token + plaintext health-only port) and broadsheet-query
# (mutual TLS) on free ports, with a CA and certificates made by openssl now.
# Shows that
#   * a plaintext call to a TLS server fails;
#   * IngestService without the token, or with a wrong one, is UNAUTHENTICATED;
#     health stays open; with the token the call passes;
#   * `broadsheet ingest` with the token and CA ingests a page, and without the
#     token is refused; `broadsheet search` over mTLS finds it, and fails
#     without a client certificate.
# Skips (exit 77) when Kafka is unreachable, except under CI=true: then fails.
#
#   security_integration_test.sh BIN_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build/bin}"
python="$root/.local/venv/bin/python"
brokers="${BROADSHEET_KAFKA_BROKERS:-${KAFKA_HOST:-127.0.0.1}:${KAFKA_PORT:-9092}}"
pg="${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${PGDATABASE:-broadsheet}"
query_db="${BROADSHEET_QUERY_DATABASE_URL:-postgresql://${BROADSHEET_PG_READER_ROLE:-broadsheet_reader}@$pg}"

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

first_broker="${brokers%%,*}"
if ! (exec 3<>"/dev/tcp/${first_broker%:*}/${first_broker##*:}") 2>/dev/null; then
  [[ "${CI:-}" == "true" ]] && fail "Kafka at $brokers unreachable (CI=true: not skipping)"
  echo "SKIP: Kafka at $brokers unreachable (make up)"; exit 77
fi
[[ -x "$python" ]] || fail "$python missing (scripts/deps.sh)"

work="$(mktemp -d /tmp/broadsheet-security.XXXXXX)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ "${KEEP:-}" != 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
bash "$root/tests/security_certs.sh" "$work" >/dev/null

read -r ingest_port query_port health_port m1 m2 < <("$python" - <<'PY'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)
ingest="localhost:$ingest_port"
query="localhost:$query_port"

# ---- servers ------------------------------------------------------------------
env BROADSHEET_KAFKA_BROKERS="$brokers" \
  BROADSHEET_INGEST_LISTEN="127.0.0.1:$ingest_port" \
  BROADSHEET_HEALTH_LISTEN="127.0.0.1:$health_port" \
  BROADSHEET_INGEST_METRICS_LISTEN="127.0.0.1:$m1" \
  BROADSHEET_INGEST_GROUP="broadsheet-security-test-$$" \
  BROADSHEET_RAW_PAGES_TOPIC="broadsheet.security-test.unused" \
  BROADSHEET_TLS_CERT="$work/server.pem" BROADSHEET_TLS_KEY="$work/server.key" \
  BROADSHEET_INGEST_TOKEN_FILE="$work/token" \
  "$bin/broadsheet-ingest" >"$work/ingest.log" 2>&1 &
pids+=($!)
env BROADSHEET_QUERY_DATABASE_URL="$query_db" \
  BROADSHEET_QUERY_LISTEN="127.0.0.1:$query_port" \
  BROADSHEET_QUERY_METRICS_LISTEN="127.0.0.1:$m2" \
  BROADSHEET_TLS_CERT="$work/server.pem" BROADSHEET_TLS_KEY="$work/server.key" \
  BROADSHEET_TLS_CLIENT_CA="$work/ca.pem" \
  "$bin/broadsheet-query" >"$work/query.log" 2>&1 &
pids+=($!)

# TLS client settings for the CLI (the query server also wants a client cert).
tls_env=(BROADSHEET_TLS_CA="$work/ca.pem")
mtls_env=("${tls_env[@]}" BROADSHEET_TLS_CLIENT_CERT="$work/client.pem"
          BROADSHEET_TLS_CLIENT_KEY="$work/client.key")
wait_healthy() {  # address, env...
  local addr="$1" i; shift
  for ((i = 0; i < 100; i++)); do
    env "$@" "$bin/broadsheet" health --timeout 2 "$addr" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  tail -n 20 "$work"/*.log >&2
  fail "$addr not healthy within 20 s"
}
wait_healthy "$ingest" "${tls_env[@]}"
wait_healthy "$query" "${mtls_env[@]}"
ok "ingest (TLS + token) and query (mTLS) healthy over TLS"

# ---- raw gRPC: status codes ---------------------------------------------------
"$python" - "$ingest_port" "$health_port" "$work" <<'PY'
import sys
import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

port, health_port, work = sys.argv[1], sys.argv[2], sys.argv[3]
ca = open(f"{work}/ca.pem", "rb").read()
token = open(f"{work}/token").read().strip()
ingest = "/broadsheet.v1.IngestService/IngestPage"
failed = []

def check(what, got, want):
    print(f"{'ok' if got == want else 'FAIL'}: {what}: {got.name if hasattr(got, 'name') else got}")
    if got != want:
        failed.append(what)

def call(channel, metadata=None):
    fn = channel.unary_unary(ingest, request_serializer=None, response_deserializer=None)
    try:
        fn(b"", metadata=metadata, timeout=10)  # IngestPageRequest{} : an empty page
        return grpc.StatusCode.OK
    except grpc.RpcError as e:
        return e.code()

def health(channel):
    try:
        r = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(r.status)
    except grpc.RpcError as e:
        return e.code()

tls = grpc.secure_channel(f"localhost:{port}", grpc.ssl_channel_credentials(root_certificates=ca))
plain = grpc.insecure_channel(f"127.0.0.1:{port}")
check("plaintext call to the TLS server", call(plain, [("authorization", f"Bearer {token}")]),
      grpc.StatusCode.UNAVAILABLE)
check("IngestPage without a token", call(tls), grpc.StatusCode.UNAUTHENTICATED)
check("IngestPage with a wrong token", call(tls, [("authorization", "Bearer nope")]),
      grpc.StatusCode.UNAUTHENTICATED)
# Past authentication the service itself judges the (empty) page.
check("IngestPage with the token", call(tls, [("authorization", f"Bearer {token}")]),
      grpc.StatusCode.INVALID_ARGUMENT)
check("health over TLS without a token", health(tls), "SERVING")
check("health on the plaintext health-only port",
      health(grpc.insecure_channel(f"127.0.0.1:{health_port}")), "SERVING")
other = grpc.secure_channel(f"localhost:{port}", grpc.ssl_channel_credentials(
    root_certificates=open(f"{work}/other-ca.pem", "rb").read()))
check("a client that does not trust the server's CA", call(other), grpc.StatusCode.UNAVAILABLE)
sys.exit(1 if failed else 0)
PY

# ---- the CLI end to end -----------------------------------------------------------
word="zq$(openssl rand -hex 6 | tr 0-9 g-p)"
page="$work/page.txt"
sed "s/^River pollution inquiry finds monitors were switched off for months\$/River pollution inquiry $word finds monitors were switched off/" \
  "$root/fixtures/demo/01_courier_rivers.txt" >"$page"
grep -q "$word" "$page" || fail "fixture changed: cannot make a unique page"
echo "unique title word for this run: $word" >"$work/page.word"

if out="$(env "${tls_env[@]}" BROADSHEET_INGEST_ADDR="$ingest" "$bin/broadsheet" ingest "$page" 2>&1)"; then
  fail "broadsheet ingest without a token succeeded: $out"
fi
grep -q UNAUTHENTICATED <<<"$out" || grep -qi "bearer token" <<<"$out" || fail "unexpected error: $out"
ok "broadsheet ingest without the token refused: $(tail -n1 <<<"$out")"

out="$(env "${tls_env[@]}" BROADSHEET_INGEST_TOKEN_FILE="$work/token" BROADSHEET_INGEST_ADDR="$ingest" \
  "$bin/broadsheet" ingest "$page" 2>&1)" || fail "broadsheet ingest with the token failed: $out"
grep -q "1 page(s) ingested" <<<"$out" || fail "unexpected: $out"
ok "broadsheet ingest with the token over TLS: $(tail -n1 <<<"$out")"

if out="$(env "${tls_env[@]}" BROADSHEET_QUERY_ADDR="$query" "$bin/broadsheet" search "$word" 2>&1)"; then
  fail "search without a client certificate succeeded against the mTLS server: $out"
fi
ok "search without a client certificate refused by the mTLS query server"

# The stack's indexer writes the article; the TLS query service reads it.
for ((i = 0; i < 120; i++)); do
  out="$(env "${mtls_env[@]}" BROADSHEET_QUERY_ADDR="$query" "$bin/broadsheet" search "$word" 2>&1)" \
    || fail "search over mTLS failed: $out"
  if grep -q '^ 1\.' <<<"$out"; then
    ok "search over mTLS found the page ingested over TLS: $(grep -m1 '^ 1\.' <<<"$out")"
    echo "security integration: all checks passed"
    exit 0
  fi
  sleep 0.5
done
fail "the ingested page was not searchable within 60 s (is the stack's indexer running?)"
