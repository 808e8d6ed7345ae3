#!/usr/bin/env bash
# Replays 1,000,000 requests synthesised from a real trace's distributions (bench/workload-1m.yaml:
# empirical lengths of data/traces/azure_llm_2023_conv.csv, gamma arrivals with its burstiness)
# under the default vLLM scheduler on one core, and prints simulated requests per wall second.
# Target (issue 4): under 30 s of wall time for the whole process.
# Usage: bench/workload-1m.sh [REPEAT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$here/bench/throughput.sh" "$here/bench/workload-1m.yaml" "${1:-1}"
