#!/usr/bin/env bash
# Benchmark: `medallion demo` as a newcomer runs it, after the build. Generates the sample data
# once as the demo does (SF 0.01, 2 batches), then runs the demo RUNS times, each on a fresh lake,
# and prints per run the process's wall and CPU seconds (user + system, JIT and GC threads
# included), then each stage's median time over the runs. Run it on an otherwise idle machine: on
# 2 cores the demo is CPU-bound, so anything else running shows up in the figures.
# Usage: deploy/bench/demo.sh [RUNS] (default 3). Data goes to a temporary folder that is removed
# afterwards.
set -euo pipefail

RUNS="${1:-3}"
set --
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export MEDALLION_LANDING_ROOT="$work/landing"
seconds "$work/generate.log" "$LAUNCHER" generate --batches 2 >/dev/null

printf '%-4s %8s %8s\n' run wall_s cpu_s
TIMEFORMAT='%R %U %S'
for run in $(seq 1 "$RUNS"); do
  export MEDALLION_LAKE_ROOT="$work/lake-$run"
  # bash's time reports the children's CPU, so the JVM's every thread counts.
  { time "$LAUNCHER" demo >"$work/demo-$run.out" 2>"$work/demo-$run.err"; } 2>"$work/time-$run" || {
    echo "demo run $run failed (exit $?):" >&2; tail -40 "$work/demo-$run.err" >&2; exit 1; }
  read -r wall user sys <"$work/time-$run"
  printf '%-4s %8.1f %8.1f\n' "$run" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
  echo "$wall" >>"$work/walls"
  rm -rf "$MEDALLION_LAKE_ROOT"
done

sort -n "$work/walls" | awk '{ w[NR] = $1 } END {
  printf "median wall: %.1f s\n", (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'

# Stage lines look like "  2024-01-01  silver quality exit 0    6.7 s".
echo
echo "median per stage over $RUNS run(s):"
cat "$work"/demo-*.out | sed -n 's/^  \([0-9-]\{10\}\)  \(.*[^ ]\) *exit 0 *\([0-9.]*\) s$/\1|\2|\3/p' \
  | awk -F'|' '{ key = $1 "  " $2; if (!(key in n)) order[++k] = key; v[key, ++n[key]] = $3 }
      END { for (i = 1; i <= k; i++) { key = order[i]; c = n[key];
              for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++)   # sort this stage'"'"'s times
                if (v[key, b] < v[key, a]) { t = v[key, a]; v[key, a] = v[key, b]; v[key, b] = t }
              m = (c % 2) ? v[key, (c + 1) / 2] : (v[key, c / 2] + v[key, c / 2 + 1]) / 2;
              printf "  %-28s %6.1f s\n", key, m } }'
