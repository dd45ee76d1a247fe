#!/usr/bin/env bash
# Runs every benchmark in turn; each prints its own table with its peers measured in the same run.
# (Benchmarks/daemon.sh needs redis-server and runs apart: make bench-daemon.)
set -euo pipefail
cd "$(dirname "$0")/.."
Benchmarks/load.sh "$@"
Benchmarks/paths.sh
Benchmarks/kernels.sh
Benchmarks/augment.sh
Benchmarks/train.sh
Benchmarks/train_wn18rr.sh
