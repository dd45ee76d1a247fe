#!/usr/bin/env bash
# SPARQL benchmark (issue: SPARQL query). One run, peer in the same run: the benchmark graph
# (gen_graph.py, seed 42; 5M triples by default) loaded into Oxigraph (PyPI pyoxigraph, as
# N-Triples with the urn:quiver:name: IRIs Quiver gives plain names) and into Quiver; a fixed mix of
# queries with random bound nodes (the same in both), each answer checked to be the same in both;
# median and p95 per query, timed to the answer as a SPARQL results JSON document; queries per second through the daemon with 8 clients. Prints a table
# with the targets (median ≤ 1/3 of Oxigraph's; property paths ≤ 1/10) marked PASS/FAIL.
#
# Then LUBM's classic query shapes on a generated university graph (gen_university.py, 15
# universities by default, about a million triples), the same way.
#
#   Benchmarks/sparql.sh [--triples N] [--runs N] [--universities N]
set -euo pipefail
cd "$(dirname "$0")/.."
triples=5000000; runs=10; universities=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    --triples) triples=$2; shift 2;; --runs) runs=$2; shift 2;; --universities) universities=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
for tool in redis-cli python3; do command -v "$tool" >/dev/null || { echo "sparql.sh needs $tool" >&2; exit 1; }; done
python3 -c "import redis, pyoxigraph" 2>/dev/null || python3 -m pip install -q redis pyoxigraph
source Benchmarks/graph_files.sh
dir=$data/quiver-data-sparql; ox=$data/oxigraph-sparql
$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir" "$ox"; mkdir -p "$dir"; chmod 755 "$data" "$dir"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
start=$(date +%s.%N)
$Q load sp "$tsv" --data-dir "$dir" > /dev/null
qload=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
start=$(date +%s.%N)
python3 -c "import pyoxigraph as ox, sys; s = ox.Store(sys.argv[1]); s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES); s.flush(); s.optimize()" "$ox" "$nt"
oload=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$Q serve --port "$port" --data-dir "$dir" --log-level warning --max-result-rows 10000000 > "$data/quiver-sparql.log" 2>&1 &
qpid=$!
trap 'kill -TERM $qpid 2>/dev/null || true; wait $qpid 2>/dev/null || true; $Q db stop --data-dir "$dir" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 600); do [[ "$(redis-cli -p "$port" PING 2>/dev/null)" == PONG ]] && break; sleep 0.1; done
redis-cli -p "$port" STATS sp > /dev/null
csv=$data/sparql.csv
QPORT=$port QGRAPH=sp RUNS=$runs python3 Benchmarks/sparql_clients.py "$tsv" "$ox" > "$csv"

# LUBM's query shapes on a generated university graph (typed entities, literal attributes).
univ=$data/univ${universities}.nt; oxu=$data/oxigraph-univ
[[ -f $univ ]] || python3 Benchmarks/gen_university.py --universities "$universities" --seed 42 --out "$univ" >&2
rm -rf "$oxu"
$Q load univ "$univ" --data-dir "$dir" > /dev/null
python3 -c "import pyoxigraph as ox, sys; s = ox.Store(sys.argv[1]); s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES); s.flush(); s.optimize()" "$oxu" "$univ"
redis-cli -p "$port" STATS univ > /dev/null
lubm=$data/sparql-lubm.csv
echo "lubm,$(wc -l < "$univ")" > "$lubm"
PYTHONPATH=Benchmarks QPORT=$port QGRAPH=univ RUNS=$runs python3 Benchmarks/sparql_lubm.py "$oxu" >> "$lubm"
cat "$lubm" >> "$csv"
python3 - "$csv" "$triples" "$qload" "$oload" <<'PYEOF'
import sys
rows = [l.rstrip("\n").split(",") for l in open(sys.argv[1])]
print(f"\nSPARQL, {int(sys.argv[2]):,} triples; load: quiver {sys.argv[3]} s, oxigraph {sys.argv[4]} s")
print(f"{'query':32} {'quiver p50/p95 ms':>20} {'oxigraph p50/p95 ms':>22} {'rows':>9} {'ratio':>7}  {'evaluation':>10}  target")
for r in rows:
    if r[0] == "query":
        _, name, kind, q50, q95, o50, o95, n, mismatch, e50 = r
        ratio = float(q50) / max(float(o50), 1e-9)
        goal = 0.1 if kind == "path" else 1 / 3
        verdict = ("PASS" if ratio <= goal else "FAIL") + (f" (answers differ in {mismatch} runs)" if mismatch != "0" else "")
        print(f"{name:32} {q50:>9}/{q95:<10} {o50:>10}/{o95:<11} {n:>9} {ratio:>6.2f}×  {e50:>7} ms  ≤ {'1/10' if kind == 'path' else '1/3'}: {verdict}")
    elif r[0] == "ping":
        print(f"(times to the answer as a SPARQL results JSON document: Quiver's through the daemon, a PING's round trip")
        print(f" is {r[1]} ms of them; Oxigraph's in process; 'evaluation' is Quiver's own time for the query, from EXPLAIN,")
        print(" median of 5 other draws)")
    elif r[0] == "lubm":
        print(f"\nLUBM-like university graph, {int(r[1]):,} triples")
    elif r[0] == "qps":
        print(f"point lookups through the daemon, 8 clients: {int(r[1]):,} queries/s")
PYEOF
