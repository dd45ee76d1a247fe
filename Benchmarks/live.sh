#!/usr/bin/env bash
# Live-graph benchmark (issue: live graph). One run, same machine, peers in the same run:
#   1. PATHS p50/p99 on an idle daemon, and with a delta of 1% of the edges;
#   2. durable ADD throughput, 50 clients, without and with -P 16: `quiver serve` (each ADD
#      acknowledged after its group commit) against redis-server with appendonly yes and
#      appendfsync always doing SADD, both driven by redis-benchmark;
#   3. PATHS p50/p99 while 50 other clients ADD at full speed;
#   4. ADD then PATHS on one connection, the PATHS seeing the new edge (latency p50/p99);
#   5. an ADD by another process (the CLI) seen by the daemon (p50/p99, INFO's rebuilds);
#   6. `quiver paths` from a shell with a current snapshot file, and after 1,000 ADDs made
#      through the daemon (the CLI applies them from the change log);
#   7. the daemon restarted: seconds until it answers from its snapshot file;
#   8. COMPACT of a delta of 5% of the edges: time, added RSS, PATHS while it runs;
#   9. memory per million edges, base and delta (INFO).
# Rows 1-6 run with --compact-at 0.02 (a delta past 2% of the edges is merged in the background);
# rows 8-9 on the restarted daemon with --compact-at 1 (only COMPACT merges), so that the delta
# is 5% when COMPACT runs.
# The graph: the foundation benchmark's 5M triples (gen_graph.py, seed 42), loaded first;
# --triples N for a smaller one. Prints a table with the targets marked PASS/FAIL.
#
#   Benchmarks/live.sh [--triples N] [--requests N] [--visible N]
set -euo pipefail
cd "$(dirname "$0")/.."
triples=5000000; entities=1000000; relations=500; requests=100000; visible=100; clients=50
while [[ $# -gt 0 ]]; do
  case "$1" in
    --triples) triples=$2; entities=$((triples / 5)); shift 2;; --requests) requests=$2; shift 2;;
    --visible) visible=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
for tool in redis-benchmark redis-server redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "live.sh needs $tool (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
done
python3 -c "import redis" 2>/dev/null || python3 -m pip install -q redis
[[ -n "${QUIVER:-}" || -x .build/release/quiver ]] || swift build -c release --product quiver
Q=${QUIVER:-.build/release/quiver}
data=bench-data; mkdir -p "$data"
tsv=$data/g${triples}.tsv
[[ -f $tsv ]] || python3 Benchmarks/gen_graph.py --entities "$entities" --triples "$triples" --relations "$relations" --seed 42 --out "$tsv"
dir=$data/quiver-data-live
$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true  # a cluster left by an interrupted run
rm -rf "$dir"; mkdir -p "$dir"; chmod 755 "$data" "$dir"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
$Q load live "$tsv" --data-dir "$dir" --json > "$data/live-load.json"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rport=$(free_port); qport=$(free_port)
redis_dir=$data/redis-live; rm -rf "$redis_dir"; mkdir -p "$redis_dir"
redis-server --port "$rport" --bind 127.0.0.1 --dir "$redis_dir" --save '' --appendonly yes --appendfsync always \
  --daemonize no --loglevel warning > "$data/redis-live.log" 2>&1 &
rpid=$!
$Q serve --port "$qport" --data-dir "$dir" --log-level warning --compact-at 0.02 > "$data/quiver-live.log" 2>&1 &
qpid=$!
trap 'kill $rpid 2>/dev/null || true; kill -TERM $qpid 2>/dev/null || true; wait $qpid 2>/dev/null || true; $Q db stop --data-dir "$dir" >/dev/null 2>&1 || true' EXIT
for p in $rport $qport; do
  for _ in $(seq 1 600); do [[ "$(redis-cli -p "$p" PING 2>/dev/null)" == PONG ]] && break; sleep 0.1; done
done
redis-cli -p "$qport" STATS live > /dev/null  # the snapshot, built before anything is timed
export QPORT=$qport TRIPLES=$triples ENTITIES=$entities QBIN=$Q QDIR=$dir QPID=$qpid TSV=$tsv
csv=$data/live.csv; : > "$csv"

echo "== PATHS idle, then with a delta of 1% of the edges" >&2
python3 Benchmarks/live_clients.py paths >> "$csv"

for pipeline in 1 16; do
  echo "== ADD / SADD, $clients clients, -P $pipeline, $requests requests" >&2
  r=$(redis-benchmark -p "$rport" -c "$clients" -n "$requests" -P "$pipeline" -r 1000000 --csv -q \
      SADD bench:set __rand_int__ 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"' || true)
  q=$(redis-benchmark -p "$qport" -c "$clients" -n "$requests" -P "$pipeline" -r 1000000 --csv -q \
      ADD live n__rand_int__ w1 n__rand_int__ 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"' || true)
  echo "add,$pipeline,$r,$q" >> "$csv"
done
redis-cli -p "$qport" INFO stats | grep -E "write_transactions|writes_committed" | tr -d '\r' >&2 || true

echo "== PATHS while $clients clients ADD at full speed" >&2
redis-benchmark -p "$qport" -c "$clients" -n 100000000 -P 1 -r 1000000 -q ADD live w__rand_int__ w3 w__rand_int__ >/dev/null 2>&1 &
bpid=$!
sleep 2
python3 Benchmarks/live_clients.py busy >> "$csv"
kill $bpid 2>/dev/null || true; wait $bpid 2>/dev/null || true

echo "== ADD then PATHS on one connection, $visible times" >&2
VISIBLE=$visible python3 Benchmarks/live_clients.py visible >> "$csv"
echo "== an ADD by another process (the CLI) seen by the daemon" >&2
python3 Benchmarks/live_clients.py other >> "$csv"
echo "== quiver paths from a shell: snapshot file current, then after 1,000 ADDs through the daemon" >&2
python3 Benchmarks/live_clients.py cli >> "$csv"
echo "== restart: the daemon answers from its snapshot file" >&2
redis-cli -p "$qport" COMPACT live > /dev/null   # the file of the current base
kill -TERM $qpid; wait $qpid 2>/dev/null || true
start=$(date +%s.%N)
$Q serve --port "$qport" --data-dir "$dir" --log-level warning --compact-at 1 >> "$data/quiver-live.log" 2>&1 &
qpid=$!
export QPID=$qpid
for _ in $(seq 1 6000); do [[ "$(redis-cli -p "$qport" PING 2>/dev/null)" == PONG ]] && break; sleep 0.01; done
redis-cli -p "$qport" STATS live > /dev/null
echo "restart,$(python3 -c "import time; print(f'{time.time() - $start:.2f}')"),$(redis-cli -p "$qport" INFO graphs | tr -d '\r' | grep '^graph_live:' | sed 's/.*rebuilds=\([0-9]*\).*/\1/')" >> "$csv"

echo "== COMPACT of a delta of 5% of the edges" >&2
python3 Benchmarks/live_clients.py compact >> "$csv"

python3 Benchmarks/live_clients.py table "$csv"
