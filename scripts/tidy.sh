#!/usr/bin/env bash
# clang-tidy (the checks in .clang-tidy) over every project source the build
# in $1 compiles (its compile_commands.json; generated code left out).
# Fails when any check warns: warnings are kept at zero.
#   bash scripts/tidy.sh build
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$(cd "${1:-build}" && pwd)"
tidy="$(command -v clang-tidy-14 || command -v clang-tidy || true)"
[[ -n "$tidy" ]] || die "clang-tidy not found: run scripts/deps.sh"
[[ -f "$build_dir/compile_commands.json" ]] || die "$build_dir/compile_commands.json missing: build first"
mapfile -t files < <(python3 - "$build_dir/compile_commands.json" "$root" <<'PY'
import json, sys
commands, root = json.load(open(sys.argv[1])), sys.argv[2] + "/"
print("\n".join(sorted({c["file"] for c in commands if c["file"].startswith(root)
                        and not c["file"][len(root):].startswith("build")})))
PY
)
log "clang-tidy over ${#files[@]} files (${JOBS:-2} at a time)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
printf '%s\n' "${files[@]}" |
  xargs -P "${JOBS:-2}" -n 4 "$tidy" -p "$build_dir" --quiet > "$out" 2>/dev/null || true
warnings="$(grep -E '(warning|error): ' "$out" | sort -u || true)"
if [[ -n "$warnings" ]]; then
  cat "$out"
  die "clang-tidy: $(wc -l <<< "$warnings") warning(s), listed above"
fi
log "clang-tidy: no warnings"
