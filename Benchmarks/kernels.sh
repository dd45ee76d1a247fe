#!/usr/bin/env bash
# Kernel benchmark (GNN scoring kernels issue), one run, peers on the same data:
#   PPR:   `quiver ppr` (power iteration, 20 iterations, one seed, alpha 0.15) on the 5M-triple
#          benchmark graph loaded into a fresh cluster, vs scipy sparse power iteration with the same
#          convention; edge updates per second (target >= 1.5x scipy) and the same top-10.
#   rspmm: (sum, mul) at widths 32 and 256 on the same graph (quiver-bench-kernels) vs scipy's CSR x
#          dense on the same in-CSR, weights and input; GFLOP/s and the fraction of a STREAM-like copy's
#          bandwidth measured in the same process.
# Usage: Benchmarks/kernels.sh [--widths 32,256] [--repeat 3]
set -euo pipefail
cd "$(dirname "$0")/.."
widths=32,256; repeat=3; seed=e382970; alpha=0.15; iters=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --widths) widths=$2; shift 2;; --repeat) repeat=$2; shift 2;; --seed) seed=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
python3 -c "import numpy, scipy" 2>/dev/null || python3 -m pip install -q numpy scipy
scratch=${SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product quiver >&2
swift build -c release --scratch-path "$scratch" --product quiver-bench-kernels >&2
Q=$PWD/$scratch/release/quiver
B=$PWD/$scratch/release/quiver-bench-kernels
data=bench-data; mkdir -p "$data"
tsv=$data/g5000000.tsv; ints=$data/g5000000.ints.tsv
[[ -f $tsv && -f $ints ]] || python3 Benchmarks/gen_graph.py --out "$tsv" --ints "$ints"
dir=$data/quiver-data-kernels
w=$data/kernels; rm -rf "$w"; mkdir -p "$w"
nthreads=$(nproc)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
trap '$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true' EXIT
echo "[ppr] load $tsv" >&2
$Q load g5m "$tsv" --data-dir "$dir" --json > "$w/load.json"
echo "[ppr] quiver" >&2
$Q ppr g5m "$seed" --alpha "$alpha" --iterations "$iters" --threads "$nthreads" --timing --json --data-dir "$dir" > "$w/q_ppr.json"
$Q ppr g5m "$seed" --alpha "$alpha" --iterations "$iters" --threads 1 --timing --json --data-dir "$dir" > "$w/q_ppr1.json"
$Q db stop --data-dir "$dir" >/dev/null
echo "[ppr] scipy" >&2
python3 Benchmarks/kernels_peers.py ppr --tsv "$ints" --seed-name "$seed" --alpha "$alpha" --iterations "$iters" --out "$w/p_ppr.json"
echo "[rspmm] quiver-bench-kernels" >&2
$B --tsv "$ints" --out "$w" --widths "$widths" --threads "$nthreads" --repeat "$repeat" > "$w/bench.jsonl"
echo "[rspmm] scipy" >&2
python3 Benchmarks/kernels_peers.py spmm --dir "$w" --widths "$widths" --repeat "$repeat" > "$w/p_spmm.jsonl"
python3 Benchmarks/kernels_peers.py report --quiver-ppr "$w/q_ppr.json" --quiver-ppr1 "$w/q_ppr1.json" --peer-ppr "$w/p_ppr.json" \
  --bench "$w/bench.jsonl" --peer-spmm "$w/p_spmm.jsonl" --seed-name "$seed" --alpha "$alpha" --iterations "$iters" --threads "$nthreads"
echo "machine: nproc $nthreads, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$w"/*.i64 "$w"/*.i32 "$w"/*.f32
