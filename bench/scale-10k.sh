#!/usr/bin/env bash
# Large-scale runs with memory limits (issue 14): bench/vllm-4xh100.yaml (llama-2-7b, vLLM, 512/256
# tokens, least_outstanding) at bench/scale.sh's load per replica, 13 req/s (about 80% of capacity),
#  - on 10,000 replicas (130,000 req/s) with a 2 GiB heap, N requests for each N given (default 1M
#    and 2M), REPEAT times each (target: 10M requests in under a minute, in 2 GiB);
#  - with TEN_M=1, also 10M generated requests on 4 replicas (52 req/s) with a 256 MiB heap, and
#    bench/trace-10m.sh (10M-row trace replay, 256 MiB heap) (target: 10M requests in 256 MiB).
# Every run is pinned (taskset -c $BENCH_CPU, default 1), serial collector, timed in-process by
# bench/SimTimer.java (simulation wall and thread CPU) and as a process by /usr/bin/time (wall,
# user+sys CPU, peak RSS, exit status); a run that printed OutOfMemoryError is flagged.
# Usage: bench/scale-10k.sh [REPEAT] [N...]     env: BENCH_CPU (1), TEN_M (0), ROUTER (least_outstanding)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-3}"
shift || true
ns=("$@")
[ "${#ns[@]}" -gt 0 ] || ns=(1000000 2000000)
jar="$here/target/simfaasinfer.jar"
[ -s "$jar" ] || "$here/simfaasinfer" --version >/dev/null   # builds the jar if needed
router="${ROUTER:-least_outstanding}"
cpu="${BENCH_CPU:-1}"
pin=(taskset -c "$cpu")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
runs="$out/runs.tsv"
: > "$runs"
one() {   # label heap replicas rate n
  local label="$1" heap="$2" replicas="$3" rate="$4" n="$5" line proc oom=no
  line="$(/usr/bin/time -f '%e\t%U\t%S\t%M\t%x' -o "$out/time" "${pin[@]}" java -Xmx"$heap" -XX:+UseSerialGC \
      -XX:ActiveProcessorCount=1 -cp "$jar" "$here/bench/SimTimer.java" "$here/bench/vllm-4xh100.yaml" \
      cluster.replicas="$replicas" workload.arrival.rate="$rate" workload.num_requests="$n" \
      cluster.router="$router" 2> "$out/err")" || true
  grep -q OutOfMemoryError "$out/err" && oom=yes
  [ -n "$line" ] || line="$(printf 'nan\tnan\t0\t0\t0\t0')"
  proc="$(tail -1 "$out/time")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$heap" "$replicas" "$n" "$line" "$proc" "$oom" >> "$runs"
  echo "$label, $replicas replicas, $n requests, -Xmx$heap: simulation $line; process $proc; OOM $oom" \
      "(sim wall_s cpu_s events iterations requests tokens; process wall_s user_s sys_s peak_rss_kb exit)" >&2
}
for n in "${ns[@]}"; do
  for i in $(seq 1 "$repeat"); do one 10k 2g 10000 130000 "$n"; done
done
if [ "${TEN_M:-0}" = 1 ]; then
  one 10M-generated 256m 4 52 10000000
fi
python3 - "$runs" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
def cell(v, f="{:.1f}"):
    return (f + " (" + f + "-" + f + ")").format(statistics.median(v), min(v), max(v))
print("== median (min-max) per case; simulation times from bench/SimTimer.java, process from /usr/bin/time")
print(f"{'case':>14} {'heap':>5} {'replicas':>8} {'requests':>9} {'runs':>4}  {'sim wall s':>20}  {'sim CPU s':>20}"
      f"  {'process wall s':>20}  {'process CPU s':>20}  {'peak RSS MiB':>20}  {'req/s (sim CPU)':>14}  {'ns/token':>8}  OOM/exit")
seen = []
for r in rows:
    k = tuple(r[:4])
    if k not in seen: seen.append(k)
for k in seen:
    sel = [r for r in rows if tuple(r[:4]) == k]
    ok = [r for r in sel if r[4] != "nan"]
    sw = [float(r[4]) for r in ok]; sc = [float(r[5]) for r in ok]
    pw = [float(r[10]) for r in sel]; pc = [float(r[11]) + float(r[12]) for r in sel]
    rss = [int(r[13]) / 1024 for r in sel]
    flags = ",".join(sorted({f"{r[15]}/{r[14]}" for r in sel}))
    n = int(k[3]); tok = int(ok[0][9]) if ok else 0
    rate = f"{n / statistics.median(sc):,.0f}" if sc else "-"
    nst = f"{statistics.median(sc) * 1e9 / tok:.1f}" if tok else "-"
    print(f"{k[0]:>14} {k[1]:>5} {k[2]:>8} {n:>9} {len(sel):>4}  {cell(sw) if sw else '-':>20}  {cell(sc) if sc else '-':>20}"
          f"  {cell(pw):>20}  {cell(pc):>20}  {cell(rss, '{:.0f}'):>20}  {rate:>14}  {nst:>8}  {flags}")
PY
if [ "${TEN_M:-0}" = 1 ]; then
  echo "== bench/trace-10m.sh (10M-row trace replay, 4 replicas, -Xmx256m), pinned to CPU $cpu"
  "${pin[@]}" "$here/bench/trace-10m.sh"
fi
