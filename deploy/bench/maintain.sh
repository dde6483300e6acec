#!/usr/bin/env bash
# Benchmark: maintenance of silver.lineitem after several incremental batches. Loads every batch of
# lineitem and orders through bronze and silver (one silver MERGE per batch), then prints:
#   - files and mean file size of silver.lineitem before and after `maintain` (which compacts it,
#     Z-ordered by l_shipdate as the TPC-H spec says), and the time maintain took;
#   - a selective query (one week of ship dates) before and after: files scanned after data
#     skipping, the megabytes those files hold, and its wall time (the query's own time, from
#     `sql --stats`);
#   - the time of a second `maintain` on the now healthy table, and of `maintain` on the whole lake.
# Usage: deploy/bench/maintain.sh [SCALE ...] (default: 0.01 1). Data goes to a temporary folder
# that is removed afterwards.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

QUERY="SELECT count(*) AS n, sum(l_extendedprice) AS price FROM silver.lineitem
  WHERE l_shipdate BETWEEN DATE'1995-06-01' AND DATE'1995-06-07'"

table_files() { # prints "files mean_MB" of a Delta table
  "$LAUNCHER" sql --json "DESCRIBE DETAIL delta.\`$1\`" 2>/dev/null \
    | sed -n 's/.*"numFiles":\([0-9]*\).*"sizeInBytes":\([0-9]*\).*/\1 \2/p' \
    | awk '{ printf "%d %.1f\n", $1, ($1 > 0 ? $2 / $1 / 1e6 : 0) }'
}
query_stats() { # prints "files MB seconds" of the selective query
  "$LAUNCHER" sql --stats "$QUERY" 2>&1 >/dev/null \
    | sed -n 's/scanned \([0-9]*\) file(s), \([0-9.]*\) MB, in \([0-9.]*\) s/\1 \2 \3/p'
}

printf '%-6s %7s %12s %11s %11s %11s %11s %11s %11s %11s %11s %11s %11s\n' scale batches 'files(b/a)' 'meanMB(b)' \
  'meanMB(a)' 'maintain_s' 'q_files(b)' 'q_files(a)' 'q_MB(b)' 'q_MB(a)' 'q_s(b/a)' 'healthy_s' 'lake_s'
for scale in "${SCALES[@]}"; do
  work="$(mktemp -d)"
  export MEDALLION_LANDING_ROOT="$work/landing" MEDALLION_LAKE_ROOT="$work/lake"
  seconds "$work/generate.log" "$LAUNCHER" generate --scale "$scale" >/dev/null
  mapfile -t dates < <(batch_dates "$work/landing")
  for date in "${dates[@]}"; do
    seconds "$work/bronze-$date.log" "$LAUNCHER" bronze --run-date "$date" --table lineitem --table orders >/dev/null
    seconds "$work/silver-$date.log" "$LAUNCHER" silver --run-date "$date" --table lineitem --table orders >/dev/null
  done
  table="$work/lake/silver/lineitem"
  read -r files_before mean_before < <(table_files "$table")
  read -r q_files_before q_mb_before q_s_before < <(query_stats)
  maintain_s=$(seconds "$work/maintain.log" "$LAUNCHER" maintain --table silver.lineitem --run-date "${dates[-1]}")
  read -r files_after mean_after < <(table_files "$table")
  read -r q_files_after q_mb_after q_s_after < <(query_stats)
  healthy_s=$(seconds "$work/maintain2.log" "$LAUNCHER" maintain --table silver.lineitem --run-date "${dates[-1]}")
  lake_s=$(seconds "$work/maintain3.log" "$LAUNCHER" maintain --run-date "${dates[-1]}")
  printf '%-6s %7s %12s %11s %11s %11.1f %11s %11s %11s %11s %11s %11.1f %11.1f\n' "$scale" "${#dates[@]}" \
    "$files_before/$files_after" "$mean_before" "$mean_after" "$maintain_s" "$q_files_before" "$q_files_after" \
    "$q_mb_before" "$q_mb_after" "$q_s_before/$q_s_after" "$healthy_s" "$lake_s"
  grep -h "silver.lineitem:.*partition" "$work/maintain.log" "$work/maintain2.log" | sed 's/^.*silver.lineitem: /  /'
  rm -rf "$work"
done
