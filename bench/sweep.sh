#!/usr/bin/env bash
# Parallel efficiency of sweeps: a 48-point sweep of 5,000-request runs (6 arrival rates x 2
# schedulers x 4 replica counts over bench/sweep-base.yaml). The sum of the single runs' CPU time is
# the CPU time (user + system) of the sweep with --jobs 1, in which the JVM's compiler and collector
# already use the second core; the sweep with --jobs 2 should take at most 1.2 x that / 2 of wall
# time. REPEAT times; prints the figures and the ratio.
# Usage: bench/sweep.sh [REPEAT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-3}"
"$here/simfaasinfer" --version >/dev/null   # builds the jar if needed
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
sweep() { # JOBS DB -> "wall cpu"
  /usr/bin/time -f "%e %U %S" -o "$out/time" java -Xmx2g -jar "$here/target/simfaasinfer.jar" sweep \
      --config "$here/bench/sweep-base.yaml" --arrival-rate 2,4,6,8,10,12 --param scheduler.name=vllm,sarathi \
      --param cluster.replicas=1,2,3,4 --jobs "$1" --db "$2" --quiet > /dev/null
  awk '{printf "%s %s", $1, $2 + $3}' "$out/time"
}
for i in $(seq 1 "$repeat"); do
  read -r w1 c1 <<< "$(sweep 1 "$out/one-$i.duckdb")"
  read -r w2 c2 <<< "$(sweep 2 "$out/two-$i.duckdb")"
  awk -v w1="$w1" -v c1="$c1" -v w2="$w2" 'BEGIN { printf "48 points: --jobs 1 %.2f s wall / %.2f s CPU; --jobs 2 %.2f s wall = %.3f x (CPU / 2)\n", w1, c1, w2, w2 / (c1 / 2) }'
done
