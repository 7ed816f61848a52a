#!/usr/bin/env bash
# Starts and stops the three Broadsheet services of the local stack, each in
# the background with its log and pid file under $BROADSHEET_STATE_DIR.
#
#   scripts/services.sh start   apply migrations, then start indexer, ingest, query
#   scripts/services.sh stop    stop them (SIGTERM, then SIGKILL after a timeout)
#   scripts/services.sh restart
#
# Needs the binaries in $BROADSHEET_BIN_DIR (default build/bin) and a running
# Kafka and PostgreSQL (scripts/stack.sh up).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

BIN_DIR="${BROADSHEET_BIN_DIR:-$ROOT/build/bin}"
PIDS="$STATE_DIR/pids"
LOGS="$STATE_DIR/logs"

export BROADSHEET_KAFKA_BROKERS="${BROADSHEET_KAFKA_BROKERS:-${KAFKA_HOST:-127.0.0.1}:${KAFKA_PORT:-9092}}"
_pg="${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${PGDATABASE:-broadsheet}"
export BROADSHEET_DATABASE_URL="${BROADSHEET_DATABASE_URL:-postgresql://${BROADSHEET_PG_ROLE:-broadsheet}@$_pg}"
# The query service reads through a role that can only SELECT.
export BROADSHEET_QUERY_DATABASE_URL="${BROADSHEET_QUERY_DATABASE_URL:-postgresql://${BROADSHEET_PG_READER_ROLE:-broadsheet_reader}@$_pg}"
export BROADSHEET_INGEST_LISTEN="${BROADSHEET_INGEST_LISTEN:-127.0.0.1:50051}"
export BROADSHEET_QUERY_LISTEN="${BROADSHEET_QUERY_LISTEN:-127.0.0.1:50052}"
export BROADSHEET_INDEXER_LISTEN="${BROADSHEET_INDEXER_LISTEN:-127.0.0.1:50053}"

start_one() {  # name, listen address
  local name="$1" addr="$2" pidfile="$PIDS/$1.pid"
  if pid_alive "$pidfile" "$BIN_DIR/$name"; then
    log "$name already running (pid $(cat "$pidfile"))"
    return 0
  fi
  [[ -x "$BIN_DIR/$name" ]] || die "$BIN_DIR/$name not built (run make build)"
  # A fresh log per start, so check-logs judges only this run.
  [[ -f "$LOGS/$name.log" ]] && mv -f "$LOGS/$name.log" "$LOGS/$name.log.1"
  nohup "$BIN_DIR/$name" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$pidfile"
  local host="${addr%:*}" port="${addr##*:}" i
  for ((i = 0; i < 150; i++)); do
    if port_open "$host" "$port"; then
      log "$name up on $addr (pid $(cat "$pidfile"), log $LOGS/$name.log)"
      return 0
    fi
    pid_alive "$pidfile" || { tail -n 30 "$LOGS/$name.log" >&2; die "$name exited during start"; }
    sleep 0.2
  done
  tail -n 30 "$LOGS/$name.log" >&2
  die "$name did not listen on $addr within 30 s"
}

start() {
  mkdir -p "$PIDS" "$LOGS"
  "$BIN_DIR/broadsheet-indexer" --migrate-only
  start_one broadsheet-indexer "$BROADSHEET_INDEXER_LISTEN"
  start_one broadsheet-ingest "$BROADSHEET_INGEST_LISTEN"
  start_one broadsheet-query "$BROADSHEET_QUERY_LISTEN"
}

stop() {
  local f
  for f in "$PIDS"/broadsheet-*.pid; do
    [[ -e "$f" ]] || continue
    stop_pid "$(basename "$f" .pid)" "$(tr -dc '0-9' <"$f")" 30
    rm -f "$f"
  done
}

# Fails when a service log holds a sanitizer report (ASan/UBSan/LSan builds
# report there, not in any test's output).
check_logs() {
  local bad
  bad="$(grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOGS"/broadsheet-*.log 2>/dev/null || true)"
  if [[ -n "$bad" ]]; then
    grep -hE -A20 'ERROR: (Address|Leak)Sanitizer|runtime error:' $bad >&2
    die "sanitizer reports in: $bad"
  fi
  log "service logs hold no sanitizer report"
}

case "${1:-}" in
  start) start ;;
  check-logs) check_logs ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 start|stop|restart|check-logs" >&2; exit 2 ;;
esac
