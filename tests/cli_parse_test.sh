#!/usr/bin/env bash
# `broadsheet parse` reads a page from a file and, given "-", from standard
# input; both give the same articles. A missing file is an error (exit 2).
#   tests/cli_parse_test.sh path/to/broadsheet
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="$1"
page="$root/fixtures/demo/01_courier_rivers.txt"
from_file="$("$cli" parse "$page" | sed 's/"source":"[^"]*",\?//')"
from_stdin="$("$cli" parse - < "$page" | sed 's/"source":"[^"]*",\?//')"
grep -q '"title":"River pollution inquiry' <<< "$from_file" || {
  echo "no parsed title in: $from_file" >&2; exit 1; }
[[ "$from_file" == "$from_stdin" ]] || {
  echo "standard input parsed differently:" >&2; diff <(echo "$from_file") <(echo "$from_stdin") >&2; exit 1; }
status=0
"$cli" parse "$root/fixtures/demo/no-such-page.txt" > /dev/null 2>&1 || status=$?
[[ "$status" == 2 ]] || { echo "missing file: exit $status, want 2" >&2; exit 1; }
echo "parse from a file and from standard input agree"
