#!/usr/bin/env bash
# Benchmark: changing a pipeline, against a full silver run of the same table, in one run per scale
# (default 1). TPC-H is generated and taken through bronze and silver batch by batch; then the spec
# changes, and each change is timed next to `silver --rebuild` of its table, which is what the
# change would cost without it:
#   backfill  customer gains c_loyalty_tier (the generator's change events carry it undeclared):
#             `silver --backfill-columns --table customer` against `silver --rebuild --table customer`
#   replay    lineitem's quantity_range widened to let negative quantities through:
#             `quarantine replay --table lineitem` against `silver --rebuild --table lineitem`
# Every job runs with the launcher's driver memory (MEDALLION_DRIVER_MEMORY): the rebuild of lineitem,
# which applies every batch at once, peaked at 4.73 GB RSS at SF 1 with the default 4g. Data goes
# to a temporary folder that is removed afterwards.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[[ $# -eq 0 ]] && SCALES=(1)

printf '%-6s %-9s %-9s %9s %9s %9s %7s\n' scale change table rows change_s rebuild_s ratio
for scale in "${SCALES[@]}"; do
  work="$(mktemp -d)"
  export MEDALLION_LANDING_ROOT="$work/landing" MEDALLION_LAKE_ROOT="$work/lake"
  seconds "$work/generate.log" "$LAUNCHER" generate --scale "$scale" >/dev/null
  dates=$(batch_dates "$work/landing")
  for date in $dates; do
    seconds "$work/bronze-$date.log" "$LAUNCHER" bronze --run-date "$date" >/dev/null
    seconds "$work/silver-$date.log" "$LAUNCHER" silver --run-date "$date" >/dev/null
  done
  last=$(echo "$dates" | tail -n 1)

  # The changed spec: a copy of conf/ (gold's SQL is found beside it) with the two edits.
  cp -r "$MEDALLION_HOME/conf" "$work/conf"
  spec="$work/conf/pipelines/tpch.yaml"
  sed -i 's/^\(      - {name: c_comment, *type: string}\)$/\1\n      - {name: c_loyalty_tier, type: string}/' "$spec"
  sed -i 's/{name: quantity_range, check: range, column: l_quantity, min: 1, max: 50}/{name: quantity_range, check: range, column: l_quantity, min: -100, max: 50}/' "$spec"
  grep -q c_loyalty_tier "$spec" && grep -q 'min: -100' "$spec" || { echo "the spec edits did not apply" >&2; exit 1; }
  run=(--pipeline "$spec" --run-date "$last")

  backfill=$(seconds "$work/backfill.log" "$LAUNCHER" silver --backfill-columns --table customer "${run[@]}")
  filled=$(sed -n 's/.* customer: [0-9]* bronze rows read, \([0-9]*\) silver row(s) backfilled.*/\1/p' "$work/backfill.log")
  rebuild_c=$(seconds "$work/rebuild-customer.log" "$LAUNCHER" silver --rebuild --table customer "${run[@]}")
  printf '%-6s %-9s %-9s %9s %9.1f %9.1f %7.2f\n' "$scale" backfill customer "$filled" "$backfill" "$rebuild_c" \
    "$(awk -v a="$backfill" -v b="$rebuild_c" 'BEGIN { print a / b }')"

  replay=$(seconds "$work/replay.log" "$LAUNCHER" quarantine replay --table lineitem "${run[@]}")
  replayed=$(sed -n 's/.* lineitem: \([0-9]*\) quarantined rows replayed -> .*/\1/p' "$work/replay.log")
  rebuild_l=$(seconds "$work/rebuild-lineitem.log" "$LAUNCHER" silver --rebuild --table lineitem "${run[@]}")
  printf '%-6s %-9s %-9s %9s %9.1f %9.1f %7.2f\n' "$scale" replay lineitem "$replayed" "$replay" "$rebuild_l" \
    "$(awk -v a="$replay" -v b="$rebuild_l" 'BEGIN { print a / b }')"
  rm -rf "$work"
done
