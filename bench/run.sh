#!/usr/bin/env bash
# Runs the parser benchmark already built in BUILD_DIR (builds nothing) and
# prints MB/s and pages/s: parse + id + fingerprint + language (what the
# ingest path does), and the same without language detection.
#   bash bench/run.sh build-bench
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
bin="$1/bin/broadsheet-parser-bench"
if [[ ! -x "$bin" ]]; then
  echo "bench/run.sh: $bin not found (configure with -DBROADSHEET_BENCH=ON, ideally" \
       "-DCMAKE_BUILD_TYPE=Release, and build it first)" >&2
  exit 2
fi
out=$(mktemp "${TMPDIR:-/tmp}/broadsheet-bench.XXXXXX.json")
trap 'rm -f "$out"' EXIT
"$bin" --benchmark_out="$out" --benchmark_out_format=json >&2
python3 - "$out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for b in data["benchmarks"]:
    name = b["name"].split("/min_time")[0]
    mbs = b.get("bytes_per_second", 0) / 1e6
    line = f"{name:40s} {mbs:8.1f} MB/s ({mbs * 1e6 / 2**20:7.1f} MiB/s)"
    if "items_per_second" in b:
        line += f" {b['items_per_second']:9.0f} pages/s"
    print(line)
PY
