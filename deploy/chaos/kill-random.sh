#!/usr/bin/env bash
# kill-random.sh [--trials N] [--seed S] [--scale SF] [--batches B] [--work DIR] [--no-concurrent]
#
# The zero-data-loss promise under kill -9 at a random moment. Generates the TPC-H sample landing
# data once (SF 0.01 in 3 daily batches by default), runs `medallion pipeline` over every batch
# date on a fresh lake to time a clean run, then for each trial:
#   1. runs the same pipeline on a fresh lake and kills its JVM with kill -9 at a moment drawn
#      uniformly over the clean run's duration (from the seed, so a trial replays exactly with
#      the same --seed and --trials);
#   2. reruns the pipeline to completion, which must exit 0;
#   3. compares every bronze, silver and gold table, quarantine included, with the clean run's,
#      row for row (jobs' LakeComparison), leaving out the columns that carry run ids and times.
# It prints per trial the kill moment, the stage and table it hit, and equal or different, then
#   N trials, N equal, 0 lost rows, 0 duplicated rows
# Last, two pipelines start at once on a fresh lake and a third with --wait: one writes, one exits
# 1 naming it, the third runs after it, and the lake must equal the clean one (--no-concurrent
# leaves this out: CI checks the locks with its own tests and keeps the minutes).
# Exit 0 when every trial and the concurrent runs are equal, 1 otherwise. Lakes of equal trials
# are deleted; a different one stays in WORK/trial-K with its logs, for a look.
set -euo pipefail

MEDALLION_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAUNCHER="$MEDALLION_HOME/deploy/bin/medallion"
SPEC="$MEDALLION_HOME/conf/pipelines/tpch.yaml"
TRIALS=20 SEED=1 SCALE=0.01 BATCHES=3 WORK="" CONCURRENT=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --trials) TRIALS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --scale) SCALE="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --no-concurrent) CONCURRENT=false; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "kill-random.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
WORK="${WORK:-$(mktemp -d -t medallion-chaos.XXXXXX)}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
FROM=2024-01-01
TO="$(date -u -d "$FROM + $((BATCHES - 1)) days" +%F)"
log() { printf '%s chaos: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
now_ms() { date +%s%3N; }

"$LAUNCHER" --version >/dev/null # builds the jar first if needed
log "work folder $WORK; SF $SCALE, batches $FROM to $TO, seed $SEED, $TRIALS trial(s)"
"$LAUNCHER" generate --scale "$SCALE" --batches "$BATCHES" --start-date "$FROM" --landing "$WORK/landing" \
  >"$WORK/generate.log" 2>&1 || { tail -20 "$WORK/generate.log" >&2; exit 1; }

start_pipeline() { # start_pipeline LAKE LOG_PREFIX [OPTION...]: the pipeline over every batch date; PID is its JVM
  # The subshell execs the launcher, which execs java: $! is the JVM that kill -9 must hit.
  (cd "$WORK" && MEDALLION_LAKE_ROOT="$1" MEDALLION_LANDING_ROOT="$WORK/landing" \
    exec "$LAUNCHER" pipeline --pipeline "$SPEC" --from "$FROM" --to "$TO" "${@:3}") >"$2.out" 2>"$2.err" &
  PID=$!
}
pipeline() { # pipeline LAKE LOG_PREFIX: the same, to completion; its exit code
  start_pipeline "$@"
  wait "$PID"
}

start=$(now_ms)
pipeline "$WORK/clean/lake" "$WORK/clean" || { log "the clean run failed (see $WORK/clean.err)"; exit 1; }
clean_ms=$(( $(now_ms) - start ))
mapfile -t STAGES < <(awk '/ exit [0-9]+ /{print $1 " " $2 ($3 == "quality" ? " quality" : "")}' "$WORK/clean.out")
log "clean run: $(awk -v ms="$clean_ms" 'BEGIN{printf "%.1f", ms/1000}') s, ${#STAGES[@]} stages"

# A 64-bit linear congruential generator (Knuth's MMIX constants) in bash arithmetic, so the same
# seed draws the same moments on any machine.
state=$SEED
uniform() { # sets U_PPM to a draw in [0, 1000000)
  state=$(( state * 6364136223846793005 + 1442695040888963407 ))
  U_PPM=$(( ((state >> 33) & 0x7fffffff) % 1000000 ))
}

JAR="$MEDALLION_HOME/jobs/target/medallion-jobs-0.1.0-SNAPSHOT.jar"
source "$MEDALLION_HOME/deploy/bin/java17-opens.sh"
compare() { # compare LAKE LOG: LakeComparison of LAKE (first) with the clean lake (second)
  java -Xmx2g "${OPENS[@]}" -cp "$JAR:$(cat "$MEDALLION_HOME/jobs/target/launcher.classpath"):$MEDALLION_HOME/jobs/target/test-classes:$MEDALLION_HOME/common/target/test-classes" \
    io.medallion.jobs.LakeComparison "$1" "$WORK/clean/lake" >"$2" 2>"$2.err"
}
TABLES='lineitem|orders|customer|partsupp|part|supplier|nation|region|pricing_daily|fact_sales|revenue_by_nation_month|nation_revenue_rank|customer_lifetime_value'

equal=0 lost=0 duplicated=0
for trial in $(seq "$TRIALS"); do
  uniform
  kill_ms=$(( clean_ms * U_PPM / 1000000 ))
  dir="$WORK/trial-$trial"
  mkdir -p "$dir"
  start_pipeline "$dir/lake" "$dir/killed"
  pid=$PID
  sleep "$(awk -v ms="$kill_ms" 'BEGIN{printf "%.3f", ms/1000}')"
  hit="the run had finished"
  if kill -9 "$pid" 2>/dev/null; then
    done_stages=$(grep -c ' exit [0-9]* ' "$dir/killed.out" || true)
    stage="${STAGES[$done_stages]:-after the last stage}"
    table=$(grep -oE "\b($TABLES)\b" "$dir/killed.err" | tail -1 || true)
    hit="$stage${table:+, $table}"
  fi
  wait "$pid" 2>/dev/null || true
  rerun_start=$(now_ms)
  if ! pipeline "$dir/lake" "$dir/rerun"; then
    result="DIFFERENT: the rerun exited $(tail -1 "$dir/rerun.err" | cut -c1-200)"
  elif compare "$dir/lake" "$dir/compare.log"; then
    result="equal"
    equal=$((equal + 1))
  else
    # "different: T: a vs b rows; X only in the first, Y only in the second": the trial's extra
    # rows are duplicates, the clean run's are rows the trial lost.
    read -r extra missing < <(awk '/^different:/ { for (i = 1; i <= NF; i++) { if ($i == "only" && $(i+3) == "first,") x += $(i-1); if ($i == "only" && $(i+3) == "second") y += $(i-1) } } END { print x + 0, y + 0 }' "$dir/compare.log")
    duplicated=$((duplicated + extra)); lost=$((lost + missing))
    result="DIFFERENT: $missing lost, $extra duplicated row(s): $(grep '^different:' "$dir/compare.log" | head -3 | tr '\n' ' ')"
  fi
  rerun_s=$(awk -v ms="$(( $(now_ms) - rerun_start ))" 'BEGIN{printf "%.1f", ms/1000}')
  printf 'trial %d/%d  kill at %6.2f s of %.1f s  hit %-32s  rerun and compare %5s s  %s\n' "$trial" "$TRIALS" \
    "$(awk -v ms="$kill_ms" 'BEGIN{printf "%.2f", ms/1000}')" "$(awk -v ms="$clean_ms" 'BEGIN{printf "%.1f", ms/1000}')" \
    "$hit" "$rerun_s" "$result"
  if [[ "$result" == equal ]]; then rm -rf "$dir"; fi
done
echo "$TRIALS trials, $equal equal, $lost lost rows, $duplicated duplicated rows"

# Concurrent runs on one lake: two pipelines started at once, and a third with --wait while they
# run. One of the two writes the lake, the other exits 1 at once naming it; the third waits for the
# tables and runs after it; the lake equals the clean run's.
concurrent_ok=true
if [[ "$CONCURRENT" == true ]]; then
  dir="$WORK/concurrent"
  mkdir -p "$dir"
  start_pipeline "$dir/lake" "$dir/a"; a=$PID
  start_pipeline "$dir/lake" "$dir/b"; b=$PID
  sleep 5
  start_pipeline "$dir/lake" "$dir/waiter" --wait 10m; w=$PID
  set +e
  wait "$a"; ea=$?; wait "$b"; eb=$?; wait "$w"; ew=$?
  set -e
  refused=$([[ $ea -eq 0 ]] && echo b || echo a)
  if [[ $((ea + eb)) -ne 1 || $ew -ne 0 ]] || ! grep -q "is being written by run" "$dir/$refused.err"; then
    concurrent_ok=false
    echo "concurrent runs: DIFFERENT: exits $ea and $eb (one 0 and one 1 expected), the waiter $ew (see $dir)"
  elif ! compare "$dir/lake" "$dir/compare.log"; then
    concurrent_ok=false
    echo "concurrent runs: DIFFERENT: $(grep '^different:' "$dir/compare.log" | head -3 | tr '\n' ' ')"
  else
    echo "concurrent runs: one wrote, the other exited 1 with \"$(grep -o 'table [a-z_.]* is being written by run [^ ]*' "$dir/$refused.err" | head -1)\", the waiter ran after it; equal"
    rm -rf "$dir"
  fi
fi
[[ "$equal" -eq "$TRIALS" && "$concurrent_ok" == true ]]
