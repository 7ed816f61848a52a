# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this
# Shared helpers for scripts/*.sh. Source it; it sets ROOT and a few defaults.
# Every value can be overridden from the environment so CI can move ports/dirs.

# Repo root = parent of scripts/, wherever the checkout lives.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT

LOCAL_DIR="${BROADSHEET_LOCAL_DIR:-$ROOT/.local}"          # git-ignored tool/runtime area
STATE_DIR="${BROADSHEET_STATE_DIR:-$LOCAL_DIR/state}"      # wiped by `stack.sh reset`
KAFKA_HOME="${BROADSHEET_KAFKA_HOME:-$LOCAL_DIR/kafka}"    # jars fetched by kafka-fetch.sh
KAFKA_VERSION="${KAFKA_VERSION:-4.1.2}"
VENV_DIR="${BROADSHEET_VENV:-$LOCAL_DIR/venv}"

log()  { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "${0##*/}" "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# port_open HOST PORT: true if something accepts TCP connections there.
# Uses bash's /dev/tcp so it needs neither ss nor nc on a fresh machine.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# pid_alive PIDFILE [CMDLINE_SUBSTRING]: the pid in the file is running and,
# if given, its command line contains the substring (guards against pid reuse).
pid_alive() {
  local f="$1" want="${2:-}" pid
  [[ -s "$f" ]] || return 1
  pid="$(head -n1 "$f" | tr -dc '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ -z "$want" ]] && return 0
  local cmd
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" 2>/dev/null || return 1
  [[ "$cmd" == *"$want"* ]]
}

# stop_pid NAME PID [TIMEOUT] [SIGNAL]: SIGNAL (default TERM), wait, then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" timeout="${3:-30}" sig="${4:-TERM}" i
  kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill -"$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "$name did not exit after ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 25; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  die "$name (pid $pid) survived SIGKILL"
}
