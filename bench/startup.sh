#!/usr/bin/env bash
# Start-up (issue 14): the whole process of the README's quickstart at 1,000 requests,
#   ./simfaasinfer run --config examples/quickstart.yaml --num-requests 1000 --quiet --output FILE
# (the launcher: AppCDS archive when present, serial collector, C2 thresholds; the warm-up thread
# on more than one CPU), REPEAT times unpinned and REPEAT times pinned to one core
# (taskset -c $BENCH_CPU, default 1), alternating, timed by /usr/bin/time. Prints every run, then the
# median (range) of the wall and user+sys CPU seconds of each mode. Target: under 0.7 s.
# Usage: bench/startup.sh [REPEAT]     env: BENCH_CPU (1)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bench/common.sh"
repeat="${1:-9}"
"$here/simfaasinfer" --version >/dev/null   # builds the jar (and its archive) if needed
bench_pin 1
bench_runs
for i in $(seq 1 "$repeat"); do
  for mode in unpinned pinned; do
    cmd=("$here/simfaasinfer" run --config "$here/examples/quickstart.yaml" --num-requests 1000 --quiet
         --output "$out/r.json")
    if [ "$mode" = pinned ]; then cmd=("${pin[@]}" "${cmd[@]}"); fi
    rm -f "$out/r.json"
    /usr/bin/time -f '%e %U %S %x' -o "$out/time" "${cmd[@]}" > /dev/null 2> "$out/err" || true
    read -r wall user sys rc < <(tail -1 "$out/time")
    [ "$rc" = 0 ] && [ -s "$out/r.json" ] || { echo "run failed (exit $rc):" >&2; cat "$out/err" >&2; exit 1; }
    cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
    printf '%s\t%s\t%s\n' "$mode" "$wall" "$cpu" >> "$runs"
    echo "$mode run $i: wall $wall s, CPU $cpu s" >&2
  done
done
python3 - "$runs" <<'PY'
import statistics, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
print("== 1,000-request quickstart, whole process: median (min-max) over runs; target under 0.7 s")
for mode in ("unpinned", "pinned"):
    w = sorted(float(r[1]) for r in rows if r[0] == mode)
    c = sorted(float(r[2]) for r in rows if r[0] == mode)
    print(f"{mode:>9}: wall {statistics.median(w):.2f} s ({w[0]:.2f}-{w[-1]:.2f}), "
          f"CPU {statistics.median(c):.2f} s ({c[0]:.2f}-{c[-1]:.2f}), {len(w)} runs")
PY
