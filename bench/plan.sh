#!/usr/bin/env bash
# Capacity-planner search time: examples/planning/full_space_request.yaml (1,080 consistent
# candidates over three GPU types: A100, H100, H200 x TP 1-8 x 1-16 replicas x 3 schedulers x 4 batch
# limits, aggregated and disaggregated with three splits), on every core of this machine (--jobs =
# cores), REPEAT times; prints the search wall time and the simulations of each run (target: < 60 s
# on the 2-core machine).
# Usage: bench/plan.sh [REPEAT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-3}"
"$here/simfaasinfer" --version >/dev/null   # builds the jar if needed
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for i in $(seq 1 "$repeat"); do
  java -Xmx2g -jar "$here/target/simfaasinfer.jar" plan --request "$here/examples/planning/full_space_request.yaml" \
      --output "$out/plan.json" --quiet
  python3 - "$out/plan.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"{s['num_configs_considered']} candidates, {s['simulations']} simulations, {s['jobs']} jobs:"
      f" search {s['total_simulation_time_s']:.1f} s; {s['recommendation']}")
PY
done
