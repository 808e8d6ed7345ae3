#!/usr/bin/env bash
# Streaming trace replay at scale: writes a 10,000,000-row Vidur/Splitwise-format trace
# (arrived_at,num_prefill_tokens,num_decode_tokens; the Azure 2023 conversation trace's lengths,
# cycled, at 25 req/s) and replays it on llama-2-7b x 4 h100-80gb under vLLM with a 256 MiB heap,
# which the trace (about 200 MB of text, 10M requests) could not fit in if it were loaded whole.
# Prints `trace stats` and the run's summary line with wall time and peak resident memory.
# Usage: bench/trace-10m.sh [ROWS] [DIR]   (the generated file is kept in DIR, default target/bench)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-10000000}"
dir="${2:-$here/target/bench}"
"$here/simfaasinfer" --version >/dev/null   # builds the jar if needed
mkdir -p "$dir"
trace="$dir/azure-lengths-${rows}.csv"
if [ ! -s "$trace" ]; then
  awk -F, -v N="$rows" 'BEGIN {n = 0}
      {sub(/\r$/, ""); $3 += 0} NR > 1 && $2 + 0 <= 3584 {p[n] = $2; o[n] = ($3 < 1 ? 1 : ($3 > 512 ? 512 : $3)); n++}
      END {print "arrived_at,num_prefill_tokens,num_decode_tokens";
           for (i = 0; i < N; i++) printf "%.4f,%d,%d\n", i / 25.0, p[i % n], o[i % n]}' \
      "$here/data/traces/azure_llm_2023_conv.csv" > "$trace.tmp"
  mv "$trace.tmp" "$trace"
fi
ls -l "$trace"
jar="$here/target/simfaasinfer.jar"
timed=()
if [ -x /usr/bin/time ]; then timed=(/usr/bin/time -f "process: %e s wall, %U s user + %S s sys CPU, peak RSS %M KB, exit status %x"); fi
"${timed[@]}" java -Xmx256m -XX:+UseSerialGC -jar "$jar" trace stats "$trace"
"${timed[@]}" java -Xmx256m -XX:+UseSerialGC -jar "$jar" run --model llama-2-7b --gpu h100-80gb \
    --replicas 4 --router least_outstanding --trace "$trace" --output "$dir/trace-${rows}.json" \
    | grep -E '^(requests|simulated|throughput|latency|TTFT|TBT)'
