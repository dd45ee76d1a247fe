#!/usr/bin/env bash
# SPARQL endpoint benchmark (issue: the SPARQL endpoint). One run, peer in the same run:
# `oxigraph serve` (the binary of PyPI's `oxigraph` wheel) and `quiver serve --http-port` on the
# same benchmark graph (gen_graph.py, seed 42; 5M triples by default), driven by wrk
# (Debian `wrk`, Benchmarks/endpoint.lua): a point query and a 2-hop query with random nodes at 8
# and 64 connections, and INSERT DATA of 1 and of 1,000 triples per request. Requests/s, p50 and
# p99 per row, the answers of a few queries checked equal first, the ratio against the targets
# (reads ≥ 2× Oxigraph's requests/s, updates ≥ 1×). Quiver acknowledges an update once its
# PostgreSQL transaction committed (fsync on); Oxigraph's RocksDB write-ahead log is not synced
# per write.
#
#   Benchmarks/endpoint.sh [--triples N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
triples=5000000; seconds=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --triples) triples=$2; shift 2;; --seconds) seconds=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
command -v wrk >/dev/null || { echo "endpoint.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v oxigraph >/dev/null || python3 -m pip install -q oxigraph
source Benchmarks/graph_files.sh
dir=$data/quiver-data-endpoint; ox=$data/oxigraph-endpoint
$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir" "$ox"; mkdir -p "$dir"; chmod 755 "$data" "$dir"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
$Q load ep "$tsv" --data-dir "$dir" > /dev/null
oxigraph load --location "$ox" --file "$nt" > /dev/null 2>&1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rport=$(free_port); qport=$(free_port); oport=$(free_port)
$Q serve --port "$rport" --http-port "$qport" --http-default-graph ep --data-dir "$dir" --log-level warning \
  --max-http-concurrent 1024 --max-result-rows 10000000 > "$data/quiver-endpoint.log" 2>&1 &
qpid=$!
oxigraph serve --location "$ox" --bind "127.0.0.1:$oport" > "$data/oxigraph-endpoint.log" 2>&1 &
opid=$!
trap 'kill -TERM $qpid $opid 2>/dev/null || true; wait $qpid $opid 2>/dev/null || true; $Q db stop --data-dir "$dir" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$qport/sparql?query=ASK%7B%7D" >/dev/null && break; sleep 0.1; done
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$oport/query?query=ASK%7B%7D" >/dev/null && break; sleep 0.1; done
# Warm both (Quiver builds the graph in memory on first use), and check the answers agree.
python3 - "$qport" "$oport" "$entities" <<'PYEOF'
import json, random, sys, urllib.parse, urllib.request
qport, oport, entities = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ask(url, q):
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": q}), headers={"Accept": "application/sparql-results+json"})
    doc = json.load(urllib.request.urlopen(req, timeout=600))
    return sorted(tuple(sorted((k, v["value"]) for k, v in b.items())) for b in doc["results"]["bindings"])
rng = random.Random(7)
for _ in range(20):
    e = f"<urn:quiver:name:e{rng.randrange(entities)}>"
    for q in (f"SELECT ?p ?o WHERE {{ {e} ?p ?o }}", f"SELECT ?y WHERE {{ {e} ?p ?x . ?x ?q ?y }}"):
        a, b = ask(f"http://127.0.0.1:{qport}/sparql", q), ask(f"http://127.0.0.1:{oport}/query", q)
        if a != b:
            sys.exit(f"answers differ for {q}: quiver {len(a)} rows, oxigraph {len(b)}")
print("answers checked equal on 40 queries", file=sys.stderr)
PYEOF

# One wrk run: "requests/s p50_ms p99_ms".
run() {
  local url=$1 kind=$2 conns=$3 qpath=$4 upath=$5
  local out
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency -s Benchmarks/endpoint.lua "$url" -- "$kind" "$entities" "$qpath" "$upath")
  python3 - "$out" <<'PYEOF'
import re, sys
out = sys.argv[1]
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
print(f"{rps:.0f} {ms('50%'):.2f} {ms('99%'):.2f}")
PYEOF
}

printf "%-28s %10s %8s %8s   %10s %8s %8s   %7s  %s\n" request quiver/s p50ms p99ms oxigraph/s p50ms p99ms ratio target
for row in "point 8" "point 64" "twohop 8" "twohop 64" "insert1 8" "insert1000 8"; do
  set -- $row
  kind=$1; conns=$2
  read -r qr qp50 qp99 <<< "$(run "http://127.0.0.1:$qport" "$kind" "$conns" /sparql /sparql)"
  read -r or op50 op99 <<< "$(run "http://127.0.0.1:$oport" "$kind" "$conns" /query /update)"
  ratio=$(python3 -c "print(f'{$qr / max($or, 1):.2f}')")
  case $kind in insert*) want=1;; *) want=2;; esac
  verdict=$(python3 -c "print('PASS' if $ratio >= $want else 'FAIL')")
  printf "%-28s %10s %8s %8s   %10s %8s %8s   %6sx  ≥%s× %s\n" "$kind, $conns connections" "$qr" "$qp50" "$qp99" "$or" "$op50" "$op99" "$ratio" "$want" "$verdict"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
