#!/usr/bin/env python3
"""SPARQL benchmark clients (Benchmarks/sparql.sh): the same queries against `quiver serve`
(redis-py, `SPARQL g QUERY FORMAT JSON`) and Oxigraph (pyoxigraph, in process), timed to the
answer as a W3C SPARQL results JSON document (Quiver's reply bytes; Oxigraph's `serialize`), and
each answer checked, untimed, to be the same in both: median and p95 per query, and queries per
second through the daemon with 8 concurrent clients. Prints CSV rows for the table.

Both sides stop at the document: turning it into Python objects (json.loads, tuples) cost more
than either engine on the queries with many rows, the same for both, and measured Python."""
import json
import os
import random
import statistics
import sys
import threading
import time

import pyoxigraph as ox
import redis

NS = "urn:quiver:name:"
PORT = int(os.environ["QPORT"])
GRAPH = os.environ.get("QGRAPH", "sp")
RUNS = int(os.environ.get("RUNS", "20"))

P = f"PREFIX q: <{NS}>\n"
# name, kind (plain/path), query template: {a} {b} nodes, {r} {r2} relations.
QUERIES = [
    ("point lookup", "plain", P + "SELECT ?p ?o WHERE { q:{a} ?p ?o }"),
    ("star of 3", "plain", P + "SELECT ?x ?y ?z WHERE { q:{a} q:{r} ?x ; q:{r2} ?y ; ?p ?z }"),
    ("2-hop chain + FILTER", "plain", P + "SELECT ?y ?z WHERE { q:{a} ?p ?y . ?y ?p2 ?z FILTER(?z != q:{a}) }"),
    ("3-hop chain + FILTER", "plain", P + "SELECT ?z ?w WHERE { q:{a} ?p ?y . ?y ?p2 ?z . ?z ?p3 ?w FILTER(?w != ?y) } LIMIT 1000"),
    ("selective ⋈ unselective", "plain", P + "SELECT ?y ?z WHERE { q:{a} ?p ?y . ?y q:{r} ?z }"),
    ("OPTIONAL", "plain", P + "SELECT ?y ?z WHERE { q:{a} ?p ?y OPTIONAL { ?y q:{r} ?z } }"),
    ("GROUP BY COUNT per relation", "plain", P + "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"),
    ("ORDER BY … LIMIT 10", "plain", P + "SELECT ?s ?o WHERE { ?s q:{r} ?o } ORDER BY ?o ?s LIMIT 10"),
    ("ASK", "plain", P + "ASK { q:{a} q:{r} ?o }"),
    ("p+ from a bound node", "path", P + "SELECT ?y WHERE { q:{a} q:{r}+ ?y }"),
    ("p1/p2* from a bound node", "path", P + "SELECT ?y WHERE { q:{a} q:{r}/q:{r2}* ?y }"),
    ("p+ between two bound nodes", "path", P + "ASK { q:{a} (q:{r}|q:{r2})+ q:{b} }"),
]
HEAVY = {"GROUP BY COUNT per relation"}


def sample(tsv, n=100_000, seed=7):
    """Subjects with their relations, and 2-hop neighbours, from the TSV's first lines."""
    out, rels = {}, {}
    with open(tsv) as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            s, r, o = line.rstrip("\n").split("\t")
            out.setdefault(s, []).append((r, o))
            rels.setdefault(r, 0)
    rng = random.Random(seed)
    subjects = [s for s, edges in out.items() if 2 <= len(edges) <= 200]
    return out, subjects, sorted(rels), rng


def params(out, subjects, rels, rng):
    a = rng.choice(subjects)
    r, y = rng.choice(out[a])
    r2 = rng.choice(out[a])[0]
    # b: two hops away when there is such a node, else a random subject.
    b = rng.choice(out[y])[1] if y in out else rng.choice(subjects)
    return {"a": a, "b": b, "r": r, "r2": r2}


def fill(template, p):
    for k, v in p.items():
        template = template.replace("{" + k + "}", v)
    return template


def key(term_type, value, datatype=None, lang=None):
    return (term_type, value, datatype or "", lang or "")


def quiver(r, q):
    """Quiver's answer document: the reply's bytes."""
    return r.execute_command("SPARQL", GRAPH, q, "FORMAT", "JSON")


def oxigraph(store, q):
    """Oxigraph's answer document, serialized in process."""
    return store.query(q).serialize(format=ox.QueryResultsFormat.JSON)


def answer_rows(document):
    """An answer document as a comparable value: the boolean, or the sorted rows of (variable,
    term) pairs (a plain literal's xsd:string datatype dropped, as RDF 1.1 makes them one)."""
    doc = json.loads(document)
    if "boolean" in doc:
        return doc["boolean"]
    out = []
    for b in doc["results"]["bindings"]:
        row = []
        for v, t in b.items():
            kind = "literal" if t["type"] == "typed-literal" else t["type"]
            dt = t.get("datatype")
            if dt == "http://www.w3.org/2001/XMLSchema#string" or t.get("xml:lang"):
                dt = None
            row.append((v, key(kind, t["value"], dt, t.get("xml:lang"))))
        out.append(tuple(sorted(row)))
    return sorted(out)


def quantiles(ms):
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.95))]


def main():
    tsv, oxdir = sys.argv[1], sys.argv[2]
    store = ox.Store(oxdir)
    r = redis.Redis(port=PORT, socket_timeout=900)
    out, subjects, rels, rng = sample(tsv)
    # The floor of any daemon query: a PING's round trip through redis-py (Oxigraph runs in process).
    pings = []
    for _ in range(300):
        t0 = time.perf_counter()
        r.ping()
        pings.append((time.perf_counter() - t0) * 1e3)
    print(f"ping,{statistics.median(pings):.3f}")
    for name, kind, template in QUERIES:
        runs = 3 if name in HEAVY else RUNS
        tq, to, rows, mismatch = [], [], 0, 0
        for i in range(runs + 1):
            q = fill(template, params(out, subjects, rels, rng))
            t0 = time.perf_counter()
            qa = quiver(r, q)
            t1 = time.perf_counter()
            ob = oxigraph(store, q)
            t2 = time.perf_counter()
            a, b = answer_rows(qa), answer_rows(ob)
            # LIMIT without ORDER BY may pick different rows: there only the counts must agree.
            same = a == b if "LIMIT" not in q or "ORDER BY" in q else len(a) == len(b)
            if not same:
                mismatch += 1
                if mismatch == 1:
                    print(f"# MISMATCH {name}: {q!r}: quiver {len(a) if isinstance(a, list) else a}, oxigraph {len(b) if isinstance(b, list) else b}", file=sys.stderr)
            if i == 0:
                continue  # warm-up
            tq.append((t1 - t0) * 1e3)
            to.append((t2 - t1) * 1e3)
            rows += len(a) if isinstance(a, list) else 1
        q50, q95 = quantiles(tq)
        o50, o95 = quantiles(to)
        # Quiver's evaluation alone (EXPLAIN's "answer: … in X ms": no transport, no serialisation),
        # for a comparison with Oxigraph in process; on the same kind of bound nodes.
        inside = []
        for i in range(min(runs, 5)):
            plan = r.execute_command("SPARQL", GRAPH, fill(template, params(out, subjects, rels, rng)), "EXPLAIN").decode()
            inside.append(float(plan.rsplit(" in ", 1)[1].split(" ms")[0]))
        e50 = statistics.median(inside)
        print(f"query,{name},{kind},{q50:.3f},{q95:.3f},{o50:.3f},{o95:.3f},{rows / runs:.1f},{mismatch},{e50:.3f}")
        sys.stdout.flush()
    # Queries per second, 8 clients, point lookups, 5 s.
    stop = time.time() + 5
    done = [0] * 8

    def client(k):
        c = redis.Redis(port=PORT)
        local = random.Random(k)
        while time.time() < stop:
            c.execute_command("SPARQL", GRAPH, fill(QUERIES[0][2], params(out, subjects, rels, local)), "FORMAT", "JSON")
            done[k] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"qps,{sum(done) / 5:.0f}")


if __name__ == "__main__":
    main()
