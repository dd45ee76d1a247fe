#!/usr/bin/env bash
# Runs every benchmark in turn; each prints its own table with its peers measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
Benchmarks/load.sh "$@"
Benchmarks/paths.sh
