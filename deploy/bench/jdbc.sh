#!/usr/bin/env bash
# Benchmark: bronze's extract of a PostgreSQL table against COPY, in one run. Generates clean
# TPC-H lineitem at SCALE (one batch), loads it into an embedded PostgreSQL (started from Maven's
# binaries, no Docker) with COPY, then prints COPY ... TO STDOUT through the driver (the floor)
# and bronze's extract of the same table with 1 and 4 partitions, each into a fresh lake, with
# rows/s and the ratio to COPY (JdbcExtractBenchmark).
# Usage: deploy/bench/jdbc.sh [SCALE] (default 1). Data goes to a temporary folder that is removed
# afterwards.
set -euo pipefail

SCALE="${1:-1}"
set --
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
s=$(MEDALLION_LANDING_ROOT="$work/landing" seconds "$work/generate.log" "$LAUNCHER" generate \
  --scale "$SCALE" --batches 1 --clean --format delimited)
echo "generated lineitem at SF $SCALE in $s s" >&2

cd "$MEDALLION_HOME"
# The test classpath: the benchmark and the embedded PostgreSQL live with the tests.
mvn -B -q test-compile dependency:build-classpath -pl jobs -am -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/test.classpath" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
# shellcheck source=../bin/java17-opens.sh
source "$MEDALLION_HOME/deploy/bin/java17-opens.sh"
cd "$MEDALLION_HOME/jobs"
java -Xmx2g "${OPENS[@]}" -cp "$PWD/target/test-classes:$PWD/target/classes:$(cat "$work/test.classpath")" \
  io.medallion.jobs.bronze.JdbcExtractBenchmark "$work/landing/lineitem" "$work" 2>"$work/bench.log" \
  || { tail -40 "$work/bench.log" >&2; exit 1; }
