#!/usr/bin/env bash
# Benchmark: silver per table and batch: the initial load (first batch) against the MERGE of
# each later, incremental batch. Each batch is ingested to bronze, then silver is timed.
# Usage: deploy/bench/silver.sh [SCALE ...] (default: 0.01 1). Data goes to a temporary folder
# that is removed afterwards. Driver memory: MEDALLION_DRIVER_MEMORY (launcher default).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

printf '%-6s %-10s %-10s %10s %10s %12s %10s\n' scale batch table rows_read table_s rows/s job_s
for scale in "${SCALES[@]}"; do
  work="$(mktemp -d)"
  export MEDALLION_LANDING_ROOT="$work/landing" MEDALLION_LAKE_ROOT="$work/lake"
  seconds "$work/generate.log" "$LAUNCHER" generate --scale "$scale" >/dev/null
  dates=$(batch_dates "$work/landing")
  for date in $dates; do
    seconds "$work/bronze-$date.log" "$LAUNCHER" bronze --run-date "$date" >/dev/null
    job=$(seconds "$work/silver-$date.log" "$LAUNCHER" silver --run-date "$date")
    # "<table>: <n> rows read -> ... in <s> s" (change feeds say "events read")
    sed -n 's/.* \([a-z_]*\): \([0-9]*\) \(rows\|events\) read -> .* in \([0-9.]*\) s.*/\1 \2 \4/p' \
        "$work/silver-$date.log" | while read -r table rows secs; do
      printf '%-6s %-10s %-10s %10s %10s %12.0f %10.1f\n' "$scale" "$date" "$table" "$rows" "$secs" \
        "$(awk -v r="$rows" -v s="$secs" 'BEGIN { print (s > 0 ? r / s : 0) }')" "$job"
    done
  done
  rm -rf "$work"
done
