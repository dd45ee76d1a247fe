#!/usr/bin/env bash
# Path-search benchmark (issue 3). One run, same machine, same triples, for two graphs:
#   small: 100k entities / 1M triples, Zipf(1.3) heads mixed half and half with uniform heads
#          (gen_graph.py --uniform-heads 0.5 --seed 7): hubs of >100k out-edges, yet directed
#          shortest paths of 4-9 hops; pairs are drawn at 4..9 hops;
#   large: the foundation benchmark's graph (1M entities / 5M triples / 500 relations, seed 42),
#          pure Zipf heads: most nodes have no out-edges, so a random connected pair is mostly 1 hop
#          apart; pairs are drawn at 4..9 hops as well (sources reaching nothing there are skipped).
# Pairs: a seeded random source with out-edges, then a target uniform among the nodes 4..9 out-hops
# away (igraph BFS); the hop histogram is printed.
# 200 seeded (source, target) pairs each. Quiver: `quiver paths G --pairs F --timing --json` once per
# mode (shortest; k-shortest k=10; simple ≤ 4 hops limit 1000; shortest --via '.*/r1/.*'), one process
# and one snapshot per mode, per-query "micros"; `quiver reach G --sources F --max-hops 3 --count
# --timing` for edges scanned per second. Peers (Benchmarks/paths_peers.py): networkx
# bidirectional_shortest_path, python-igraph get_shortest_path, each query timed alone; and a
# PostgreSQL recursive CTE bounded to 6 hops (simple paths, stops at the first hit) over the graph's
# triples_g<ID> partition in Quiver's own cluster (jit off), on 30 of the pairs at ≤ 6 hops, drawn
# at random (seeded) so that they are spread over Quiver's run rather than being its first queries.
# All systems follow edges subject -> object.
# Usage: [QUIVER_BIN=path/to/quiver] Benchmarks/paths.sh [--pairs N] [--only small|large] [--cte-pairs N] [--cte-timeout S]
set -euo pipefail
cd "$(dirname "$0")/.."
npairs=200; only=""; cte_pairs=30; cte_timeout=20; via='.*/r1/.*'
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) npairs=$2; shift 2;; --only) only=$2; shift 2;;
    --cte-pairs) cte_pairs=$2; shift 2;; --cte-timeout) cte_timeout=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
python3 -c "import networkx" 2>/dev/null || python3 -m pip install -q networkx
python3 -c "import igraph" 2>/dev/null || python3 -m pip install -q igraph
# QUIVER_BIN: the quiver binary to measure (default .build/release/quiver, built when missing).
if [[ -n ${QUIVER_BIN:-} ]]; then
  Q=$(realpath "$QUIVER_BIN")
else
  [[ -x .build/release/quiver ]] || swift build -c release --product quiver
  Q=$PWD/.build/release/quiver
fi
data=bench-data; mkdir -p "$data"
dir=$data/quiver-data-paths
$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
conninfo=$($Q db start --data-dir "$dir" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["conninfo"])')
psql_() { PGOPTIONS="-c client_min_messages=warning" psql "$conninfo" -v ON_ERROR_STOP=1 -q "$@"; }
trap '$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true' EXIT

bench() {  # name tsv description pair-seed min-hops max-hops
  local g=$1 tsv=$2 desc=$3 seed=$4 lo=$5 hi=$6
  local w=$data/paths-$g; rm -rf "$w"; mkdir -p "$w"
  local load_before; load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "[$g] load $tsv" >&2
  $Q load "$g" "$tsv" --data-dir "$dir" --json > "$w/load.json"
  $Q stats "$g" --data-dir "$dir" --timing --json > "$w/stats.json"
  echo "[$g] pairs and peers (networkx, igraph)" >&2
  python3 Benchmarks/paths_peers.py prepare --tsv "$tsv" --workdir "$w" --pairs "$npairs" --seed "$seed" \
    --min-hops "$lo" --max-hops "$hi" --via-rel r1 --cte-pairs "$cte_pairs" --cte-max-depth 6
  echo "[$g] quiver" >&2
  local qp=("$Q" paths "$g" --pairs "$w/pairs.tsv" --timing --json --data-dir "$dir")
  "${qp[@]}" --mode shortest > "$w/q_shortest.jsonl"
  "${qp[@]}" --mode k-shortest -k 10 > "$w/q_kshortest.jsonl"
  "${qp[@]}" --mode simple --max-hops 4 --limit 1000 > "$w/q_simple.jsonl"
  "${qp[@]}" --mode shortest --via "$via" > "$w/q_via.jsonl"
  $Q reach "$g" --sources "$w/sources.txt" --max-hops 3 --count --timing --data-dir "$dir" > "$w/q_reach.jsonl"
  echo "[$g] recursive CTE" >&2
  local gid; gid=$(psql_ -At -c "SELECT id FROM graphs WHERE name = '$g'")
  cut -f2,3 "$w/cte_pairs.tsv" | tr '\t' '\n' | sort -u > "$w/cte_names.txt"
  psql_ -At -F $'\t' -c "SELECT value, id FROM terms_g$gid WHERE value = ANY (string_to_array('$(paste -sd, "$w/cte_names.txt")', ','))" > "$w/cte_ids.tsv"
  python3 Benchmarks/paths_peers.py cte-sql --workdir "$w" --gid "$gid" --ids "$w/cte_ids.tsv" --max-depth 6 \
    --timeout-s "$cte_timeout" > "$w/cte.sql"
  PGOPTIONS="-c client_min_messages=warning" psql "$conninfo" -q -f "$w/cte.sql" > "$w/cte.out" 2>&1 || true
  python3 Benchmarks/paths_peers.py report --workdir "$w" --graph "$g" --desc "$desc" --seed "$seed" \
    --hops "$lo..$hi" --via "$via" --cte-depth 6 --cte-timeout-s "$cte_timeout"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  $Q drop "$g" --data-dir "$dir" >/dev/null
}

if [[ -z $only || $only == small ]]; then
  small=$data/paths-100k.tsv
  [[ -f $small ]] || python3 Benchmarks/gen_graph.py --entities 100000 --triples 1000000 --relations 500 \
    --uniform-heads 0.5 --seed 7 --out "$small"
  bench p100k "$small" "gen_graph.py --entities 100000 --triples 1000000 --relations 500 --uniform-heads 0.5 --seed 7" 1 4 9
fi
if [[ -z $only || $only == large ]]; then
  large=$data/g5000000.tsv
  [[ -f $large ]] || python3 Benchmarks/gen_graph.py --entities 1000000 --triples 5000000 --relations 500 \
    --seed 42 --out "$large" --ints "$data/g5000000.ints.tsv"
  bench g5m "$large" "gen_graph.py --entities 1000000 --triples 5000000 --relations 500 --seed 42 (foundation benchmark)" 2 4 9
fi
