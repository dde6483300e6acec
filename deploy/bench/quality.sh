#!/usr/bin/env bash
# Benchmark: a quality run with every constraint declared on silver.lineitem against one plain
# Spark aggregation scan that computes the same row-level counts. A ratio near 1 means Deequ
# shares one scan among the constraints (uniqueness groups the keys and references joins
# orders, so some extra work is expected).
# The quality figure is the job's own per-table time from its log. The plain scan runs through
# `medallion sql`; its figure is that process's wall time minus the wall time of the same kind
# of process reading a tiny Delta table, so JVM, Spark and Delta start-up cancel out.
# Usage: deploy/bench/quality.sh [SCALE ...] (default: 0.01 1). One batch (the first date) of
# lineitem and orders is loaded. Data goes to a temporary folder that is removed afterwards.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SCAN="SELECT count(*) AS n, count(l_shipdate) AS shipdates,
  sum(CASE WHEN l_quantity IS NULL OR l_quantity BETWEEN 1 AND 50 THEN 1 ELSE 0 END) AS quantity_ok,
  sum(CASE WHEN l_discount IS NULL OR l_discount BETWEEN 0 AND 0.10 THEN 1 ELSE 0 END) AS discount_ok,
  sum(CASE WHEN l_tax IS NULL OR l_tax BETWEEN 0 AND 0.08 THEN 1 ELSE 0 END) AS tax_ok,
  sum(CASE WHEN l_returnflag IS NULL OR l_returnflag IN ('R', 'A', 'N') THEN 1 ELSE 0 END) AS flag_ok,
  sum(CASE WHEN l_linestatus IS NULL OR l_linestatus IN ('O', 'F') THEN 1 ELSE 0 END) AS status_ok,
  sum(CASE WHEN l_shipdate <= l_receiptdate THEN 1 ELSE 0 END) AS dates_ok
  FROM silver.lineitem"
BASELINE="SELECT count(*) AS n FROM silver.orders WHERE o_orderkey < 0"

printf '%-6s %12s %12s %14s %14s %8s\n' scale rows constraints quality_s plain_scan_s ratio
for scale in "${SCALES[@]}"; do
  work="$(mktemp -d)"
  export MEDALLION_LANDING_ROOT="$work/landing" MEDALLION_LAKE_ROOT="$work/lake"
  seconds "$work/generate.log" "$LAUNCHER" generate --scale "$scale" >/dev/null
  date=$(grep -o '"batch_dates" *: *\[[^]]*\]' "$work/landing/manifest.json" \
      | grep -o '[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}' | head -n 1)
  seconds "$work/bronze.log" "$LAUNCHER" bronze --run-date "$date" --table lineitem --table orders >/dev/null
  seconds "$work/silver.log" "$LAUNCHER" silver --run-date "$date" --table lineitem --table orders >/dev/null
  seconds "$work/quality.log" "$LAUNCHER" quality --layer silver --table lineitem --run-date "$date" >/dev/null
  # "silver.lineitem: <n> constraint(s) on <rows> rows: ... in <s> s"
  read -r constraints rows quality_s < <(sed -n \
      's/.*silver\.lineitem: \([0-9]*\) constraint(s) on \([0-9]*\) rows: .* in \([0-9.]*\) s.*/\1 \2 \3/p' \
      "$work/quality.log")
  base=$(seconds "$work/baseline.log" "$LAUNCHER" sql "$BASELINE")
  scan=$(seconds "$work/scan.log" "$LAUNCHER" sql "$SCAN")
  plain=$(awk -v s="$scan" -v b="$base" 'BEGIN { print s - b }')
  printf '%-6s %12s %12s %14.1f %14.1f %8.2f\n' "$scale" "$rows" "$constraints" "$quality_s" "$plain" \
    "$(awk -v q="$quality_s" -v p="$plain" 'BEGIN { print (p > 0 ? q / p : 0) }')"
  rm -rf "$work"
done
