#!/usr/bin/env bash
# Benchmark: a quality run with every constraint declared on silver.lineitem against plain Spark
# SQL over the same table: (a) one aggregation scan computing the row-level counts, and (b) the
# same scan plus what uniqueness and references need (a GROUP BY of the key and an anti join with
# orders). quality/(b) near 1 means Deequ adds little over hand-written SQL doing the same work;
# quality/(a) shows what the grouping and the join cost on top of one shared scan.
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
# The same counts plus the key uniqueness (GROUP BY) and the references check (anti join).
FULL="SELECT s.*, u.unique_keys, r.orphans FROM ($SCAN) s
  CROSS JOIN (SELECT count(*) AS unique_keys FROM (SELECT l_orderkey, l_linenumber FROM silver.lineitem
    GROUP BY 1, 2 HAVING count(*) = 1)) u
  CROSS JOIN (SELECT count(*) AS orphans FROM silver.lineitem l LEFT ANTI JOIN silver.orders o
    ON l.l_orderkey = o.o_orderkey) r"
BASELINE="SELECT count(*) AS n FROM silver.orders WHERE o_orderkey < 0"

printf '%-6s %10s %12s %10s %12s %12s %9s %9s\n' scale rows constraints quality_s 'scan_s(a)' 'full_s(b)' 'q/(a)' 'q/(b)'
for scale in "${SCALES[@]}"; do
  work="$(mktemp -d)"
  export MEDALLION_LANDING_ROOT="$work/landing" MEDALLION_LAKE_ROOT="$work/lake"
  seconds "$work/generate.log" "$LAUNCHER" generate --scale "$scale" >/dev/null
  date=$(batch_dates "$work/landing" | head -n 1)
  seconds "$work/bronze.log" "$LAUNCHER" bronze --run-date "$date" --table lineitem --table orders >/dev/null
  seconds "$work/silver.log" "$LAUNCHER" silver --run-date "$date" --table lineitem --table orders >/dev/null
  seconds "$work/quality.log" "$LAUNCHER" quality --layer silver --table lineitem --run-date "$date" >/dev/null
  # "silver.lineitem: <n> constraint(s) on <rows> rows: ... in <s> s"
  read -r constraints rows quality_s < <(sed -n \
      's/.*silver\.lineitem: \([0-9]*\) constraint(s) on \([0-9]*\) rows: .* in \([0-9.]*\) s.*/\1 \2 \3/p' \
      "$work/quality.log")
  base=$(seconds "$work/baseline.log" "$LAUNCHER" sql "$BASELINE")
  scan=$(seconds "$work/scan.log" "$LAUNCHER" sql "$SCAN")
  full=$(seconds "$work/full.log" "$LAUNCHER" sql "$FULL")
  plain=$(awk -v s="$scan" -v b="$base" 'BEGIN { print s - b }')
  plain_full=$(awk -v s="$full" -v b="$base" 'BEGIN { print s - b }')
  printf '%-6s %10s %12s %10.1f %12.1f %12.1f %9.2f %9.2f\n' "$scale" "$rows" "$constraints" "$quality_s" \
    "$plain" "$plain_full" "$(awk -v q="$quality_s" -v p="$plain" 'BEGIN { print (p > 0 ? q / p : 0) }')" \
    "$(awk -v q="$quality_s" -v p="$plain_full" 'BEGIN { print (p > 0 ? q / p : 0) }')"
  rm -rf "$work"
done
