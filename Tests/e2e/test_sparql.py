"""SPARQL end to end: `quiver sparql` (the CLI) and `SPARQL` through redis-cli and redis-py,
checked against rdflib answering the same queries over the same triples (Kinships, loaded from
TSV: its names are the IRIs <urn:quiver:name:NAME> to SPARQL)."""
import csv
import io
import json
import os

import pytest
import rdflib
import redis

KINSHIPS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets", "kinships", "train.txt")
NS = "urn:quiver:name:"

QUERIES = [
    # a point lookup, a star, a 2-hop chain with a filter, OPTIONAL, UNION, MINUS, aggregates,
    # ORDER BY with LIMIT, property paths, negation, VALUES, a subquery, ASK
    "SELECT ?y WHERE { q:person100 q:term6 ?y }",
    "SELECT ?x ?a ?b WHERE { ?x q:term6 ?a ; q:term10 ?b }",
    "SELECT ?x ?z WHERE { ?x q:term6 ?y . ?y q:term10 ?z FILTER(?x != ?z) }",
    "SELECT ?x ?y WHERE { ?x q:term6 q:person80 OPTIONAL { ?x q:term12 ?y } }",
    "SELECT ?x WHERE { { ?x q:term6 q:person80 } UNION { q:person80 q:term6 ?x } }",
    "SELECT ?x WHERE { ?x q:term6 ?y MINUS { ?x q:term10 ?z } }",
    "SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { ?s ?p ?o } GROUP BY ?p HAVING (COUNT(*) > 200)",
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s q:term6 ?o } GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 10",
    "SELECT ?y WHERE { q:person100 q:term6+ ?y }",
    "SELECT ?x WHERE { ?x (q:term6|^q:term10)/q:term12 q:person39 }",
    "SELECT ?y WHERE { q:person100 q:term6? ?y }",
    "SELECT ?x WHERE { ?x q:term6 ?y FILTER NOT EXISTS { ?y q:term6 ?x } }",
    "SELECT ?x ?y WHERE { VALUES ?x { q:person100 q:person37 } ?x q:term10 ?y }",
    "SELECT ?x ?n WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x } FILTER(?n > 150) }",
    "SELECT (STRAFTER(STR(?x), \"urn:quiver:name:person\") AS ?id) WHERE { ?x q:term20 q:person100 }",
]


def prologue(q):
    return f"PREFIX q: <{NS}>\n" + q


@pytest.fixture(scope="module")
def kinships(daemon):
    g = "e2e-sparql-kinships"
    daemon.cli("load", g, os.path.abspath(KINSHIPS), "--format", "tsv")
    reference = rdflib.Graph()
    with open(KINSHIPS) as f:
        for line in f:
            s, p, o = line.rstrip("\n").split("\t")
            reference.add((rdflib.URIRef(NS + s), rdflib.URIRef(NS + p), rdflib.URIRef(NS + o)))
    return g, reference


def rdflib_rows(reference, query):
    result = reference.query(query)
    return sorted(tuple("" if v is None else str(v) for v in row) for row in result), [str(v) for v in result.vars]


def csv_rows(text):
    rows = list(csv.reader(io.StringIO(text)))
    return sorted(tuple(r) for r in rows[1:]), rows[0]


@pytest.mark.parametrize("query", QUERIES)
def test_cli_csv_matches_rdflib(daemon, kinships, query):
    g, reference = kinships
    q = prologue(query)
    out = daemon.cli("sparql", g, q, "--format", "csv")
    got, head = csv_rows(out.stdout)
    want, variables = rdflib_rows(reference, q)
    assert head == variables
    assert got == want, f"{query}: quiver {len(got)} rows, rdflib {len(want)}"


def test_redis_clients_and_formats(daemon, kinships):
    g, reference = kinships
    q = prologue("SELECT ?y WHERE { q:person100 q:term6 ?y }")
    want, _ = rdflib_rows(reference, q)
    # redis-py, RESP3: one map per row, terms in N-Triples form.
    r = redis.Redis(port=daemon.port, protocol=3, decode_responses=True)
    rows = r.execute_command("SPARQL", g, q)
    assert sorted((row["y"].strip("<>"),) for row in rows) == want
    # redis-cli: the W3C JSON document as one reply.
    doc = json.loads(daemon.redis_cli("SPARQL", g, q, "FORMAT", "JSON").stdout)
    assert doc["head"]["vars"] == ["y"]
    assert sorted((b["y"]["value"],) for b in doc["results"]["bindings"]) == want
    # ASK, and a syntax error with its position.
    assert r.execute_command("SPARQL", g, "ASK { ?s ?p ?o }") is True
    with pytest.raises(redis.ResponseError, match="line 1, column"):
        r.execute_command("SPARQL", g, "SELECT * WHERE { ?s ?p }")


def test_cli_reads_the_query_from_a_file_and_stdin(daemon, kinships, tmp_path):
    g, _ = kinships
    path = tmp_path / "q.rq"
    path.write_text(prologue("SELECT ?y WHERE { q:person100 q:term6 ?y }"))
    by_file = daemon.cli("sparql", g, "--file", str(path), "--format", "tsv").stdout
    import subprocess
    by_stdin = subprocess.run([daemon.binary, "sparql", g, "-", "--format", "tsv", "--data-dir", daemon.data_dir],
                              input=path.read_text(), capture_output=True, text=True, timeout=120).stdout
    assert by_file == by_stdin and by_file.startswith("?y\n")
