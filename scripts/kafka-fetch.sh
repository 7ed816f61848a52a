#!/usr/bin/env bash
# Fetch the Kafka broker + admin tools as plain jars from Maven Central into
# $KAFKA_HOME/libs (no tarball download site is reachable, Maven is).
# Skipped when the stamp for the same version and pom is present.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

POM="$ROOT/deploy/local/kafka/pom.xml"
LIBS="$KAFKA_HOME/libs"
STAMP="$KAFKA_HOME/.fetched"
# The stamp records version + pom hash, so editing the pom or bumping
# KAFKA_VERSION refetches.
want="$KAFKA_VERSION $(sha256sum "$POM" | cut -c1-16)"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then
  log "kafka $KAFKA_VERSION jars: present in $LIBS"
  exit 0
fi
have mvn || die "mvn not found; run scripts/deps.sh"

log "fetching kafka $KAFKA_VERSION jars with maven into $LIBS"
tmp="$LIBS.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
# Copy into a temp dir and swap, so an interrupted fetch never leaves a
# half-filled libs/ that looks complete.
# Output to a log (Debian's maven prints stray ANSI codes even with -q -B);
# shown only on failure.
mvnlog="$KAFKA_HOME/fetch.log"
if ! mvn -q -B -f "$POM" -Dkafka.version="$KAFKA_VERSION" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
  tail -n 30 "$mvnlog" >&2
  die "maven could not fetch Kafka $KAFKA_VERSION (full log: $mvnlog)"
fi
compgen -G "$tmp/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null || die "maven did not produce kafka_2.13-$KAFKA_VERSION.jar"
rm -rf "$LIBS"
mv "$tmp" "$LIBS"
echo "$want" >"$STAMP"
log "kafka jars: $(find "$LIBS" -name '*.jar' | wc -l) jars, $(du -sh "$LIBS" | cut -f1)"
