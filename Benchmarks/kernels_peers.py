#!/usr/bin/env python3
"""Peers and report for Benchmarks/kernels.sh.

  ppr     scipy.sparse power iteration for personalized PageRank on the ints TSV (deduplicated
          triples, the same convention as `quiver ppr`: alpha = teleport probability, mass on nodes
          without out-edges returns to the seed), timed over exactly N iterations, float64.
  spmm    scipy CSR x dense (float32) on the in-CSR quiver-bench-kernels wrote, with the same dense
          input formula; best of --repeat.
  report  tables with PASS/FAIL against the targets.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def read_ints(path):
    with open(path, "rb") as f:
        a = np.array(f.read().split(), dtype=np.int64)
    return a.reshape(-1, 3)


def cmd_ppr(a):
    import scipy.sparse as sp
    t = np.unique(read_ints(a.tsv), axis=0)  # the store keeps each triple once
    ids, inv = np.unique(np.concatenate([t[:, 0], t[:, 2]]), return_inverse=True)
    m = len(t)
    heads, tails = inv[:m], inv[m:]
    n = len(ids)
    outdeg = np.bincount(heads, minlength=n).astype(np.float64)
    P = sp.csr_matrix((1.0 / outdeg[heads], (tails, heads)), shape=(n, n))
    seed = int(a.seed_name.lstrip("e"))
    s = np.zeros(n)
    s[np.searchsorted(ids, seed)] = 1.0
    dangling = outdeg == 0
    alpha = a.alpha
    p = s.copy()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.iterations):
        p = (1 - alpha) * (P @ p) + (alpha + (1 - alpha) * p[dangling].sum()) * s
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    top = np.lexsort((np.arange(n), -p))[: a.top_k]
    json.dump({"seconds": sec, "cpu_seconds": cpu, "edges": m * a.iterations, "triples": m, "nnz": int(P.nnz),
               "edges_per_second": m * a.iterations / sec,
               "results": [{"node": f"e{ids[i]}", "score": float(p[i])} for i in top]}, open(a.out, "w"))


def cmd_spmm(a):
    import scipy.sparse as sp
    indptr = np.fromfile(os.path.join(a.dir, "indptr.i64"), dtype=np.int64)
    indices = np.fromfile(os.path.join(a.dir, "indices.i32"), dtype=np.int32)
    data = np.fromfile(os.path.join(a.dir, "data.f32"), dtype=np.float32)
    n = len(indptr) - 1
    A = sp.csr_matrix((data, indices, indptr), shape=(n, n))
    for w in [int(x) for x in a.widths.split(",")]:
        u = np.arange(n, dtype=np.int64)[:, None]
        d = np.arange(w, dtype=np.int64)[None, :]
        X = (((31 * u + 17 * d) % 101).astype(np.float32) / np.float32(101) - np.float32(0.5)).astype(np.float32)
        best = best_cpu = float("inf")
        for _ in range(a.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            Y = A @ X
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        e = len(indices)
        print(json.dumps({"bench": "scipy_spmm", "width": w, "seconds": best, "cpu_seconds": best_cpu, "gflops": 2 * e * w / best / 1e9,
                          "bytes_per_second": (e * 12 + e * w * 4 + n * w * 4) / best,
                          "checksum": float(Y.sum(dtype=np.float64)), "row0": [float(v) for v in Y[0, :4]]}), flush=True)
        del X, Y


def cmd_report(a):
    q = json.load(open(a.quiver_ppr))
    p = json.load(open(a.peer_ppr))
    ok_all = True
    print(f"\n== PPR, one seed ({a.seed_name}), alpha {a.alpha}, {a.iterations} power iterations, {p['triples']:,} triples ==")
    print(f"{'system':34s} {'seconds':>9s} {'cpu s':>7s} {'edge updates/s':>16s} {'per cpu-second':>15s}")
    def line(name, r, secs_key):
        print(f"{name:34s} {r[secs_key]:9.3f} {r['kernel_cpu_seconds' if secs_key == 'kernel_seconds' else 'cpu_seconds']:7.3f} "
              f"{r['edges'] / r[secs_key] / 1e6:14.1f} M {r['edges'] / r['kernel_cpu_seconds' if secs_key == 'kernel_seconds' else 'cpu_seconds'] / 1e6:13.1f} M")
    line('quiver ppr (threads ' + str(a.threads) + ')', q, 'kernel_seconds')
    if a.quiver_ppr1:
        line('quiver ppr (threads 1)', json.load(open(a.quiver_ppr1)), 'kernel_seconds')
    line('scipy csr power iteration (1 thr)', p, 'seconds')
    ratio = q["edges_per_second"] / p["edges_per_second"]
    passed = ratio >= 1.5
    ok_all &= passed
    print(f"speed-up {ratio:.2f}x (target >= 1.5x): {'PASS' if passed else 'FAIL'}")
    qn = [r["node"] for r in q["results"]]
    pn = [r["node"] for r in p["results"]]
    qs = {r["node"]: r["score"] for r in q["results"]}
    same = set(qn) == set(pn) and all(abs(qs[r["node"]] - r["score"]) <= 1e-4 * max(r["score"], 1e-9) + 1e-7 for r in p["results"])
    ok_all &= same
    print(f"top-10 {'identical' if qn == pn else 'same set' if set(qn) == set(pn) else 'DIFFERENT'}, scores within 1e-4 relative: {'PASS' if same else 'FAIL'}")
    for i, (x, y) in enumerate(zip(q["results"], p["results"])):
        print(f"  {i + 1:2d}. {x['node']:>10s} {x['score']:.6e}   {y['node']:>10s} {y['score']:.6e}")

    rows = [json.loads(l) for l in open(a.bench) if l.strip()]
    peers = [json.loads(l) for l in open(a.peer_spmm) if l.strip()]
    stream = {r["threads"]: r["bytes_per_second"] for r in rows if r["bench"] == "stream"}
    print("\n== rspmm (sum, mul), R = 1 (so it equals the weighted CSR product), float32 ==")
    print("STREAM-like copy: " + ", ".join(f"{t} thread{'s' if t > 1 else ''} {bw / 1e9:.1f} GB/s" for t, bw in sorted(stream.items())))
    print(f"{'width':>5s} {'system':28s} {'seconds':>8s} {'cpu s':>7s} {'GFLOP/s':>8s} {'GB/s':>7s} {'of copy bw':>10s}")
    for w in sorted({r["width"] for r in rows if r["bench"] == "rspmm"}):
        peer = next(r for r in peers if r["width"] == w)
        best = None
        for r in sorted((r for r in rows if r["bench"] == "rspmm" and r["width"] == w), key=lambda r: r["threads"]):
            frac = r["bytes_per_second"] / stream[r["threads"]]
            print(f"{w:5d} {'quiver rspmm (threads ' + str(r['threads']) + ')':28s} {r['seconds']:8.3f} {r['cpu_seconds']:7.3f} {r['gflops']:8.2f} {r['bytes_per_second'] / 1e9:7.1f} {frac:9.0%}")
            best = r
        frac = peer["bytes_per_second"] / stream[1]
        print(f"{w:5d} {'scipy csr @ dense (1 thr)':28s} {peer['seconds']:8.3f} {peer['cpu_seconds']:7.3f} {peer['gflops']:8.2f} {peer['bytes_per_second'] / 1e9:7.1f} {frac:9.0%}")
        agree = abs(best["checksum"] - peer["checksum"]) <= 1e-4 * abs(peer["checksum"]) + 1e-2
        faster = best["gflops"] >= peer["gflops"]
        ok_all &= agree and faster
        print(f"      results agree (checksum {best['checksum']:.6g} vs {peer['checksum']:.6g}): {'PASS' if agree else 'FAIL'}; "
              f"quiver >= scipy GFLOP/s: {'PASS' if faster else 'FAIL'} ({best['gflops'] / peer['gflops']:.2f}x)")
    print("\nGFLOP/s counts 2 x edges x width (one multiply-add per edge and column, as for the CSR product);"
          " GB/s counts the least traffic: 12 B per edge, one source row per edge, one output row per node.")
    print("overall: " + ("PASS" if ok_all else "FAIL"))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ppr")
    p.add_argument("--tsv", required=True); p.add_argument("--seed-name", required=True)
    p.add_argument("--alpha", type=float, default=0.15); p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--top-k", type=int, default=10); p.add_argument("--out", required=True)
    s = sub.add_parser("spmm")
    s.add_argument("--dir", required=True); s.add_argument("--widths", default="32,256"); s.add_argument("--repeat", type=int, default=3)
    r = sub.add_parser("report")
    for k in ["--quiver-ppr", "--peer-ppr", "--bench", "--peer-spmm", "--seed-name"]:
        r.add_argument(k, required=True)
    r.add_argument("--quiver-ppr1"); r.add_argument("--alpha", type=float, default=0.15)
    r.add_argument("--iterations", type=int, default=20); r.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    {"ppr": cmd_ppr, "spmm": cmd_spmm, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
