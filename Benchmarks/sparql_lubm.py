#!/usr/bin/env python3
"""LUBM's classic query shapes on the generated university graph (gen_university.py), against
`quiver serve` and Oxigraph, answers checked equal, median and p95 per query. Types are explicit
in the data, so the queries need no inference. Prints CSV rows for sparql.sh's table."""
import os
import sys
import time

import pyoxigraph as ox
import redis

import sparql_clients as sc

PREFIX = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
"""
D0 = "http://www.Department0.University0.edu"
QUERIES = [
    ("LUBM Q1: students of a course", f"SELECT ?x WHERE {{ ?x rdf:type ub:GraduateStudent . ?x ub:takesCourse <{D0}/GraduateCourse0> }}"),
    ("LUBM Q2: triangle member/sub-org/degree", "SELECT ?x ?y ?z WHERE { ?x rdf:type ub:GraduateStudent . ?y rdf:type ub:University . ?z rdf:type ub:Department . ?x ub:memberOf ?z . ?z ub:subOrganizationOf ?y . ?x ub:undergraduateDegreeFrom ?y }"),
    ("LUBM Q4: professors' attributes", f"SELECT ?x ?y1 ?y2 ?y3 WHERE {{ ?x rdf:type ub:FullProfessor . ?x ub:worksFor <{D0}> . ?x ub:name ?y1 . ?x ub:emailAddress ?y2 . ?x ub:telephone ?y3 }}"),
    ("LUBM Q7: courses of a teacher", f"SELECT ?x ?y WHERE {{ ?x rdf:type ub:UndergraduateStudent . ?y rdf:type ub:Course . ?x ub:takesCourse ?y . <{D0}/AssociateProfessor0> ub:teacherOf ?y }}"),
    ("LUBM Q9: triangle advisor/teacher/course", "SELECT ?x ?y ?z WHERE { ?x rdf:type ub:GraduateStudent . ?y rdf:type ub:FullProfessor . ?z rdf:type ub:GraduateCourse . ?x ub:advisor ?y . ?y ub:teacherOf ?z . ?x ub:takesCourse ?z }"),
    ("LUBM Q14: all undergraduates", "SELECT ?x WHERE { ?x rdf:type ub:UndergraduateStudent }"),
    ("literal FILTER on a number", "SELECT ?x ?a WHERE { ?x rdf:type ub:GraduateStudent ; ub:age ?a FILTER(?a >= 39) }"),
    ("GROUP BY department top 5", "SELECT ?d (COUNT(?s) AS ?n) WHERE { ?s ub:memberOf ?d } GROUP BY ?d ORDER BY DESC(?n) ?d LIMIT 5"),
]


def main():
    oxdir, runs = sys.argv[1], int(os.environ.get("RUNS", "10"))
    store = ox.Store(oxdir)
    r = redis.Redis(port=sc.PORT, socket_timeout=900)
    for name, body in QUERIES:
        q = PREFIX + body
        tq, to = [], []
        a = sc.answer_rows(sc.quiver(r, q))
        b = sc.answer_rows(sc.oxigraph(store, q))
        mismatch = 0 if a == b else 1
        if mismatch:
            print(f"# MISMATCH {name}: quiver {len(a) if isinstance(a, list) else a}, oxigraph {len(b) if isinstance(b, list) else b}", file=sys.stderr)
        for _ in range(runs):
            t0 = time.perf_counter()
            sc.quiver(r, q)
            t1 = time.perf_counter()
            sc.oxigraph(store, q)
            t2 = time.perf_counter()
            tq.append((t1 - t0) * 1e3)
            to.append((t2 - t1) * 1e3)
        q50, q95 = sc.quantiles(tq)
        o50, o95 = sc.quantiles(to)
        plan = r.execute_command("SPARQL", sc.GRAPH, q, "EXPLAIN").decode()
        e = float(plan.rsplit(" in ", 1)[1].split(" ms")[0])
        print(f"query,{name},plain,{q50:.3f},{q95:.3f},{o50:.3f},{o95:.3f},{len(a) if isinstance(a, list) else 1},{mismatch},{e:.3f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
