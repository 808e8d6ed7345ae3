#!/usr/bin/env bash
# Simulated requests per wall-clock second of the core simulator.
# Runs bench/vllm-4xh100.yaml (100,000 requests, llama-2-7b, 4 x H100, vLLM, ~80% load) on one
# core (taskset -c $BENCH_CPU, default 0, when available) with a 1 GiB heap, REPEAT times, and prints the figures.
# Usage: bench/throughput.sh [CONFIG] [REPEAT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${1:-$here/bench/vllm-4xh100.yaml}"
repeat="${2:-3}"
. "$here/bench/common.sh"
bench_jars
bench_pin 0
bench_runs
for i in $(seq 1 "$repeat"); do
  start=$(date +%s.%N)
  "${pin[@]}" java -Xmx1g -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -jar "${jars[0]}" \
      run --config "$config" --output "$out/r.json" --quiet
  end=$(date +%s.%N)
  python3 - "$out/r.json" "$start" "$end" <<'PY' 2>/dev/null || awk -v s="$start" -v e="$end" 'BEGIN{printf "process wall %.2f s\n", e-s}'
import json, sys
d = json.load(open(sys.argv[1]))
n = d["requests"]["completed"]; w = d["simulation"]["wall_s"]; total = float(sys.argv[3]) - float(sys.argv[2])
print(f"{n} requests, {d['simulation']['events']} events, {d['simulation']['iterations']} iterations: "
      f"simulation {w:.2f} s wall = {n / w:,.0f} simulated requests/s; whole process incl. JVM start {total:.2f} s")
PY
done
