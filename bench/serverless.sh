#!/usr/bin/env bash
# Simulated requests per wall-clock second of a serverless run: bench/serverless-100k.yaml
# (100,000 requests, scale-to-zero fleet of up to 8 x H100 with the concurrency autoscaler, bursty
# gamma arrivals), timed by bench/throughput.sh (one core, 1 GiB heap), then the fleet's figures.
# Usage: bench/serverless.sh [REPEAT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/bench/throughput.sh" "$here/bench/serverless-100k.yaml" "${1:-3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
java -Xmx1g -jar "$here/target/simfaasinfer.jar" run --config "$here/bench/serverless-100k.yaml" \
    --output "$out/r.json" --quiet
python3 - "$out/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["serverless"]; i = s["instance_seconds"]
print(f"fleet: {s['cold_starts']} cold starts, {100 * s['requests_cold_share']:.1f}% of requests waited on one, "
      f"peak {s['instances_peak']} instances, instance-s busy {i['busy']:.0f} / idle {i['idle']:.0f} / "
      f"starting {i['starting']:.0f}; TTFT p50 {d['ttft_ms']['p50']:.1f} ms p99 {d['ttft_ms']['p99']:.1f} ms; "
      f"${d['cost']['cost_usd']:.2f} = ${d['cost']['cost_per_1k_requests']:.4f} per 1k requests")
PY
