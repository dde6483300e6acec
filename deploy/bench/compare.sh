#!/usr/bin/env bash
# The comparison harness: medallion next to its peers, every figure measured in this run, on the
# same files and machine, printed as one table (ids P1..P6 as in the performance issue):
#   P1  bronze against bare Spark (Spark's reader with the declared schema into Delta), per format
#       (formats.sh: pairs A B A B, medians);
#   P2  the quality suite of silver.lineitem against one plain aggregation scan computing the same
#       row-level counts (quality.sh);
#   P3  an incremental day (1 % of the line items and orders changed) against the initial full
#       load, for silver and for gold (incremental.sh);
#   P4  a selective query (one week of l_shipdate) after Z-order against before: the megabytes its
#       scan reads after data skipping; and maintain of a healthy table against the Z-order run
#       (maintain.sh);
#   P5  the whole pipeline (bronze to gold, every batch) at SCALE against SCALE / 10, in pairs
#       (small, large, small, large), each on a fresh lake, medians. Linear would be 10.
#   P6  the whole pipeline at SCALE against two peers run in the same pairs, on the same landing
#       files: a hand-written Spark SQL job (peers/HandWrittenPipeline.java: the same casts, rules,
#       dedup and gold SQL, one run per batch date, no ledger, accounting or quality) and DuckDB
#       (peers/DuckDbPipeline.java: the same gold tables from the raw files in one pass). What
#       each peer is given to be fair is written at the top of its file. The gold tables' row
#       counts of all three are printed under the table, so a peer that skipped work shows.
# Each benchmark's own table is kept next to the summary, in the output folder.
# Usage: deploy/bench/compare.sh [--scale SF] [--pairs N] [--out DIR]
#   (defaults: SF 1, 2 pairs, a temporary folder removed afterwards).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
SCALE=1 PAIRS=2 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --pairs) PAIRS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
set --
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="${OUT:-$work/out}"
mkdir -p "$out"
bench() { # runs a benchmark, its table to $out/<name>.txt
  local name="$1"; shift
  echo "$(date +%T) $name.sh $*" >&2
  "$here/$name.sh" "$@" >"$out/$name.txt" 2>"$out/$name.err" \
    || { echo "$name.sh failed:" >&2; tail -30 "$out/$name.err" >&2; exit 1; }
}

rows=()
row() { rows+=("$(printf '%-3s %-62s %10s %10s %7s %9s' "$@")"); }

# P1
bench formats "$SCALE" "$PAIRS"
while read -r f _ bronze _ bare _ _ r; do
  row P1 "bronze / bare Spark, $f (s)" "$bronze" "$bare" "$r" "<= 1.15"
done < <(tail -n +2 "$out/formats.txt")

# P2
bench quality "$SCALE"
read -r _ _ constraints quality_s scan_s _ q_a _ < <(tail -n 1 "$out/quality.txt")
row P2 "quality of silver.lineitem / plain scan, $constraints constraints (s)" "$quality_s" "$scan_s" "$q_a" "<= 1.5"

# P3: the columns of incremental.sh's table (see its header).
bench incremental "$SCALE"
while read -r _ stage full incr r; do
  row P3 "incremental day of 1 % changes / full load, $stage (s)" "$incr" "$full" "$r" "<= 0.10"
done < <(tail -n +2 "$out/incremental.txt")

# P4: the columns of maintain.sh's table (see its header).
bench maintain "$SCALE"
read -r _ _ _ _ _ maintain_s _ _ mb_before mb_after _ healthy_s _ < <(sed -n 2p "$out/maintain.txt")
row P4 "selective query after / before Z-order (MB read)" "$mb_after" "$mb_before" "$(ratio "$mb_after" "$mb_before")" \
  "<= 0.10"
row P4 "maintain of a healthy table / Z-order run (s)" "$healthy_s" "$maintain_s" "$(ratio "$healthy_s" "$maintain_s")" \
  "<= 0.05"

# The peers of P6, compiled once outside the timings with the jar's classpath; DuckDB's JDBC driver
# comes from Maven Central (a benchmark tool: it is not part of the product or its POM).
DUCKDB_VERSION=1.5.6.0
duckdb_jar="$HOME/.m2/repository/org/duckdb/duckdb_jdbc/$DUCKDB_VERSION/duckdb_jdbc-$DUCKDB_VERSION.jar"
[[ -f "$duckdb_jar" ]] || mvn -B -q dependency:get -Dartifact="org.duckdb:duckdb_jdbc:$DUCKDB_VERSION" >&2
jar="$(ls "$MEDALLION_HOME"/jobs/target/medallion-jobs-*.jar | grep -v original- | head -n 1)"
spark_cp="$jar:$(cat "$MEDALLION_HOME/jobs/target/launcher.classpath")"
mkdir -p "$work/peers"
javac -nowarn -d "$work/peers" -cp "$spark_cp" "$here/peers/HandWrittenPipeline.java"
javac -nowarn -d "$work/peers" -cp "$duckdb_jar" "$here/peers/DuckDbPipeline.java"
# shellcheck source=../bin/java17-opens.sh
source "$MEDALLION_HOME/deploy/bin/java17-opens.sh"
# shellcheck source=../bin/jvm-tuning.sh
source "$MEDALLION_HOME/deploy/bin/jvm-tuning.sh"
# The launcher's own JVM flags, so that the hand-written job runs as medallion does.
peer_jvm=(-Xmx"${MEDALLION_DRIVER_MEMORY:-4g}" "${JVM_TUNING[@]}" "${OPENS[@]}"
  -Dlog4j2.configurationFile=classpath:medallion-log4j2.properties)
gold_counts() { # "model rows" lines of a peer's output
  sed -n 's/^gold\.\([a-z_]*\) \([0-9]*\) rows$/\1 \2/p' "$1"
}

# P5 and P6
small=$(awk -v s="$SCALE" 'BEGIN { print s / 10 }')
for scale in "$small" "$SCALE"; do
  MEDALLION_LANDING_ROOT="$work/landing-$scale" seconds "$work/generate-$scale.log" "$LAUNCHER" generate \
    --scale "$scale" >/dev/null
done
for pair in $(seq 1 "$PAIRS"); do
  for scale in "$small" "$SCALE"; do
    echo "$(date +%T) pipeline at SF $scale, pair $pair" >&2
    mapfile -t dates < <(batch_dates "$work/landing-$scale")
    rm -rf "$work/lake"
    MEDALLION_LANDING_ROOT="$work/landing-$scale" MEDALLION_LAKE_ROOT="$work/lake" seconds "$out/pipeline-$scale.log" \
      "$LAUNCHER" pipeline --from "${dates[0]}" --to "${dates[-1]}" | awk '{ printf "%.1f\n", $1 }' >>"$work/pipeline-$scale"
  done
  landing="$work/landing-$SCALE"
  if [[ "$pair" == 1 ]]; then # medallion's gold row counts, for the line under the table
    MEDALLION_LANDING_ROOT="$landing" MEDALLION_LAKE_ROOT="$work/lake" "$LAUNCHER" sql --json \
      "$(for m in pricing_daily fact_sales revenue_by_nation_month nation_revenue_rank customer_lifetime_value; do
           printf "SELECT '%s' AS model, count(*) AS n FROM gold.%s UNION ALL " "$m" "$m"; done | sed 's/ UNION ALL $//')" \
      2>"$out/gold-rows.err" | sed -n 's/^{"model":"\([a-z_]*\)","n":\([0-9]*\)}$/\1 \2/p' >"$out/medallion-gold.txt" || true
  fi
  rm -rf "$work/lake"
  echo "$(date +%T) hand-written Spark job at SF $SCALE, pair $pair" >&2
  seconds "$out/hand-written.log" java "${peer_jvm[@]}" -cp "$work/peers:$spark_cp" HandWrittenPipeline \
    "$landing" "$work/lake" "$MEDALLION_HOME/conf/gold" "${dates[@]}" | awk '{ printf "%.1f\n", $1 }' >>"$work/hand-written"
  rm -rf "$work/lake"
  echo "$(date +%T) DuckDB at SF $SCALE, pair $pair" >&2
  rm -f "$work/duck.db" "$work/duck.db.wal"
  seconds "$out/duckdb.log" java -cp "$work/peers:$duckdb_jar" DuckDbPipeline "$landing" "$work/duck.db" \
    "$MEDALLION_HOME/conf/gold" | awk '{ printf "%.1f\n", $1 }' >>"$work/duckdb"
  rm -f "$work/duck.db" "$work/duck.db.wal"
done
rm -rf "$work/lake"
big_s=$(median <"$work/pipeline-$SCALE"); small_s=$(median <"$work/pipeline-$small")
row P5 "whole pipeline, SF $SCALE / SF $small, ${#dates[@]} batches (s)" "$big_s" "$small_s" "$(ratio "$big_s" "$small_s")" \
  "10 linear"

hand_s=$(median <"$work/hand-written"); duck_s=$(median <"$work/duckdb")
row P6 "whole pipeline / hand-written Spark SQL job, SF $SCALE (s)" "$big_s" "$hand_s" "$(ratio "$big_s" "$hand_s")" "<= 1.3"
row P6 "whole pipeline / DuckDB, SF $SCALE (s)" "$big_s" "$duck_s" "$(ratio "$big_s" "$duck_s")" "record"

echo "medallion against its peers at SF $SCALE ($PAIRS pair(s); - = not measured yet)"
printf '%-3s %-62s %10s %10s %7s %9s\n' id comparison medallion peer ratio goal
printf '%s\n' "${rows[@]}"
echo
echo "gold rows at SF $SCALE (model: medallion, hand-written Spark, DuckDB):"
join <(sort "$out/medallion-gold.txt") <(gold_counts "$out/hand-written.log" | sort) \
  | join - <(gold_counts "$out/duckdb.log" | sort) | awk '{ printf "  %-26s %10s %10s %10s\n", $1, $2, $3, $4 }'
