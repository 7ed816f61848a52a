#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/bin for SECONDS each, on a copy of
# fixtures/pages (the fixtures stay untouched; new inputs go to a temp dir).
# Exits non-zero on any crash, leak, timeout or sanitizer report.
#   bash fuzz/run.sh build-fuzz 60
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus_src="$root/fixtures/pages"

targets=()
for t in "$build_dir"/bin/*_fuzz; do
  [[ -x "$t" ]] && targets+=("$t")
done
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz/run.sh: no *_fuzz binaries in $build_dir/bin (configure with -DBROADSHEET_FUZZ=ON)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/broadsheet-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Fixture pages are a few KiB; 64 KiB leaves room to grow them while keeping
# each run fast enough to explore.
max_len=65536
status=0
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp "$corpus_src"/* "$corpus"/
  echo "== $name: ${seconds}s, corpus $(ls "$corpus" | wc -l) files, -max_len=$max_len"
  # -error_exitcode / -timeout_exitcode make crashes and hangs fail the run;
  # ASan reports leaks at exit (detect_leaks=1) and fails it too.
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$t" -max_total_time="$seconds" -max_len="$max_len" -timeout=25 -rss_limit_mb=2048 \
      -error_exitcode=77 -timeout_exitcode=78 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$corpus" >"$work/$name/log" 2>&1; then
    status=1
    echo "!! $name FAILED; last lines of its log:" >&2
    tail -n 40 "$work/$name/log" >&2
    for a in "$artifacts"/*; do
      [[ -e "$a" ]] || continue
      mkdir -p "$build_dir/fuzz-artifacts"
      cp "$a" "$build_dir/fuzz-artifacts/"
      echo "!! reproducer kept: $build_dir/fuzz-artifacts/$(basename "$a")" >&2
    done
  else
    grep -E '^stat::number_of_executed_units|^Done' "$work/$name/log" || true
  fi
done
exit $status
