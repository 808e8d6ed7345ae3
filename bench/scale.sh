#!/usr/bin/env bash
# Cost of the simulator as the cluster grows, at the same load per replica: bench/vllm-4xh100.yaml
# (llama-2-7b under vLLM, 512/256-token requests, 13 req/s per replica, about 80% of capacity) on
# 4 replicas (52 req/s, N4 requests) and on 1,024 replicas (13,312 req/s, N1024 requests), each
# REPEAT times on one pinned core (taskset -c $BENCH_CPU, default 0) with a 1 GiB heap and the serial
# collector. With several jars (e.g. a baseline build and this checkout's) the runs alternate jar by
# jar, so that a noisy machine treats them alike. Prints every run, then per jar and cluster size the
# median (and range) of the simulation's wall time per output token, per iteration, per event and
# per request, and the ratio of the 1,024-replica to the 4-replica cost per token (target <= 1.5), by
# the simulation's wall time and by its thread's CPU time (bench/SimTimer.java; the CPU time does not
# grow when other processes share the core, but leaves out the JIT compiler and the collector).
# Usage: bench/scale.sh [REPEAT] [JAR...]     env: N4 (100000), N1024 (200000), ROUTER
#        (least_outstanding), BENCH_CPU (0)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bench/common.sh"
repeat="${1:-5}"
shift || true
bench_jars "$@"
n4="${N4:-100000}"
n1024="${N1024:-200000}"
router="${ROUTER:-least_outstanding}"
bench_pin 0
bench_runs
for i in $(seq 1 "$repeat"); do
  for replicas in 4 1024; do
    if [ "$replicas" -eq 4 ]; then n="$n4"; else n="$n1024"; fi
    for j in "${!jars[@]}"; do
      line="$("${pin[@]}" java -Xmx1g -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -cp "${jars[$j]}" \
          "$here/bench/SimTimer.java" "$here/bench/vllm-4xh100.yaml" cluster.replicas="$replicas" \
          workload.arrival.rate="$((13 * replicas))" workload.num_requests="$n" cluster.router="$router")"
      printf '%s\t%s\t%s\n' "$j" "$replicas" "$line" >> "$runs"
      echo "jar $j, $replicas replicas: $line (wall_s cpu_s events iterations requests tokens)" >&2
    done
  done
done
python3 - "$runs" "${jars[@]}" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
jars = sys.argv[2:]
def cell(v):
    return f"{statistics.median(v):.4g} ({min(v):.4g}-{max(v):.4g})"
for clock, col in (("wall", 2), ("thread CPU", 3)):
    print(f"== simulation {clock} time: median (min-max) of {len(rows) // (2 * len(jars))} runs")
    for j, jar in enumerate(jars):
        print(f"jar {j}: {jar}")
        print(f"{'replicas':>8}  {'s':>22}  {'ns/token':>22}  {'ns/iteration':>22}  {'ns/event':>22}  {'us/request':>22}")
        per_token = {}
        for reps in ("4", "1024"):
            sel = [r for r in rows if r[0] == str(j) and r[1] == reps]
            t = [float(r[col]) for r in sel]
            ev, it, req, tok = (int(sel[0][k]) for k in (4, 5, 6, 7))
            cols = [t, [x * 1e9 / tok for x in t], [x * 1e9 / it for x in t], [x * 1e9 / ev for x in t],
                    [x * 1e6 / req for x in t]]
            per_token[reps] = statistics.median(cols[1])
            print(f"{reps:>8}  " + "  ".join(f"{cell(c):>22}" for c in cols))
        print(f"1024 / 4 replicas, median ns per token: {per_token['1024'] / per_token['4']:.2f} (target <= 1.5)")
PY
