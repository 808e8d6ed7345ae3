#!/usr/bin/env bash
# Writes src/test/resources/golden/digests.tsv, the expected results of ScaleGoldenTest: for each
# case (a config of src/test/resources/golden/ and --set overrides, separated by spaces), the SHA-256 of the per-request
# CSV of `run --requests-out` and the run's event and iteration counts, from the given jar (a build of
# the commit whose behaviour the test pins; see docs/performance.md).
# Usage: bench/golden-digests.sh JAR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$1"
dir="$here/src/test/resources/golden"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cases() {
  for r in round_robin random least_outstanding least_kv power_of_two shortest_work prefix_aware; do
    echo "scale-1024.yaml cluster.router=$r"
  done
  for r in prefix_aware least_outstanding; do echo "scale-1024-prefix.yaml cluster.router=$r"; done
  for r in least_outstanding least_kv shortest_work prefix_aware; do echo "scale-overload.yaml cluster.router=$r"; done
  for r in least_outstanding least_kv shortest_work prefix_aware; do echo "scale-disagg.yaml deployment.decode_global=$r"; done
  echo "scale-disagg.yaml deployment.prefill_global=shortest_work"
  for r in least_outstanding round_robin random; do echo "scale-disagg-pressure.yaml deployment.decode_global=$r"; done
  for r in round_robin random least_outstanding least_kv power_of_two shortest_work prefix_aware; do
    echo "scale-serverless.yaml cluster.router=$r"
  done
  for r in round_robin random least_outstanding least_kv power_of_two shortest_work prefix_aware; do
    echo "scale-serverless-open.yaml cluster.router=$r"
  done
  for s in sarathi vllm-v1 orca lightllm faster-transformer; do echo "scale-overload.yaml scheduler.name=$s"; done
  echo "scale-overload.yaml scheduler.name=faster-transformer scheduler.ft_padding=false"
}
{
  printf 'config\tset\tsha256\tevents\titerations\n'
  cases | while read -r config set; do
    sets=()
    for s in $set; do sets+=(--set "$s"); done   # one or more overrides, separated by spaces
    java -Xmx1g -jar "$jar" run --config "$dir/$config" "${sets[@]}" --requests-out "$out/r.csv" \
        --output "$out/r.json" --quiet
    sum="$(sha256sum "$out/r.csv" | cut -d' ' -f1)"
    python3 - "$out/r.json" "$config" "$set" "$sum" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["simulation"]
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{sys.argv[4]}\t{s['events']}\t{s['iterations']}")
PY
  done
} > "$dir/digests.tsv.tmp"
mv "$dir/digests.tsv.tmp" "$dir/digests.tsv"
cat "$dir/digests.tsv"
