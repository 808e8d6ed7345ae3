#!/usr/bin/env bash
# Cost of the simulator as the cluster grows, at the same load per replica: bench/vllm-4xh100.yaml
# (llama-2-7b under vLLM, 512/256-token requests, 13 req/s per replica, about 80% of capacity) on
# 4 replicas (52 req/s, N4 requests) and on 1,024 replicas (13,312 req/s, N1024 requests), each
# REPEAT times on one pinned core (taskset -c $BENCH_CPU, default 0) with a 1 GiB heap and the serial
# collector. With several jars (e.g. a baseline build and this checkout's) the runs alternate jar by
# jar, so that a noisy machine treats them alike. Prints every run, then per jar and cluster size the
# median (and range) of the simulation's wall time per output token, per iteration, per event and
# per request, and the ratio of the 1,024-replica to the 4-replica cost per token (target <= 1.5).
# Usage: bench/scale.sh [REPEAT] [JAR...]     env: N4 (100000), N1024 (200000), ROUTER
#        (least_outstanding), BENCH_CPU (0)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-5}"
shift || true
jars=("$@")
if [ "${#jars[@]}" -eq 0 ]; then
  "$here/simfaasinfer" --version >/dev/null   # builds the jar if needed
  jars=("$here/target/simfaasinfer.jar")
fi
n4="${N4:-100000}"
n1024="${N1024:-200000}"
router="${ROUTER:-least_outstanding}"
pin=()
if command -v taskset >/dev/null 2>&1; then pin=(taskset -c "${BENCH_CPU:-0}"); fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
runs="$out/runs.tsv"
: > "$runs"
for i in $(seq 1 "$repeat"); do
  for replicas in 4 1024; do
    if [ "$replicas" -eq 4 ]; then n="$n4"; else n="$n1024"; fi
    for j in "${!jars[@]}"; do
      "${pin[@]}" java -Xmx1g -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -jar "${jars[$j]}" run \
          --config "$here/bench/vllm-4xh100.yaml" --set cluster.replicas="$replicas" \
          --set workload.arrival.rate="$((13 * replicas))" --set workload.num_requests="$n" \
          --set cluster.router="$router" --output "$out/r.json" --quiet
      python3 - "$out/r.json" "$j" "$replicas" "${jars[$j]}" >> "$runs" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["simulation"]
tokens = d["throughput"]["output_tokens_per_s"] * d["throughput"]["window_s"]
w = s["wall_s"]
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{w:.4f}\t{w * 1e9 / tokens:.2f}\t{w * 1e9 / s['iterations']:.1f}"
      f"\t{w * 1e9 / s['events']:.1f}\t{w * 1e6 / d['requests']['completed']:.3f}")
print(f"jar {sys.argv[2]} ({sys.argv[4]}), {sys.argv[3]} replicas: {d['requests']['completed']} requests, "
      f"{tokens:.0f} tokens, {s['iterations']} iterations, {s['events']} events: simulation {w:.2f} s wall",
      file=sys.stderr)
PY
    done
  done
done
python3 - "$runs" "${jars[@]}" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
jars = sys.argv[2:]
names = ["wall s", "ns/token", "ns/iteration", "ns/event", "us/request"]
def cell(v):
    return f"{statistics.median(v):.4g} ({min(v):.4g}-{max(v):.4g})"
per_token = {}
for j, jar in enumerate(jars):
    print(f"jar {j}: {jar}")
    print("replicas  " + "  ".join(f"{n:>24}" for n in names))
    for reps in ("4", "1024"):
        sel = [r for r in rows if r[0] == str(j) and r[1] == reps]
        cols = [[float(r[k]) for r in sel] for k in range(2, 7)]
        per_token[(j, reps)] = statistics.median(cols[1])
        print(f"{reps:>8}  " + "  ".join(f"{cell(c):>24}" for c in cols))
    print(f"1024 / 4 replicas, median ns per token: {per_token[(j, '1024')] / per_token[(j, '4')]:.2f} (target <= 1.5)")
PY
