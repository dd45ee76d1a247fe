#!/usr/bin/env python3
"""Helper of Benchmarks/paths.sh (issue 3, path-search benchmark).

    paths_peers.py prepare --tsv G.tsv --workdir W [--pairs 200 --seed 1 --min-hops 4 --max-hops 9 ...]
        Reads the TSV once, picks seeded connected (source, target) pairs by BFS distance over
        out-edges (subject -> object), writes W/pairs.tsv, W/sources.txt, W/cte_pairs.tsv, then times
        the peers on the same triples, each query on its own with time.perf_counter after building
        the graph once: networkx bidirectional_shortest_path on a DiGraph and python-igraph
        get_shortest_path(mode="out"). Also the expected length of the --via query for a subset
        (igraph BFS from the source and to the target around every edge of the via relation).
        Results: W/peers.json.
    paths_peers.py cte-sql --workdir W --gid N --ids IDS.tsv --max-depth 6
        Prints the psql script timing the recursive CTE on W/cte_pairs.tsv.
    paths_peers.py report --workdir W ...
        Reads everything and prints the table and the target checks.

Direction: every system follows stored edges from subject to object only ("out"), the default of
`quiver paths`. Parallel edges (same head and tail, different relation) are one edge for networkx
and igraph's BFS; path lengths are unaffected.
"""
import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter

import numpy as np


def read_tsv(path):
    ids, names, heads, rels, tails = {}, [], [], [], []
    with open(path) as f:
        for line in f:
            h, r, t = line.rstrip("\n").split("\t")
            for x in (h, t):
                if x not in ids:
                    ids[x] = len(names)
                    names.append(x)
            heads.append(ids[h])
            rels.append(r)
            tails.append(ids[t])
    return ids, names, heads, rels, tails


def bfs_dist(g, s, mode):
    """Hop distances from s (inf where not reached), by igraph's BFS."""
    vids, layers, _ = g.bfs(s, mode=mode)
    d = np.full(g.vcount(), np.inf)
    for k in range(len(layers) - 1):
        d[vids[layers[k]:layers[k + 1]]] = k
    return d


def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def prepare(a):
    import igraph as ig
    import networkx as nx

    w = a.workdir
    t0 = time.perf_counter()
    ids, names, heads, rels, tails = read_tsv(a.tsv)
    n = len(names)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    g = ig.Graph(n=n, edges=list(zip(heads, tails)), directed=True)
    t_ig = time.perf_counter() - t0
    outdeg = np.array(g.outdegree())

    # Seeded pairs: a source with out-edges, then a target uniform among the nodes at a BFS
    # distance in [min_hops, max_hops] from it; sources with none are skipped.
    rng = np.random.default_rng(a.seed)
    cand = np.flatnonzero(outdeg > 0)
    pairs, dist, seen, tries = [], [], set(), 0
    while len(pairs) < a.pairs:
        tries += 1
        if tries > 50 * a.pairs:
            sys.exit(f"could not find {a.pairs} pairs at {a.min_hops}..{a.max_hops} hops")
        s = int(rng.choice(cand))
        d = bfs_dist(g, s, "out")
        ok = np.flatnonzero((d >= a.min_hops) & (d <= a.max_hops))
        if ok.size == 0:
            continue
        t = int(rng.choice(ok))
        if (s, t) in seen:
            continue
        seen.add((s, t))
        pairs.append((s, t))
        dist.append(int(d[t]))
    with open(os.path.join(w, "pairs.tsv"), "w") as f:
        f.writelines(f"{names[s]}\t{names[t]}\n" for s, t in pairs)
    with open(os.path.join(w, "sources.txt"), "w") as f:
        f.writelines(f"{names[s]}\n" for s, _ in pairs)
    # The CTE's pairs: a seeded sample of those at <= cte_max_depth hops, spread over Quiver's run
    # (the first queries of a process run with cold caches and page tables; a daemon's do not).
    eligible = [i for i, d in enumerate(dist) if d <= a.cte_max_depth]
    cte_idx = sorted(int(i) for i in rng.choice(eligible, size=min(a.cte_pairs, len(eligible)), replace=False))
    with open(os.path.join(w, "cte_pairs.tsv"), "w") as f:
        f.writelines(f"{i}\t{names[pairs[i][0]]}\t{names[pairs[i][1]]}\n" for i in cte_idx)

    # Expected --via '.*/REL/.*' lengths: min over REL edges (u, v) of d(s, u) + 1 + d(v, t).
    via_expected = {}
    rel_edges = [(h, t) for h, r, t in zip(heads, rels, tails) if r == a.via_rel]
    ru = np.array([u for u, _ in rel_edges], dtype=np.int64)
    rv = np.array([v for _, v in rel_edges], dtype=np.int64)
    for i in range(min(a.via_check, len(pairs))):
        s, t = pairs[i]
        ds = bfs_dist(g, s, "out")
        dt = bfs_dist(g, t, "in")
        best = (ds[ru] + 1 + dt[rv]).min() if ru.size else float("inf")
        via_expected[i] = int(best) if np.isfinite(best) else None

    # igraph: one query at a time.
    ig_ms, ig_len = [], []
    for s, t in pairs:
        t0 = time.perf_counter()
        p = g.get_shortest_path(s, t, mode="out")
        ig_ms.append((time.perf_counter() - t0) * 1e3)
        ig_len.append(len(p) - 1 if p else None)

    t0 = time.perf_counter()
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(heads, tails))
    t_nx = time.perf_counter() - t0
    del heads, rels, tails
    nx_ms, nx_len = [], []
    for s, t in pairs:
        t0 = time.perf_counter()
        p = nx.bidirectional_shortest_path(G, s, t)
        nx_ms.append((time.perf_counter() - t0) * 1e3)
        nx_len.append(len(p) - 1)
    out = dict(
        entities=n, pairs=[[names[s], names[t]] for s, t in pairs], bfs_hops=dist, tries=tries,
        networkx_ms=nx_ms, networkx_len=nx_len, igraph_ms=ig_ms, igraph_len=ig_len,
        via_rel=a.via_rel, via_expected=via_expected, cte_idx=cte_idx,
        build_seconds=dict(read_tsv=t_read, igraph=t_ig, networkx=t_nx),
        versions=dict(networkx=nx.__version__, igraph=ig.__version__, python=sys.version.split()[0]),
    )
    with open(os.path.join(w, "peers.json"), "w") as f:
        json.dump(out, f)
    print(f"  pairs picked ({tries} sources tried); read {t_read:.1f} s, igraph build {t_ig:.1f} s, "
          f"networkx build {t_nx:.1f} s", file=sys.stderr)


def cte_sql(a):
    ids = dict(line.rstrip("\n").split("\t") for line in open(a.ids))
    T = f"triples_g{a.gid}"
    # JIT off: with it, every query pays ~60 ms of compilation on the 5M graph.
    out = ["SET jit = off;", f"SET statement_timeout = '{a.timeout_s}s';", "\\timing on"]
    for line in open(os.path.join(a.workdir, "cte_pairs.tsv")):
        i, s, t = line.rstrip("\n").split("\t")
        S, D = ids[s], ids[t]
        # Breadth-first by construction: UNION ALL adds depth 1, then 2, ...; PostgreSQL evaluates
        # only as many rows as the outer LIMIT fetches, so the first row at the target is a
        # shortest walk and the search stops there. The path array keeps paths simple.
        out.append(f"\\echo pair {i}")
        out.append(
            f"WITH RECURSIVE walk(node, depth, path) AS ("
            f" SELECT o, 1, ARRAY[s, o] FROM {T} WHERE s = {S}"
            f" UNION ALL"
            f" SELECT t.o, w.depth + 1, w.path || t.o FROM walk w JOIN {T} t ON t.s = w.node"
            f" WHERE w.depth < {a.max_depth} AND w.node <> {D} AND t.o <> ALL (w.path))"
            f" SELECT depth FROM walk WHERE node = {D} LIMIT 1;")
    print("\n".join(out))


def parse_cte(path):
    """pair index -> (ms, depth or None, timed out)"""
    res, cur, depth = {}, None, None
    for line in open(path):
        line = line.strip()
        m = re.match(r"pair (\d+)$", line)
        if m:
            cur, depth = int(m.group(1)), None
            continue
        if re.fullmatch(r"\d+", line) and cur is not None:
            depth = int(line)
        m = re.match(r"Time: ([\d.]+) ms", line)
        if m and cur is not None:
            res[cur] = (float(m.group(1)), depth, False)
        if "canceling statement due to statement timeout" in line and cur is not None:
            res[cur] = (None, None, True)
    return res


def jsonl(path):
    with open(path) as f:
        return [json.loads(x) for x in f if x.strip()]


def report(a):
    w = a.workdir
    P = json.load(open(os.path.join(w, "peers.json")))
    n = len(P["pairs"])
    nx_ms, ig_ms = P["networkx_ms"], P["igraph_ms"]
    q = {m: jsonl(os.path.join(w, f"q_{m}.jsonl")) for m in ("shortest", "kshortest", "simple", "via")}
    reach = jsonl(os.path.join(w, "q_reach.jsonl"))
    for m, rows in q.items():
        assert len(rows) == n, (m, len(rows))
        assert all(r["from"] == p[0] and r["to"] == p[1] for r, p in zip(rows, P["pairs"])), m
    ms = {m: [r["micros"] / 1e3 for r in rows] for m, rows in q.items()}
    errors = {m: sum(1 for r in rows if r.get("error")) for m, rows in q.items()}
    stats = json.load(open(os.path.join(w, "stats.json")))
    cte = parse_cte(os.path.join(w, "cte.out")) if os.path.exists(os.path.join(w, "cte.out")) else {}
    nxmed = statistics.median(nx_ms)

    # Answers.
    qlen = [r["paths"][0]["edges"].__len__() if r["paths"] else None for r in q["shortest"]]
    mism = [i for i in range(n) if qlen[i] != P["networkx_len"][i]]
    ig_mism = [i for i in range(n) if P["igraph_len"][i] != P["networkx_len"][i]]
    bfs_mism = [i for i in range(n) if P["bfs_hops"][i] != P["networkx_len"][i]]
    via_exp = {int(k): v for k, v in P["via_expected"].items()}
    via_len = [len(r["paths"][0]["edges"]) if r["paths"] else None for r in q["via"]]
    # A shortest --via walk longer than quiver's ceiling (16) is correctly answered "none, max-hops".
    via_mism = [i for i, v in via_exp.items() if via_len[i] != v
                and not (via_len[i] is None and v is not None and v > 16 and q["via"][i]["reason"] == "max-hops")]
    k_bad = []
    for i, r in enumerate(q["kshortest"]):
        lens = [len(p["edges"]) for p in r["paths"]]
        simple = all(len(set(p["nodes"])) == len(p["nodes"]) for p in r["paths"])
        if not lens or lens[0] != P["networkx_len"][i] or lens != sorted(lens) or not simple:
            k_bad.append(i)
    k_short = sum(1 for r in q["kshortest"] if len(r["paths"]) < 10)
    simple_with = sum(1 for r in q["simple"] if r["paths"])
    simple_expect = sum(1 for d in P["networkx_len"] if d <= 4)
    simple_trunc = sum(1 for r in q["simple"] if r["truncated"])
    simple_bad = [i for i, r in enumerate(q["simple"])
                  if any(len(p["edges"]) > 4 or len(set(p["nodes"])) != len(p["nodes"]) for p in r["paths"])
                  or bool(r["paths"]) != (P["networkx_len"][i] <= 4)]

    hist = Counter(P["bfs_hops"])
    print(f"\n=== Path search: graph {a.graph} — {a.desc}")
    print(f"entities {P['entities']:,} (named in triples), triples {stats['triples']:,}, relations {stats.get('relations', '?')}")
    print(f"pairs: {n} (seed {a.seed}; target uniform among nodes {a.hops} out-hops from a random source with out-edges)")
    print("shortest-path hop lengths: " + "  ".join(f"{k}:{hist[k]}" for k in sorted(hist)))
    print(f"direction: out (subject -> object) for every system; quiver --max-hops ceiling 16")
    print()
    hdr = f"{'query':<34}{'system':<22}{'n':>5}{'median ms':>12}{'p95 ms':>11}{'vs networkx':>14}"
    print(hdr)
    print("-" * len(hdr))

    def row(query, system, xs, ratio=True, extra=""):
        med = statistics.median(xs)
        r = f"{nxmed / med:>13.1f}x" if ratio else f"{'':>14}"
        print(f"{query:<34}{system:<22}{len(xs):>5}{med:>12.4f}{pct(xs, 0.95):>11.4f}{r}{extra}")
        return med

    qmed = row("shortest", "quiver", ms["shortest"])
    row("shortest", "networkx bidir. BFS", nx_ms)
    row("shortest", "igraph get_shortest_path", ig_ms)
    cte_ok = [i for i in P["cte_idx"] if i in cte and not cte[i][2]]
    cte_to = [i for i in P["cte_idx"] if i in cte and cte[i][2]]
    cte_sub_q = [ms["shortest"][i] for i in P["cte_idx"]]
    cte_ms = [cte[i][0] if not cte[i][2] else a.cte_timeout_s * 1e3 for i in P["cte_idx"] if i in cte]
    if cte_ms:
        lab = f"shortest, CTE subset (≤{a.cte_depth} hops)"
        q_cte_med = row(lab, "quiver", cte_sub_q)
        cte_med = row(lab, f"postgres CTE {a.cte_depth} hops", cte_ms,
                      extra=f"   ({len(cte_to)} timed out at {a.cte_timeout_s} s, counted as {a.cte_timeout_s} s)" if cte_to else "")
    row("k-shortest, k=10", "quiver", ms["kshortest"], ratio=False)
    row("simple ≤4 hops, limit 1000", "quiver", ms["simple"], ratio=False)
    row(f"shortest --via '{a.via}'", "quiver", ms["via"], ratio=False)
    rm = [r["micros"] / 1e3 for r in reach]
    row("3-hop reach --count (per source)", "quiver", rm, ratio=False)
    edges = sum(r["edges_scanned"] for r in reach)
    secs = sum(r["micros"] for r in reach) / 1e6
    rates = [r["edges_scanned"] / (r["micros"] / 1e6) for r in reach if r["micros"] > 0]
    rate = edges / secs
    print()
    print(f"3-hop neighbourhood enumeration (quiver reach --max-hops 3 --count, {len(reach)} pair sources, one thread): "
          f"{edges:,} edges scanned in {secs:.3f} s = {rate / 1e6:.1f} M edges/s "
          f"(per-source median {statistics.median(rates) / 1e6:.1f} M/s; median reached {statistics.median(r['count'] for r in reach):,.0f} nodes, "
          f"median {statistics.median(r['edges_scanned'] for r in reach):,.0f} edges)")
    for m, label in (("shortest", "shortest"), ("via", "shortest --via")):
        rows = q[m]
        if rows and "edges_scanned" in rows[0]:
            e = sum(r["edges_scanned"] for r in rows)
            s_ = sum(r["micros"] for r in rows) / 1e6
            print(f"{label}: median {statistics.median(r['edges_scanned'] for r in rows):,.0f} edges scanned per query "
                  f"(max {max(r['edges_scanned'] for r in rows):,}); {e / s_ / 1e6:.1f} M edges/s over the {len(rows)} queries")
    ab = stats["snapshot_adjacency_bytes"]
    print(f"snapshot adjacency: {ab / 2**20:.1f} MiB for {stats['triples']:,} edges = "
          f"{ab / 2**20 / (stats['triples'] / 1e6):.1f} MiB per million edges "
          f"({ab / stats['triples']:.1f} bytes per edge); snapshot build {stats.get('snapshot_seconds', float('nan')):.2f} s")
    print()
    print("answers:")
    print(f"  shortest length mismatches quiver vs networkx: {len(mism)}" + (f"  pairs {mism[:10]}" if mism else ""))
    print(f"  igraph vs networkx length mismatches: {len(ig_mism)}; pair-picking BFS vs networkx: {len(bfs_mism)}")
    print(f"  quiver errors per mode: {errors}")
    print(f"  --via lengths checked against igraph (min over {P['via_rel']} edges of d(s,u)+1+d(v,t)) on {len(via_exp)} pairs: "
          f"{len(via_mism)} mismatches" + (f" {[(i, via_len[i], via_exp[i]) for i in via_mism[:10]]}" if via_mism else "")
          + f"; via answers found {sum(1 for v in via_len if v is not None)}/{n}, truncated "
          f"{sum(1 for r in q['via'] if r['truncated'])} (max-hops: the walk needs > 16 hops)")
    print(f"  k-shortest: first length = networkx length, nondecreasing, simple: {n - len(k_bad)}/{n} ok"
          + (f" (bad {k_bad[:10]})" if k_bad else "") + f"; pairs with < 10 paths: {k_short}; truncated {sum(1 for r in q['kshortest'] if r['truncated'])}")
    print(f"  simple ≤4: pairs with ≥1 path {simple_with} (expected {simple_expect}: pairs at ≤4 hops), "
          f"at the 1000 limit {simple_trunc}, inconsistent {len(simple_bad)}" + (f" {simple_bad[:10]}" if simple_bad else ""))
    if cte_ms:
        cte_depth_bad = [i for i in cte_ok if cte[i][1] != P["networkx_len"][i]]
        print(f"  CTE depths vs networkx on its {len(cte_ok)} finished pairs: {len(cte_depth_bad)} mismatches")
    print()
    print("targets:")
    t1 = qmed <= nxmed / 5
    print(f"  shortest median ≤ 1/5 of networkx: quiver {qmed * 1e3:.1f} µs vs networkx {nxmed * 1e3:.1f} µs "
          f"(limit {nxmed / 5 * 1e3:.1f} µs, {nxmed / qmed:.1f}x faster)  {'PASS' if t1 else 'FAIL'}")
    if cte_ms:
        sp = cte_med / q_cte_med
        print(f"  ≥ 100x faster than the {a.cte_depth}-hop recursive CTE (same {len(cte_ms)} pairs, medians): "
              f"CTE {cte_med:.2f} ms vs quiver {q_cte_med * 1e3:.1f} µs = {sp:,.0f}x  {'PASS' if sp >= 100 else 'FAIL'}"
              + (" (a lower bound: timeouts counted at the timeout)" if cte_to else ""))
    print(f"  ≥ 50M edges scanned per second per core (3-hop reach): {rate / 1e6:.1f} M/s  {'PASS' if rate >= 50e6 else 'FAIL'}")
    print(f"  quiver shortest lengths = networkx for every pair: {len(mism)} mismatches  {'PASS' if not mism else 'FAIL'}")
    b = P["build_seconds"]
    print(f"\nnotes: peers built once, not timed per query (read TSV {b['read_tsv']:.1f} s, igraph {b['igraph']:.1f} s, "
          f"networkx {b['networkx']:.1f} s); versions {P['versions']}; quiver times are its own per-query \"micros\" "
          f"from one process per mode over one snapshot; CTE timed by psql \\timing over the socket.")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--tsv", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--pairs", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--min-hops", type=int, default=1)
    p.add_argument("--max-hops", type=int, default=10**9)
    p.add_argument("--via-rel", default="r1")
    p.add_argument("--via-check", type=int, default=200)
    p.add_argument("--cte-pairs", type=int, default=20)
    p.add_argument("--cte-max-depth", type=int, default=6)
    p = sub.add_parser("cte-sql")
    p.add_argument("--workdir", required=True)
    p.add_argument("--gid", required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--max-depth", type=int, default=6)
    p.add_argument("--timeout-s", type=int, default=20)
    p = sub.add_parser("report")
    p.add_argument("--workdir", required=True)
    p.add_argument("--graph", required=True)
    p.add_argument("--desc", default="")
    p.add_argument("--seed", default="")
    p.add_argument("--hops", default="")
    p.add_argument("--via", default="")
    p.add_argument("--cte-depth", type=int, default=6)
    p.add_argument("--cte-timeout-s", type=int, default=20)
    a = ap.parse_args()
    {"prepare": prepare, "cte-sql": cte_sql, "report": report}[a.cmd](a)


if __name__ == "__main__":
    main()
