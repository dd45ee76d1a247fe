#!/usr/bin/env bash
# Foundation benchmark (issue: PostgreSQL triple store). One run, same server, same triples:
#   (a) `quiver load` of a 5M-triple TSV (1M entities, 500 relations, power-law heads) end to end;
#   (b) the raw anchor: psql \copy of the same triples pre-encoded as integers into a plain table,
#       then CREATE INDEX on (s,p,o), (p,o) and (o);
#   and the CSR snapshot build time and the load's peak memory.
# Usage: Benchmarks/load.sh [--triples N] [--entities N] [--runs K]
set -euo pipefail
cd "$(dirname "$0")/.."
triples=5000000; entities=1000000; relations=500; runs=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --triples) triples=$2; shift 2;; --entities) entities=$2; shift 2;; --runs) runs=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
command -v /usr/bin/time >/dev/null || { [[ $(id -u) -eq 0 ]] && apt-get install -y -qq time >/dev/null; }
python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
[[ -x .build/release/quiver ]] || swift build -c release --product quiver
Q=.build/release/quiver
data=bench-data; mkdir -p "$data"
tsv=$data/g${triples}.tsv; ints=$data/g${triples}.ints.tsv
[[ -f $tsv && -f $ints ]] || python3 Benchmarks/gen_graph.py --entities "$entities" --triples "$triples" \
  --relations "$relations" --seed 42 --out "$tsv" --ints "$ints"
dir=$data/quiver-data-load
$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
conninfo=$($Q db start --data-dir "$dir" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["conninfo"])')
psql_() { PGOPTIONS="-c client_min_messages=warning" psql "$conninfo" -v ON_ERROR_STOP=1 -q "$@"; }
now() { date +%s.%N; }

declare -a quiver_s anchor_s rss
for run in $(seq 1 "$runs"); do
  $Q drop bench --data-dir "$dir" >/dev/null 2>&1 || true
  psql_ -c "CHECKPOINT"
  /usr/bin/time -f "%M" -o "$data/rss.txt" $Q load bench "$tsv" --data-dir "$dir" --json > "$data/load.json"
  quiver_s+=("$(python3 -c 'import json; print(json.load(open("'"$data"'/load.json"))["seconds"])')")
  rss+=("$(cat "$data/rss.txt")")
  psql_ -c "DROP TABLE IF EXISTS anchor" -c "CHECKPOINT"
  t0=$(now)
  psql_ -c "CREATE TABLE anchor (s bigint, p bigint, o bigint)" -c "\\copy anchor FROM '$ints'" \
    -c "CREATE INDEX ON anchor (s, p, o)" -c "CREATE INDEX ON anchor (p, o)" -c "CREATE INDEX ON anchor (o)"
  anchor_s+=("$(python3 -c "print($(now) - $t0)")")
done
# Measure the snapshot on a settled server: no anchor table, nothing left to flush.
psql_ -c "DROP TABLE IF EXISTS anchor" -c "CHECKPOINT"
sync; sleep 2
snap=()
for i in $(seq 1 10); do
  snap+=("$($Q stats bench --data-dir "$dir" --timing --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["snapshot_seconds"])')")
done
adj=$($Q stats bench --data-dir "$dir" --timing --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["snapshot_adjacency_bytes"], d["triples"])')
$Q db stop --data-dir "$dir" >/dev/null

python3 - "$triples" "${quiver_s[*]}" "${anchor_s[*]}" "${rss[*]}" "${snap[*]}" "$adj" <<'PY'
import sys, statistics as st
n = int(sys.argv[1])
q = [float(x) for x in sys.argv[2].split()]
a = [float(x) for x in sys.argv[3].split()]
rss = [int(x) for x in sys.argv[4].split()]
snap = [float(x) for x in sys.argv[5].split()]
adj_bytes, edges = (int(x) for x in sys.argv[6].split())
def rate(s): return n / s
print(f"\nFoundation benchmark: {n:,} triples, runs: {len(q)}")
print(f"{'measure':<44}{'runs (s)':<26}{'best':>10}{'triples/s':>14}")
print(f"{'(a) quiver load, TSV end to end':<44}{' '.join(f'{x:.2f}' for x in q):<26}{min(q):>10.2f}{rate(min(q)):>14,.0f}")
label_b = "(b) anchor: psql \\copy ints + 3 indexes"
print(f"{label_b:<44}{' '.join(f'{x:.2f}' for x in a):<26}{min(a):>10.2f}{rate(min(a)):>14,.0f}")
ratio = rate(min(q)) / rate(min(a))
print(f"\nquiver / anchor triples/s (best of each): {ratio:.2f}x   (target >= 0.6x)")
print(f"ratio per run: {' '.join(f'{ai/qi:.2f}' for qi, ai in zip(q, a))}")
print(f"snapshot build ({len(snap)} runs, the first right after the load): {' '.join(f'{x:.2f}' for x in snap)} s, median {st.median(snap):.2f} s, max {max(snap):.2f} s   (target <= 3 s)")
print(f"snapshot adjacency: {adj_bytes/2**20:.1f} MiB for {edges:,} edges = {adj_bytes/2**20/(edges/1e6):.1f} MiB per million edges")
print(f"load peak RSS: {' '.join(f'{r/1024:.0f}' for r in rss)} MiB   (target <= 2048 MiB)")
PY
echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
