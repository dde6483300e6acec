#!/usr/bin/env bash
# An incremental day against the full load (P3 of the comparison). Day 1 is a whole generated
# batch, run through the whole pipeline. Day 2 brings 1 % of day 1's orders and line items again
# with a changed comment, so that silver updates those rows in place, in two variants, each run on
# its own copy of day 1's lake:
#   recent  the orders of the latest order dates (1 % of the orders) and their line items: how
#           changes arrive in practice, to recent orders; gold rebuilds few of its partitions;
#   spread  every 100th landing line of both tables, across all dates: the worst case, where
#           every gold partition holds a changed row and is rebuilt.
# The table compares day 2's silver and gold stage times with day 1's.
# Usage: deploy/bench/incremental.sh [SCALE]   (default 1)
# Prints: scale  variant  stage  changed_lines  full_s  incremental_s  ratio
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh" "${1:-1}"
scale="${SCALES[0]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
MEDALLION_LANDING_ROOT="$work/landing" seconds "$work/generate.log" "$LAUNCHER" generate --scale "$scale" \
  --batches 1 >/dev/null
day1="$(batch_dates "$work/landing" | head -n 1)"
day2="$(date -u -d "$day1 + 1 day" +%F)"

stage_seconds() { # "<stage> <seconds>" from a pipeline's summary lines "  <date>  <stage>  exit 0  <s> s"
  awk '$3 == "exit" && $NF == "s" { print $2, $(NF - 1) }' "$1"
}
pipeline() { # landing lake day: the whole pipeline for one day, its stage times to $work/stages-<lake>-<day>
  MEDALLION_LANDING_ROOT="$1" MEDALLION_LAKE_ROOT="$2" seconds "$2.$3.log" "$LAUNCHER" pipeline \
    --from "$3" --to "$3" >/dev/null
  stage_seconds "$2.$3.log" >"$2.stages-$3"
}
pipeline "$work/landing" "$work/lake" "$day1"

# A dbgen line ends with '|', so its comment is the next-to-last field.
change='BEGIN { FS = OFS = "|" } { $(NF - 1) = "changed on day two"; print }'
orders1=("$work/landing/orders/$day1"/*.tbl) lineitem1=("$work/landing/lineitem/$day1"/*.tbl)
for variant in recent spread; do
  landing="$work/landing-$variant" lake="$work/lake-$variant"
  cp -al "$work/landing" "$landing"   # day 1's files, linked
  cp -a "$work/lake" "$lake"
  mkdir -p "$landing/orders/$day2" "$landing/lineitem/$day2"
  if [[ "$variant" == spread ]]; then
    awk 'NR % 100 == 0' "${orders1[@]}" | awk "$change" >"$landing/orders/$day2/orders-0001.tbl"
    awk 'NR % 100 == 0' "${lineitem1[@]}" | awk "$change" >"$landing/lineitem/$day2/lineitem-0001.tbl"
  else
    # The order date (field 5) at or above which 1 % of the orders lie; garbled dates sort apart.
    n=$(cat "${orders1[@]}" | wc -l)
    cutoff=$(cut -d'|' -f5 "${orders1[@]}" | grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' | sort -r \
      | sed -n "$((n / 100))p")
    awk -F'|' -v c="$cutoff" '$5 >= c' "${orders1[@]}" | awk "$change" >"$landing/orders/$day2/orders-0001.tbl"
    awk -F'|' 'NR == FNR { keys[$1]; next } $1 in keys' "$landing/orders/$day2/orders-0001.tbl" "${lineitem1[@]}" \
      | awk "$change" >"$landing/lineitem/$day2/lineitem-0001.tbl"
  fi
  changed=$(cat "$landing/orders/$day2"/*.tbl "$landing/lineitem/$day2"/*.tbl | wc -l)
  pipeline "$landing" "$lake" "$day2"
  join "$work/lake.stages-$day1" "$lake.stages-$day2" | while read -r stage full incr; do
    [[ "$stage" == silver || "$stage" == gold ]] || continue
    echo "$variant $stage $changed $full $incr"
  done >>"$work/rows"
  rm -rf "$lake" "$landing"
done

printf '%-6s %-7s %-7s %13s %7s %14s %7s\n' scale variant stage changed_lines full_s incremental_s ratio
while read -r variant stage changed full incr; do
  printf '%-6s %-7s %-7s %13s %7s %14s %7s\n' "$scale" "$variant" "$stage" "$changed" "$full" "$incr" \
    "$(ratio "$incr" "$full")"
done <"$work/rows"
