#!/usr/bin/env bash
# Benchmark: bronze against bare Spark on the same landing files, for each format, in one run.
# Generates clean TPC-H landing data at SCALE (one batch) in each format the generator writes
# (delimited, csv with a header, json arrays, parquet), then per format runs bronze of lineitem
# and bare Spark (Spark's own reader with the declared schema, straight into Delta:
# `medallion bare-spark`) in pairs, A B A B, each on a fresh lake. Times are each job's own, from its log (session start excluded, the same
# for both). Prints per format the median seconds, rows/s and the ratio bronze / bare; also the
# part of bronze's time spent on the table itself (listing to proof), without the run's fixed
# bookkeeping (the ledger, the ingested-files record), which on a fresh lake is a first Delta
# write and read in a cold JVM.
# Usage: deploy/bench/formats.sh [SCALE] [PAIRS] (default 1 3). Data goes to a temporary folder
# that is removed afterwards.
set -euo pipefail

SCALE="${1:-1}"
PAIRS="${2:-3}"
set --
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
spec="$MEDALLION_HOME/conf/pipelines/tpch.yaml"
formats=(delimited csv json parquet)
for f in "${formats[@]}"; do
  s=$(MEDALLION_LANDING_ROOT="$work/landing-$f" seconds "$work/generate-$f.log" "$LAUNCHER" generate \
    --scale "$SCALE" --batches 1 --clean --format "$f")
  echo "generated $f landing data in $s s" >&2
done


printf '%-10s %10s %10s %10s %10s %14s %14s %8s\n' format rows bronze_s table_s bare_s bronze_rows/s bare_rows/s \
  ratio
for f in "${formats[@]}"; do
  if [[ "$f" == delimited ]]; then env=local; else env="local,tpch-$f"; fi
  export MEDALLION_LANDING_ROOT="$work/landing-$f"
  : >"$work/bronze-$f"; : >"$work/table-$f"; : >"$work/bare-$f"
  for pair in $(seq 1 "$PAIRS"); do
    export MEDALLION_LAKE_ROOT="$work/lake"
    rm -rf "$work/lake"
    "$LAUNCHER" bronze --pipeline "$spec" --env "$env" --table lineitem --run-date 2030-01-01 >"$work/b.log" 2>&1 \
      || { echo "bronze failed on $f:" >&2; tail -30 "$work/b.log" >&2; exit 1; }
    grep -o 'bronze run [^ ]* finished with exit code 0 in [0-9]*' "$work/b.log" | grep -o '[0-9]*$' \
      | awk '{ print $1 / 1000 }' >>"$work/bronze-$f"
    rows=$(grep -o 'lineitem: [0-9]* records' "$work/b.log" | grep -o '[0-9]*')
    grep -o 'into bronze in [0-9.]* s' "$work/b.log" | grep -o '[0-9.]*' >>"$work/table-$f"
    rm -rf "$work/lake"
    "$LAUNCHER" bare-spark --pipeline "$spec" --env "$env" --table lineitem --out "$work/lake/bare" >"$work/p.log" 2>&1 \
      || { echo "bare spark failed on $f:" >&2; tail -30 "$work/p.log" >&2; exit 1; }
    grep -o 'bare spark: [0-9]* rows into [^ ]* in [0-9]*' "$work/p.log" | grep -o '[0-9]*$' \
      | awk '{ print $1 / 1000 }' >>"$work/bare-$f"
  done
  b=$(median <"$work/bronze-$f"); t=$(median <"$work/table-$f"); p=$(median <"$work/bare-$f")
  printf '%-10s %10s %10.1f %10.1f %10.1f %14.0f %14.0f %8.2f\n' "$f" "$rows" "$b" "$t" "$p" \
    "$(awk -v r="$rows" -v s="$b" 'BEGIN { print r / s }')" "$(awk -v r="$rows" -v s="$p" 'BEGIN { print r / s }')" \
    "$(awk -v a="$b" -v c="$p" 'BEGIN { print a / c }')"
done
