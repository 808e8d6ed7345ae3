# Set-up shared by the bench/*.sh scripts that time jars (schedulers.sh, scale.sh, prefix-cache.sh,
# throughput.sh, disaggregated.sh, milp-overload.sh); sourced after `here` (the project root) is set,
# not run on its own.

# bench_jars [JAR...]: jars=(JAR...), or, with none given, this checkout's jar, built first if needed.
bench_jars() {
  jars=("$@")
  if [ "${#jars[@]}" -eq 0 ]; then
    "$here/simfaasinfer" --version >/dev/null   # builds the jar if needed
    jars=("$here/target/simfaasinfer.jar")
  fi
}

# bench_pin DEFAULT_CPU: pin=(taskset -c ${BENCH_CPU:-DEFAULT_CPU}) where taskset exists, else pin=().
bench_pin() {
  pin=()
  if command -v taskset >/dev/null 2>&1; then pin=(taskset -c "${BENCH_CPU:-$1}"); fi
}

# bench_runs: a temporary directory $out, removed on exit, and an empty $out/runs.tsv as $runs.
bench_runs() {
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  runs="$out/runs.tsv"
  : > "$runs"
}
