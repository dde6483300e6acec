#!/usr/bin/env bash
# Benchmark: generate and bronze wall times, bronze throughput, JVM + SparkSession start, and
# the cost of a rerun that finds nothing new. Usage: deploy/bench/ingest.sh [SCALE ...]
# (default: 0.01 1). Data goes to a temporary folder that is removed afterwards.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

printf '%-6s %12s %12s %12s %14s %12s %12s\n' scale lines generate_s bronze_s bronze_rows/s session_ms rerun_s
for scale in "${SCALES[@]}"; do
  work="$(mktemp -d)"
  export MEDALLION_LANDING_ROOT="$work/landing" MEDALLION_LAKE_ROOT="$work/lake"
  gen=$(seconds "$work/generate.log" "$LAUNCHER" generate --scale "$scale")
  bronze=$(seconds "$work/bronze.log" "$LAUNCHER" bronze --run-date 2024-01-03)
  rerun=$(seconds "$work/rerun.log" "$LAUNCHER" bronze --run-date 2024-01-03)
  lines=$(grep -o 'rows_read="[0-9]*"' "$work/bronze.log" | grep -o '[0-9]*' | awk '{ s += $1 } END { print s }')
  session=$(grep -o '[0-9]* ms since the JVM started' "$work/bronze.log" | grep -o '^[0-9]*')
  printf '%-6s %12s %12.1f %12.1f %14.0f %12s %12.1f\n' "$scale" "$lines" "$gen" "$bronze" \
    "$(awk -v l="$lines" -v s="$bronze" 'BEGIN { print l / s }')" "$session" "$rerun"
  rm -rf "$work"
done
