#!/usr/bin/env bash
# Benchmark: what OpenLineage costs the demo. Runs `medallion demo` RUNS times without lineage and
# RUNS times with `lineage: {transport: file}` (OpenLineage's Spark listener on, every event
# appended to a file), alternating so that both see the same machine, each on a fresh lake over
# the same generated data (SF 0.01, 2 batches). Prints each run's wall and CPU seconds, then the
# medians side by side, their ratio and the events written per run. Run it on an otherwise idle
# machine: on 2 cores the demo is CPU-bound.
# Usage: deploy/bench/lineage.sh [RUNS] (default 3).
set -euo pipefail

RUNS="${1:-3}"
set --
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export MEDALLION_LANDING_ROOT="$work/landing"
seconds "$work/generate.log" "$LAUNCHER" generate --batches 2 >/dev/null
# The same spec with a lineage section, beside copies of its env overlays and gold SQL.
cp -r "$MEDALLION_HOME/conf" "$work/conf"
printf '\nlineage: {transport: file, location: %s/events.jsonl}\n' "$work" >>"$work/conf/pipelines/tpch.yaml"

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-4s %-8s %8s %8s %8s\n' run lineage wall_s cpu_s events
TIMEFORMAT='%R %U %S'
for run in $(seq 1 "$RUNS"); do
  for mode in off on; do
    export MEDALLION_LAKE_ROOT="$work/lake-$mode-$run"
    spec="$MEDALLION_HOME/conf/pipelines/tpch.yaml"
    [[ "$mode" == on ]] && spec="$work/conf/pipelines/tpch.yaml"
    rm -f "$work/events.jsonl"
    { time "$LAUNCHER" demo --pipeline "$spec" >"$work/demo.out" 2>"$work/demo.err"; } 2>"$work/time" || {
      echo "demo run $run (lineage $mode) failed (exit $?):" >&2; tail -40 "$work/demo.err" >&2; exit 1; }
    read -r wall user sys <"$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    events=0
    [[ -f "$work/events.jsonl" ]] && events=$(wc -l <"$work/events.jsonl")
    printf '%-4s %-8s %8.1f %8.1f %8d\n' "$run" "$mode" "$wall" "$cpu" "$events"
    echo "$wall" >>"$work/wall-$mode"
    echo "$cpu" >>"$work/cpu-$mode"
    rm -rf "$MEDALLION_LAKE_ROOT"
  done
done

off=$(median <"$work/wall-off")
on=$(median <"$work/wall-on")
printf '\nmedian wall over %d runs: without lineage %s s, with lineage %s s (ratio %s)\n' "$RUNS" "$off" "$on" \
  "$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.2f", a / b }')"
printf 'median CPU: without %s s, with %s s\n' "$(median <"$work/cpu-off")" "$(median <"$work/cpu-on")"
