#!/usr/bin/env bash
# Cost of prefix caching in the simulator: replays examples/trace-mooncake.yaml (the Mooncake FAST'25
# conversation trace, 12,031 requests with 512-token prefix-block hash ids, llama-3.1-8b on 8 x
# h100-80gb under vLLM, router prefix_aware) with cluster.prefix_caching on and off, and, to tell the
# router's share from the cache's, on with the least_outstanding router. Each variant REPEAT times,
# alternating, on one pinned core (taskset -c $BENCH_CPU, default 1) with a 1 GiB heap and the serial
# collector, timed in-process by bench/SimTimer.java (simulation wall time and the simulating
# thread's CPU time). Prints every run, the median (min-max) per variant and the ratio of the
# medians, on / off (target: at most 1.3).
# Usage: bench/prefix-cache.sh [REPEAT] [JAR]     env: BENCH_CPU (1)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bench/common.sh"
repeat="${1:-5}"
jar="${2:-$here/target/simfaasinfer.jar}"
[ -s "$jar" ] || "$here/simfaasinfer" --version >/dev/null   # builds the jar if needed
bench_pin 1
bench_runs
variants=("on prefix_aware" "off prefix_aware" "on least_outstanding")
for i in $(seq 1 "$repeat"); do
  for v in "${variants[@]}"; do
    read -r pc router <<< "$v"
    flag=true; [ "$pc" = off ] && flag=false
    line="$("${pin[@]}" java -Xmx1g -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -cp "$jar" \
        "$here/bench/SimTimer.java" "$here/examples/trace-mooncake.yaml" cluster.prefix_caching="$flag" \
        cluster.router="$router")"
    printf '%s\t%s\t%s\n' "$pc" "$router" "$line" >> "$runs"
    echo "run $i, prefix caching $pc, $router: $line (wall_s cpu_s events iterations requests tokens)" >&2
  done
done
python3 - "$runs" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
def cell(v):
    return f"{statistics.median(v):.3f} ({min(v):.3f}-{max(v):.3f})"
med = {}
print(f"== median (min-max) of {len(rows) // 3} runs per variant, simulation seconds")
print(f"{'prefix caching':>14}  {'router':>18}  {'wall s':>22}  {'thread CPU s':>22}  {'events':>9}  {'iterations':>10}")
for key in (("on", "prefix_aware"), ("off", "prefix_aware"), ("on", "least_outstanding")):
    sel = [r for r in rows if (r[0], r[1]) == key]
    wall = [float(r[2]) for r in sel]
    cpu = [float(r[3]) for r in sel]
    med[key] = (statistics.median(wall), statistics.median(cpu))
    print(f"{key[0]:>14}  {key[1]:>18}  {cell(wall):>22}  {cell(cpu):>22}  {sel[0][4]:>9}  {sel[0][5]:>10}")
on, off, lo = med[("on", "prefix_aware")], med[("off", "prefix_aware")], med[("on", "least_outstanding")]
print(f"on / off (prefix_aware), ratio of medians: wall {on[0] / off[0]:.2f}, thread CPU {on[1] / off[1]:.2f} (target <= 1.3)")
print(f"on least_outstanding / off prefix_aware: wall {lo[0] / off[0]:.2f}, thread CPU {lo[1] / off[1]:.2f}")
PY
