#!/usr/bin/env bash
# Wall time of the milp local policy under deep overload: one llama-2-7b replica (serves ~26 of
# these 512/128-token requests/s) receiving 80 requests/s with a 500 ms TTFT SLO, 20,000 requests
# by default, so the waiting queue grows to ~13,000, most of them past hope of their deadline.
# Usage: bench/milp-overload.sh [NUM_REQUESTS] [JAR]   (JAR: e.g. another checkout's target/simfaasinfer.jar,
# to compare before/after; default this checkout's)   env: BENCH_CPU (0)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-20000}"
. "$here/bench/common.sh"
bench_jars ${2:+"$2"}
jar="${jars[0]}"
bench_pin 0
bench_runs
"${pin[@]}" java -Xmx1g -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -jar "$jar" run \
    --set workload.num_requests="$n" --set workload.arrival.rate=80 --set workload.ttft_slo_ms=500 \
    --set scheduler.local_policy=milp --output "$out/r.json" --quiet
python3 - "$out/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["scheduling"]["local_policy_counters"]
print(f"milp overload: {d['requests']['completed']} requests, {d['simulation']['iterations']} iterations, "
      f"simulation {d['simulation']['wall_s']:.2f} s wall; counters {c}")
PY
