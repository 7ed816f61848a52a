#!/usr/bin/env bash
# Runs ../shared/tools/check-seeds against `broadsheet parse`. The seeds live
# beside the repository, not in it; under CI=true their absence is a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
checker="${BROADSHEET_SEEDS_CHECKER:-$root/../shared/tools/check-seeds}"
if [[ ! -x "$checker" && ! -f "$checker" ]]; then
  if [[ "${CI:-}" == "true" ]]; then echo "check-seeds not found at $checker" >&2; exit 1; fi
  echo "check-seeds not found; skipping outside CI"; exit 0
fi
python3 "$checker" -- "$1" parse
