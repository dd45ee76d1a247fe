"""The W3C SPARQL 1.1 Protocol tests (sparql11/protocol/manifest.ttl in the suites `make test`
fetches), against `quiver serve --http-port`. The manifest only names its 34 tests; their HTTP
exchanges are described in the W3C's protocol test document, and each is implemented here under
its manifest name: the harness fails when the manifest lists a test that has no check, so the
manifest drives what runs. The tests' data documents (kasei.us's data1.rdf …) are the service's
own graphs here, loaded under those IRIs, since Quiver does not dereference graph IRIs."""
import http.client
import json
import os
import urllib.parse

import pytest
import rdflib
import rdflib.collection

from conftest import REPO, Daemon, free_port

SUITES = os.path.join(REPO, ".build", "w3c-tests")
DATA = "http://kasei.us/2009/09/sparql/data/"
GRAPHS = {
    DATA + "data0.rdf": "<http://kasei.us/about/foaf.xrdf#greg> <http://xmlns.com/foaf/0.1/name> \"Gregory Todd Williams\" .\n",
    DATA + "data1.rdf": "<http://example.org/alice> <http://xmlns.com/foaf/0.1/name> \"Alice\" .\n",
    DATA + "data2.rdf": "<http://example.org/bob> <http://xmlns.com/foaf/0.1/name> \"Bob\" .\n",
    DATA + "data3.rdf": "<http://example.org/carol> <http://xmlns.com/foaf/0.1/name> \"Carol\" .\n",
}
RESULTS = ("application/sparql-results+xml", "application/sparql-results+json", "text/csv", "text/tab-separated-values")
RDF = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/n-quads", "application/trig")


@pytest.fixture(scope="module")
def service(data_dir):
    port = free_port()
    d = Daemon(data_dir, ["--http-port", str(port), "--http-default-graph", "w3c-protocol-default"])
    for iri, nt in GRAPHS.items():
        path = os.path.join(data_dir, iri.rsplit("/", 1)[1] + ".nt")
        with open(path, "w") as f:
            f.write(nt)
        d.cli("load", iri, path)
    yield f"http://127.0.0.1:{port}/sparql"
    d.terminate()


def call(url, method="GET", params=None, body=None, content_type=None, accept=None):
    """(status, content type, body) of one request, with exactly the headers given (urllib
    would add a form Content-Type to a POST that has none)."""
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    parts = urllib.parse.urlsplit(url)
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if accept:
        headers["Accept"] = accept
    data = body.encode() if isinstance(body, str) else body
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, parts.path + ("?" + parts.query if parts.query else ""), body=data, headers=headers)
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type", ""), r.read().decode()
    finally:
        conn.close()


def form(pairs):
    return urllib.parse.urlencode(pairs, doseq=True)


def count(body):
    return int(json.loads(body)["results"]["bindings"][0]["count"]["value"])


COUNT = "SELECT (COUNT(*) AS ?count) { ?s ?p ?o }"
NAMED_COUNT = "SELECT (COUNT(DISTINCT ?g) AS ?count) { GRAPH ?g { ?s ?p ?o } }"
JSON = "application/sparql-results+json"


def ok_results(status, ctype):
    assert status == 200 and ctype.split(";")[0] in RESULTS, (status, ctype)


CHECKS = {}


def check(name):
    def register(f):
        CHECKS[name] = f
        return f
    return register


@check("query_post_form")
def _(u):
    ok_results(*call(u, "POST", body=form({"query": "ASK {}"}), content_type="application/x-www-form-urlencoded")[:2])


@check("query_dataset_default_graphs_get")
def _(u):
    s, t, b = call(u, params={"query": COUNT, "default-graph-uri": DATA + "data1.rdf"}, accept=JSON)
    ok_results(s, t)
    assert count(b) == 1


@check("query_dataset_default_graphs_post")
def _(u):
    s, t, b = call(u, "POST", body=form({"query": COUNT, "default-graph-uri": [DATA + "data1.rdf", DATA + "data2.rdf"]}),
                   content_type="application/x-www-form-urlencoded", accept=JSON)
    ok_results(s, t)
    assert count(b) == 2


@check("query_dataset_named_graphs_post")
def _(u):
    s, t, b = call(u, "POST", body=form({"query": NAMED_COUNT, "named-graph-uri": [DATA + "data1.rdf", DATA + "data2.rdf"]}),
                   content_type="application/x-www-form-urlencoded", accept=JSON)
    ok_results(s, t)
    assert count(b) == 2


@check("query_dataset_named_graphs_get")
def _(u):
    s, t, b = call(u, params={"query": NAMED_COUNT, "named-graph-uri": [DATA + "data1.rdf", DATA + "data2.rdf"]}, accept=JSON)
    ok_results(s, t)
    assert count(b) == 2


@check("query_dataset_full")
def _(u):
    q = "SELECT ?g (COUNT(*) AS ?count) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g ORDER BY ?g"
    s, t, b = call(u, params={"query": q, "default-graph-uri": DATA + "data3.rdf",
                              "named-graph-uri": [DATA + "data1.rdf", DATA + "data2.rdf"]}, accept=JSON)
    ok_results(s, t)
    rows = json.loads(b)["results"]["bindings"]
    assert sorted(r.get("g", {}).get("value", "") for r in rows) == ["", DATA + "data1.rdf", DATA + "data2.rdf"]


@check("query_multiple_dataset")
def _(u):
    # The protocol's dataset wins over the query's FROM.
    q = f"SELECT (COUNT(*) AS ?count) FROM <{DATA}data1.rdf> FROM <{DATA}data2.rdf> {{ ?s ?p ?o }}"
    s, t, b = call(u, params={"query": q, "default-graph-uri": DATA + "data3.rdf"}, accept=JSON)
    ok_results(s, t)
    assert count(b) == 1


@check("query_get")
def _(u):
    ok_results(*call(u, params={"query": "ASK {}"})[:2])


@check("query_content_type_select")
def _(u):
    ok_results(*call(u, params={"query": "SELECT (1 AS ?value) {}"})[:2])


@check("query_content_type_ask")
def _(u):
    s, t, b = call(u, params={"query": "ASK {}"}, accept=JSON)
    ok_results(s, t)
    assert json.loads(b)["boolean"] is True


@check("query_content_type_describe")
def _(u):
    s, t, b = call(u, params={"query": f"DESCRIBE <http://example.org/alice>", "default-graph-uri": DATA + "data1.rdf"})
    assert s == 200 and t.split(";")[0] in RDF, (s, t)


@check("query_content_type_construct")
def _(u):
    s, t, b = call(u, params={"query": "CONSTRUCT { <s> <p> 1 } {}"}, accept="text/turtle")
    assert s == 200 and t.split(";")[0] in RDF
    assert len(rdflib.Graph().parse(data=b, format="turtle")) == 1


def updated(u, update, extra=(), direct=False):
    if direct:
        return call(u + ("?" + form(list(extra)) if extra else ""), "POST", body=update, content_type="application/sparql-update")
    return call(u, "POST", body=form([("update", update)] + list(extra)), content_type="application/x-www-form-urlencoded")


def graph_count(u, iri):
    return count(call(u, params={"query": COUNT, "default-graph-uri": iri}, accept=JSON)[2])


@check("update_dataset_default_graph")
def _(u):
    g = "http://example.org/protocol-update-dataset-test/"
    assert updated(u, f"CLEAR SILENT GRAPH <{g}> ; INSERT DATA {{ GRAPH <{g}> {{ <s> <p> 1 }} }}")[0] in (200, 204)
    s = updated(u, "INSERT { GRAPH <" + g + "> { ?s <p2> ?o } } WHERE { ?s <p> ?o }", [("using-graph-uri", g)])[0]
    assert s in (200, 204)
    assert graph_count(u, g) == 2


@check("update_dataset_default_graphs")
def _(u):
    g = "http://example.org/protocol-update-dataset-graphs-test/"
    updated(u, f"DROP SILENT GRAPH <{g}>")
    s = updated(u, f"INSERT {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}",
                [("using-graph-uri", DATA + "data1.rdf"), ("using-graph-uri", DATA + "data2.rdf")])[0]
    assert s in (200, 204)
    assert graph_count(u, g) == 2


@check("update_dataset_named_graphs")
def _(u):
    g = "http://example.org/protocol-update-dataset-named-graphs-test/"
    updated(u, f"DROP SILENT GRAPH <{g}>")
    s = updated(u, f"INSERT {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?h {{ ?s ?p ?o }} }}",
                [("using-named-graph-uri", DATA + "data1.rdf"), ("using-named-graph-uri", DATA + "data2.rdf")])[0]
    assert s in (200, 204)
    assert graph_count(u, g) == 2


@check("update_dataset_full")
def _(u):
    g = "http://example.org/protocol-update-dataset-full-test/"
    updated(u, f"DROP SILENT GRAPH <{g}>")
    s = updated(u, f"INSERT {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?h {{ ?s ?p ?o }} }} }}",
                [("using-graph-uri", DATA + "data3.rdf"), ("using-named-graph-uri", DATA + "data1.rdf")])[0]
    assert s in (200, 204)
    assert graph_count(u, g) == 2


@check("update_post_form")
def _(u):
    assert updated(u, "CLEAR SILENT GRAPH <http://example.org/protocol-update-post-form/>")[0] in (200, 204)


@check("update_post_direct")
def _(u):
    assert updated(u, "CLEAR SILENT GRAPH <http://example.org/protocol-update-post-direct/>", direct=True)[0] in (200, 204)


@check("update_base_uri")
def _(u):
    g = "http://example.org/protocol-base-test/"
    s = updated(u, f"BASE <http://example.org/base/> CLEAR SILENT GRAPH <{g}> ; INSERT DATA {{ GRAPH <{g}> {{ <s> <p> <o> }} }}")[0]
    assert s in (200, 204)
    body = call(u, params={"query": "SELECT ?s { ?s ?p ?o }", "default-graph-uri": g}, accept=JSON)[2]
    assert [b["s"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["http://example.org/base/s"]


@check("query_post_direct")
def _(u):
    ok_results(*call(u, "POST", body="ASK {}", content_type="application/sparql-query")[:2])


def refused(status):
    assert 400 <= status < 500, status


@check("bad_query_method")
def _(u):
    refused(call(u, "PUT", params={"query": "ASK {}"})[0])


@check("bad_multiple_queries")
def _(u):
    assert call(u + "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")[0] == 400


@check("bad_query_wrong_media_type")
def _(u):
    refused(call(u, "POST", body="ASK {}", content_type="text/plain")[0])


@check("bad_query_missing_form_type")
def _(u):
    refused(call(u, "POST", body=form({"query": "ASK {}"}), content_type=None)[0])


@check("bad_query_missing_direct_type")
def _(u):
    refused(call(u, "POST", body="ASK {}", content_type=None)[0])


@check("bad_query_non_utf8")
def _(u):
    refused(call(u, "POST", body="ASK { <x> <y> \"\xe9\" }".encode("latin-1"), content_type="application/sparql-query; charset=ISO-8859-1")[0])


@check("bad_query_syntax")
def _(u):
    assert call(u, params={"query": "ASK {"})[0] == 400


@check("bad_update_get")
def _(u):
    refused(call(u, params={"update": "CLEAR ALL"})[0])


@check("bad_multiple_updates")
def _(u):
    s = call(u, "POST", body=form([("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")]), content_type="application/x-www-form-urlencoded")[0]
    assert s == 400


@check("bad_update_wrong_media_type")
def _(u):
    refused(call(u, "POST", body="CLEAR NAMED", content_type="text/plain")[0])


@check("bad_update_missing_form_type")
def _(u):
    refused(call(u, "POST", body=form({"update": "CLEAR NAMED"}), content_type=None)[0])


@check("bad_update_non_utf8")
def _(u):
    refused(call(u, "POST", body="CLEAR GRAPH <http://example.org/\xe9>".encode("latin-1"), content_type="application/sparql-update; charset=ISO-8859-1")[0])


@check("bad_update_syntax")
def _(u):
    assert updated(u, "CLEAR XYZ")[0] == 400


@check("bad_update_dataset_conflict")
def _(u):
    s = updated(u, f"CLEAR SILENT GRAPH <{DATA}x> ; INSERT {{ <s> <p> ?o }} USING <{DATA}data1.rdf> WHERE {{ ?s ?p ?o }}",
                [("using-graph-uri", DATA + "data2.rdf")])[0]
    assert s == 400


def manifest_names():
    g = rdflib.Graph().parse(os.path.join(SUITES, "sparql11", "protocol", "manifest.ttl"), format="turtle")
    MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    entries = next(g.objects(None, MF.entries))
    return [str(e).rsplit("#", 1)[1] for e in rdflib.collection.Collection(g, entries)]


def test_every_manifest_test_has_a_check():
    names = manifest_names()
    assert len(names) == 34
    assert sorted(set(names) - set(CHECKS)) == []


@pytest.mark.parametrize("name", manifest_names())
def test_w3c_protocol(service, name):
    CHECKS[name](service)
