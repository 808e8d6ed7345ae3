#!/usr/bin/env bash
# Cost of simulating each batching policy: bench/workload-1m.yaml (llama-2-7b on 4 x H100, the Azure
# conversation trace's lengths and burstiness at 32 req/s) with scheduler.name set to each of vllm,
# sarathi, vllm-v1, orca, lightllm and faster-transformer (unpadded, ft_padding=false, and padded),
# N requests (default 1,000,000), REPEAT times on one pinned core (taskset -c $BENCH_CPU, default 1),
# serial collector, timed in-process by bench/SimTimer.java. With several jars (e.g. a baseline build
# and this checkout's) the runs alternate jar by jar, so that a noisy machine treats them alike.
# Prints every run, then per scheduler and jar the median (min-max) of the simulating thread's CPU
# time, and the ratio of each later jar's median to the first jar's.
# Usage: bench/schedulers.sh [REPEAT] [JAR...]     env: N (1000000), BENCH_CPU (1), SCHEDULERS
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bench/common.sh"
repeat="${1:-3}"
shift || true
bench_jars "$@"
n="${N:-1000000}"
schedulers="${SCHEDULERS:-vllm sarathi vllm-v1 orca lightllm faster-transformer:unpadded faster-transformer}"
bench_pin 1
bench_runs
for s in $schedulers; do
  sets=(scheduler.name="${s%%:*}" workload.num_requests="$n")
  [ "${s#*:}" = unpadded ] && sets+=(scheduler.ft_padding=false)
  for i in $(seq 1 "$repeat"); do
    for j in "${!jars[@]}"; do
      line="$("${pin[@]}" java -Xmx2g -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -cp "${jars[$j]}" \
          "$here/bench/SimTimer.java" "$here/bench/workload-1m.yaml" "${sets[@]}")"
      printf '%s\t%s\t%s\n' "$s" "$j" "$line" >> "$runs"
      echo "$s, jar $j: $line (wall_s cpu_s events iterations requests tokens)" >&2
    done
  done
done
python3 - "$runs" "${jars[@]}" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
jars = sys.argv[2:]
for j, jar in enumerate(jars):
    print(f"jar {j}: {jar}")
print(f"{'scheduler':>30}  " + "  ".join(f"{'jar ' + str(j) + ' CPU s':>24}" for j in range(len(jars)))
      + ("  ratio to jar 0" if len(jars) > 1 else ""))
order = list(dict.fromkeys(r[0] for r in rows))
for s in order:
    med = []
    cells = []
    for j in range(len(jars)):
        v = [float(r[3]) for r in rows if r[0] == s and r[1] == str(j)]
        med.append(statistics.median(v))
        cells.append(f"{statistics.median(v):.3f} ({min(v):.3f}-{max(v):.3f})")
    ratios = "  ".join(f"{m / med[0]:.2f}" for m in med[1:])
    print(f"{s:>30}  " + "  ".join(f"{c:>24}" for c in cells) + (f"  {ratios}" if ratios else ""))
PY
