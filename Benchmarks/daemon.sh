#!/usr/bin/env bash
# quiver serve against redis-server, on this machine, in the same run, with redis-benchmark:
#   1. PING_INLINE and PING_MBULK, 50 clients, without and with pipelining (-P 16), both servers;
#   2. Quiver's own commands (custom-command mode): NEIGHBORS and PATHS … shortest on a graph of
#      1M triples (generated, seeded), requests/s and p50/p99 latency.
# Prints a table and writes bench-data/daemon.json. Client and servers share the machine's cores.
#
#   Benchmarks/daemon.sh                       # defaults below
#   REQUESTS=200000 TRIPLES=1000000 Benchmarks/daemon.sh
set -euo pipefail
cd "$(dirname "$0")/.."

QUIVER=${QUIVER:-.build/release/quiver}
REQUESTS=${REQUESTS:-200000}            # per PING test without pipelining
PIPELINED_REQUESTS=${PIPELINED_REQUESTS:-2000000}
QUERY_REQUESTS=${QUERY_REQUESTS:-50000}
CLIENTS=${CLIENTS:-50}
TRIPLES=${TRIPLES:-1000000}
ENTITIES=${ENTITIES:-200000}
OUT=${OUT:-bench-data}
DATA_DIR=${DATA_DIR:-$OUT/quiver-data-daemon}

for tool in redis-benchmark redis-server python3; do
  command -v "$tool" >/dev/null || { echo "daemon.sh needs $tool (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
done
[[ -x "$QUIVER" ]] || { echo "no $QUIVER: build it with make release" >&2; exit 1; }
mkdir -p "$OUT" "$DATA_DIR"
chmod 755 "$OUT" "$DATA_DIR"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
QUIVER_PORT=$(free_port)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning \
  >"$OUT/redis-server.log" 2>&1 &
REDIS_PID=$!
"$QUIVER" serve --port "$QUIVER_PORT" --data-dir "$DATA_DIR" --log-level warning >"$OUT/quiver-serve.log" 2>&1 &
QUIVER_PID=$!
cleanup() {
  kill "$REDIS_PID" 2>/dev/null || true
  kill -TERM "$QUIVER_PID" 2>/dev/null || true
  wait "$QUIVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

wait_ping() {
  for _ in $(seq 1 600); do
    [[ "$(redis-cli -p "$1" PING 2>/dev/null)" == PONG ]] && return 0
    sleep 0.1
  done
  echo "server on port $1 did not answer" >&2
  exit 1
}
wait_ping "$REDIS_PORT"
wait_ping "$QUIVER_PORT"

RESULTS="$OUT/daemon-results.csv"
echo "server,test,pipeline,rps,avg_ms,p50_ms,p99_ms" >"$RESULTS"

# redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
record() {  # server pipeline label < csv
  local server=$1 pipeline=$2 label=${3:-}
  tail -n +2 | tr -d '"' | while IFS=, read -r test rps avg _min p50 _p95 p99 _max; do
    echo "$server,${label:-$test},$pipeline,$rps,$avg,$p50,$p99" >>"$RESULTS"
  done
}

for pipeline in 1 16; do
  n=$REQUESTS
  [[ $pipeline -gt 1 ]] && n=$PIPELINED_REQUESTS
  for server in redis quiver; do
    port=$REDIS_PORT
    [[ $server == quiver ]] && port=$QUIVER_PORT
    echo "== $server: PING_INLINE, PING_MBULK, $CLIENTS clients, -P $pipeline, $n requests" >&2
    redis-benchmark -p "$port" -c "$CLIENTS" -n "$n" -P "$pipeline" -t ping --csv -q 2>/dev/null | record "$server" "$pipeline"
  done
done

# Quiver's own commands on a 1M-triple graph.
GRAPH=bench1m
TSV="$OUT/g$TRIPLES.daemon.tsv"
if [[ ! -f "$TSV" ]]; then
  python3 Benchmarks/gen_graph.py --entities "$ENTITIES" --triples "$TRIPLES" --relations 200 --seed 7 \
    --uniform-heads 0.5 --out "$TSV"
fi
# The graph is loaded once per data directory (duplicates in the generated file are skipped).
if ! redis-cli -p "$QUIVER_PORT" STATS "$GRAPH" FORMAT JSON 2>/dev/null | grep -q '"triples"'; then
  "$QUIVER" load "$GRAPH" "$TSV" --data-dir "$DATA_DIR" >&2
fi
redis-cli -p "$QUIVER_PORT" STATS "$GRAPH" FORMAT JSON >/dev/null  # build the snapshot once
# Endpoints with a path between them: the first hop and a node three hops on.
read -r FROM TO < <(python3 - "$QUIVER_PORT" "$GRAPH" <<'PY'
import json, subprocess, sys
port, graph = sys.argv[1], sys.argv[2]
def q(*a):
    return json.loads(subprocess.run(["redis-cli", "-p", port, *a, "FORMAT", "JSON"], capture_output=True, text=True).stdout)
for i in range(1, 1000):
    src = f"e{i}"
    try:
        r = q("REACH", graph, src, "MAX-HOPS", "4", "LIMIT", "100000")
    except json.JSONDecodeError:
        continue
    far = [e["node"] for e in r.get("endpoints", []) if e["distance"] == 4]
    if far:
        print(src, far[0]); break
PY
)
echo "== quiver: NEIGHBORS $GRAPH $FROM; PATHS $GRAPH $FROM $TO shortest" >&2
redis-benchmark -p "$QUIVER_PORT" -c "$CLIENTS" -n "$QUERY_REQUESTS" --csv -q NEIGHBORS "$GRAPH" "$FROM" 2>/dev/null \
  | record quiver 1 "NEIGHBORS (degree $(redis-cli -p "$QUIVER_PORT" NEIGHBORS "$GRAPH" "$FROM" FORMAT JSON | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])'))"
redis-benchmark -p "$QUIVER_PORT" -c "$CLIENTS" -n "$QUERY_REQUESTS" --csv -q PATHS "$GRAPH" "$FROM" "$TO" shortest 2>/dev/null \
  | record quiver 1 "PATHS shortest (4 hops)"

python3 - "$RESULTS" "$OUT/daemon.json" "$TRIPLES" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {(r["server"], r["test"], r["pipeline"]): r for r in rows}
print(f"{'test':34} {'-P':>3} {'redis rps':>12} {'quiver rps':>12} {'ratio':>6} {'quiver p50/p99 ms':>18}")
for (server, test, pipeline), r in by.items():
    if server != "quiver":
        continue
    redis = by.get(("redis", test, pipeline))
    ratio = f"{float(r['rps']) / float(redis['rps']):.2f}" if redis else ""
    print(f"{test:34} {pipeline:>3} {redis['rps'] if redis else '':>12} {r['rps']:>12} {ratio:>6} {r['p50_ms'] + '/' + r['p99_ms']:>18}")
json.dump({"graph_triples": int(sys.argv[3]), "results": rows}, open(sys.argv[2], "w"), indent=1)
PY
