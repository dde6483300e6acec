# Shared by the benchmarks: the launcher, the scales asked for, and a timer.
# Sourced with the benchmark's arguments; sets LAUNCHER and SCALES.
MEDALLION_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAUNCHER="$MEDALLION_HOME/deploy/bin/medallion"
SCALES=("${@:-0.01 1}")
# shellcheck disable=SC2206
SCALES=(${SCALES[*]})

"$LAUNCHER" --version >/dev/null   # builds the jar first if needed, outside the timings

seconds() { # run a command, print its wall seconds; its output goes to $1
  local start end
  start=$(date +%s.%N)
  "${@:2}" >"$1" 2>&1 || { echo "failed: ${*:2} (see $1)" >&2; tail -40 "$1" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

batch_dates() { # the batch dates of the landing data in $1, one per line, from its manifest.json
  grep -o '"batch_dates" *: *\[[^]]*\]' "$1/manifest.json" | grep -o '[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}'
}

ratio() { # a / b to two decimals, or - when b is 0
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

median() { # the median of the numbers on standard input, one per line
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
