"""The client side of Benchmarks/live.sh: one measurement per subcommand, printed as a CSV row,
and `table CSV` to print the rows with their targets. The daemon's port, the graph's size and the
quiver binary come from the environment live.sh exports."""
import os
import random
import subprocess
import sys
import threading
import time

import redis

PORT = int(os.environ.get("QPORT", "7379"))
TRIPLES = int(os.environ.get("TRIPLES", "5000000"))
ENTITIES = int(os.environ.get("ENTITIES", "1000000"))


def client():
    return redis.Redis(port=PORT, decode_responses=True)


def quantiles(times):
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


def timed_paths(r, pairs):
    times = []
    for a, b in pairs:
        t = time.perf_counter()
        r.execute_command("PATHS", "live", a, b)
        times.append((time.perf_counter() - t) * 1e3)
    return quantiles(times)


_nodes = []


def nodes():
    """Names of nodes the graph has: every subject and object of the TSV's first 100,000 lines."""
    if not _nodes:
        seen = set()
        with open(os.environ["TSV"]) as f:
            for i, line in enumerate(f):
                if i >= 100_000:
                    break
                s, _, o = line.rstrip("\n").split("\t")
                seen.update((s, o))
        _nodes.extend(sorted(seen))
    return _nodes


def pairs(seed, n=2000):
    rng = random.Random(seed)
    return [(rng.choice(nodes()), rng.choice(nodes())) for _ in range(n)]


def graph_info(r):
    """INFO's line for the graph (redis-py parses `k=v,…` values into a dict)."""
    v = r.info("graphs")["graph_live"]
    if isinstance(v, str):
        v = dict(kv.split("=") for kv in v.split(","))
    return {k: int(x) for k, x in v.items()}


def stat(r, name):
    return int(r.info("stats")[name])


def add_edges(r, count, relation, seed, per_command=100):
    """`count` edges between existing nodes, `per_command` triples per ADD, pipelined."""
    rng = random.Random(seed)
    p = r.pipeline(transaction=False)
    for i in range(count // per_command):
        words = []
        for _ in range(per_command):
            words += [f"e{rng.randrange(ENTITIES)}", f"{relation}{rng.randrange(50)}", f"e{rng.randrange(ENTITIES)}"]
        p.execute_command("ADD", "live", *words)
        if i % 50 == 49:
            p.execute()
    p.execute()


def paths():
    r = client()
    r.execute_command("COMPACT", "live")
    queries = pairs(1)
    timed_paths(r, queries)  # warm
    idle = timed_paths(r, queries)
    add_edges(r, TRIPLES // 100, "d", 11)
    timed_paths(r, queries)
    delta = timed_paths(r, queries)
    print(f"paths,{idle[0]:.3f},{idle[1]:.3f},{delta[0]:.3f},{delta[1]:.3f},{graph_info(r)['delta_added']}")
    r.execute_command("COMPACT", "live")


def busy():
    r = client()
    queries = pairs(2)
    before, start = stat(r, "writes_committed"), time.perf_counter()
    p50, p99 = timed_paths(r, queries)
    rate = (stat(r, "writes_committed") - before) / (time.perf_counter() - start)
    print(f"busy,{p50:.3f},{p99:.3f},{rate:.0f}")


def visible():
    r = client()
    r.ping()  # the connection made before the clock starts: its handshake is not the write's
    times = []
    for i in range(int(os.environ.get("VISIBLE", "20"))):
        a, b = f"fresh{i}a", f"fresh{i}b"
        t = time.perf_counter()
        r.execute_command("ADD", "live", a, "w2", b)
        reply = r.execute_command("PATHS", "live", a, b, "FORMAT", "JSON")
        times.append((time.perf_counter() - t) * 1e3)
        assert '"count":1' in reply, reply
    p50, p99 = quantiles(times)
    print(f"visible,{p50:.2f},{p99:.2f}")


def other():
    r = client()
    before = graph_info(r)["rebuilds"]
    times = []
    for i in range(50):
        subprocess.run([os.environ["QBIN"], "add", "live", f"cli{i}a", "w4", f"cli{i}b", "--data-dir", os.environ["QDIR"]],
                       check=True, stdout=subprocess.DEVNULL)
        t = time.perf_counter()  # the CLI has committed and exited
        while True:
            try:
                if '"count":1' in r.execute_command("PATHS", "live", f"cli{i}a", f"cli{i}b", "FORMAT", "JSON"):
                    break
            except redis.exceptions.ResponseError:
                pass  # unknown node: not caught up yet
            time.sleep(0.0005)
        times.append((time.perf_counter() - t) * 1e3)
    p50, p99 = quantiles(times)
    print("another process's ADD, ms in order: " + " ".join(f"{t:.1f}" for t in times), file=sys.stderr)
    print(f"other,{p50:.1f},{p99:.1f},{graph_info(r)['rebuilds'] - before}")


def cli():
    r = client()

    def run(k):
        times = []
        for _ in range(k):
            t = time.perf_counter()
            subprocess.run([os.environ["QBIN"], "paths", "live", nodes()[1], nodes()[500], "--data-dir", os.environ["QDIR"]],
                           check=True, stdout=subprocess.DEVNULL)
            times.append((time.perf_counter() - t) * 1e3)
        times.sort()
        return times[len(times) // 2], times[-1]

    r.execute_command("COMPACT", "live")  # the daemon writes the file of the merged base
    run(1)                                # the first run catches up whatever came since
    current = run(10)
    rng = random.Random(3)
    p = r.pipeline(transaction=False)
    for _ in range(1000):
        p.execute_command("ADD", "live", f"e{rng.randrange(ENTITIES)}", "w5", f"e{rng.randrange(ENTITIES)}")
    p.execute()
    behind = run(10)
    print(f"cli,{current[0]:.1f},{current[1]:.1f},{behind[0]:.1f},{behind[1]:.1f}")


def compact():
    r = client()
    pid = os.environ["QPID"]

    def rss():
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024

    r.execute_command("COMPACT", "live")
    add_edges(r, TRIPLES * 5 // 100, "c", 4)
    info = graph_info(r)
    base_per_m = info["base_bytes"] / (info["triples"] - info["delta_added"]) * 1e6 / 2**20
    delta_per_m = info["delta_bytes"] / max(1, info["delta_added"]) * 1e6 / 2**20
    stop = threading.Event()
    reads, peak = [], [rss()]
    rng = random.Random(5)

    def reader():
        conn = client()
        while not stop.is_set():
            a, b = rng.choice(nodes()), rng.choice(nodes())
            t = time.perf_counter()
            conn.execute_command("PATHS", "live", a, b)
            reads.append((time.perf_counter() - t) * 1e3)

    def sampler():
        while not stop.is_set():
            peak.append(rss())
            time.sleep(0.02)

    threads = [threading.Thread(target=reader), threading.Thread(target=sampler)]
    before = rss()
    for t in threads:
        t.start()
    reply = r.execute_command("COMPACT", "live")
    stop.set()
    for t in threads:
        t.join()
    merged = dict(zip(reply[::2], reply[1::2])) if isinstance(reply, list) else reply
    p50, p99 = quantiles(reads)
    print(f"compact,{merged['edges_merged']},{merged['milliseconds']},{(max(peak) - before) / 2**20:.0f},{p50:.2f},{p99:.2f},{len(reads)}")
    print(f"memory,{base_per_m:.1f},{delta_per_m:.1f}")


def table(path):
    rows = [l.strip().split(",") for l in open(path) if l.strip()]
    print(f"\nLive graph, {TRIPLES:,} triples (load {open('/proc/loadavg').read().split()[0]})")
    print(f"{'measure':46} {'redis':>10} {'quiver':>14} {'ratio':>7}  target")
    idle99 = None
    verdict = lambda ok: "PASS" if ok else "FAIL"
    for row in rows:
        kind = row[0]
        if kind == "paths":
            i50, i99, d50, d99 = map(float, row[1:5])
            idle99 = i99
            print(f"{'PATHS idle, p50 / p99 ms':46} {'':>10} {i50:>6.3f}/{i99:<7.3f}")
            print(f"{'PATHS, delta of ' + row[5] + ' edges (1%), p50 / p99 ms':46} {'':>10} {d50:>6.3f}/{d99:<7.3f} {d50 / i50:>6.2f}×  p50 ≤ 2× idle: {verdict(d50 <= 2 * i50)}")
        elif kind == "add":
            rs, qs = float(row[2] or 0), float(row[3] or 0)
            ratio = qs / rs if rs else 0
            print(f"{'durable ADD vs SADD (fsync always), -P ' + row[1] + ', req/s':46} {rs:>10,.0f} {qs:>14,.0f} {ratio:>7.2f}  ≥ 0.5: {verdict(ratio >= 0.5)}")
        elif kind == "busy":
            b50, b99, rate = float(row[1]), float(row[2]), float(row[3])
            ok = idle99 is not None and b99 <= 2 * idle99
            print(f"{'PATHS while 50 clients ADD, p50 / p99 ms':46} {'':>10} {b50:>6.3f}/{b99:<7.3f} {b99 / idle99 if idle99 else 0:>6.2f}×  p99 ≤ 2× idle p99: {verdict(ok)} ({rate:,.0f} ADD/s meanwhile)")
        elif kind == "visible":
            p50, p99 = float(row[1]), float(row[2])
            print(f"{'ADD then PATHS sees it, p50 / p99 ms':46} {'':>10} {p50:>6.2f}/{p99:<7.2f} {'':>7}  p99 ≤ 5 ms: {verdict(p99 <= 5)}")
        elif kind == "other":
            p50, p99, rebuilds = float(row[1]), float(row[2]), int(row[3])
            print(f"{'another process ADD seen, p50 / p99 ms':46} {'':>10} {p50:>6.1f}/{p99:<7.1f} {'':>7}  p99 ≤ 100 ms, no rebuild ({rebuilds}): {verdict(p99 <= 100 and rebuilds == 0)}")
        elif kind == "cli":
            c50, cmax, b50, bmax = map(float, row[1:5])
            print(f"{'quiver paths, file current, median / max ms':46} {'':>10} {c50:>6.0f}/{cmax:<7.0f} {'':>7}  ≤ 50 ms: {verdict(c50 <= 50)}")
            print(f"{'quiver paths after 1,000 ADDs, median / max ms':46} {'':>10} {b50:>6.0f}/{bmax:<7.0f} {'':>7}  ≤ 100 ms: {verdict(b50 <= 100)}")
        elif kind == "restart":
            print(f"{'daemon restart to first answer, s (rebuilds)':46} {'':>10} {float(row[1]):>6.2f} ({row[2]} rebuilds: {'warm, from the file' if row[2] == '0' else 'rebuilt'})")
        elif kind == "compact":
            edges, ms, added, r50, r99, n = row[1:7]
            print(f"{'COMPACT of a 5% delta':46} {'':>10} {int(edges):,} edges in {ms} ms, +{added} MiB RSS")
            print(f"{'PATHS during COMPACT, p50 / p99 ms':46} {'':>10} {float(r50):>6.3f}/{float(r99):<7.3f} ({n} queries)")
        elif kind == "memory":
            print(f"{'memory per million edges, base / delta MiB':46} {'':>10} {float(row[1]):>6.1f}/{float(row[2]):<7.1f}")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "table":
        table(sys.argv[2])
    else:
        globals()[what]()
