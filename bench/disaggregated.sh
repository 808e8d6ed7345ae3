#!/usr/bin/env bash
# Cost of disaggregation in the simulator: 100,000 requests through 2 prefill + 2 decode H100s
# (bench/disagg-2p2d-h100.yaml) against the aggregated 4-replica run of the same workload
# (bench/vllm-4xh100.yaml at the same 40 req/s), alternately, on one pinned core (taskset -c $BENCH_CPU,
# default 0, when available) with a 1 GiB heap, REPEAT times each; prints each run and the median simulation walls
# and their ratio (target: disaggregated <= 1.5 x aggregated).
# Usage: bench/disaggregated.sh [REPEAT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-5}"
. "$here/bench/common.sh"
bench_jars
bench_pin 0
bench_runs
run() { # NAME ARGS...
  local name="$1"; shift
  "${pin[@]}" java -Xmx1g -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -jar "${jars[0]}" \
      run "$@" --output "$out/$name.json" --quiet
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["simulation"]["wall_s"])' "$out/$name.json" \
      >> "$out/$name.walls"
}
for i in $(seq 1 "$repeat"); do
  run disaggregated --config "$here/bench/disagg-2p2d-h100.yaml"
  run aggregated --config "$here/bench/vllm-4xh100.yaml" --arrival-rate 40
done
python3 - "$out" <<'PY'
import json, statistics, sys, os
d = sys.argv[1]
med = {}
for name in ("disaggregated", "aggregated"):
    walls = [float(x) for x in open(os.path.join(d, name + ".walls"))]
    r = json.load(open(os.path.join(d, name + ".json")))
    med[name] = statistics.median(walls)
    print(f"{name:14s} {r['requests']['completed']} requests, {r['simulation']['events']} events: simulation wall"
          f" median {med[name]:.3f} s (min {min(walls):.3f}, max {max(walls):.3f}, {len(walls)} runs);"
          f" TTFT p99 {r['ttft_ms']['p99']:.1f} ms, TBT p99 {r['tbt_ms']['p99']:.1f} ms")
print(f"ratio disaggregated / aggregated: {med['disaggregated'] / med['aggregated']:.2f}")
PY
