"""The SPARQL 1.1 Protocol over HTTP (`quiver serve --http-port`), driven by the clients people
point at an endpoint: SPARQLWrapper, rdflib's SPARQLStore and curl, with answers checked against
rdflib over the same triples (Kinships, as in test_sparql.py)."""
import base64
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
import rdflib.compare
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import Daemon, free_port
from test_sparql import KINSHIPS, NS, QUERIES, prologue, rdflib_rows

GRAPH = "e2e-http-kinships"


@pytest.fixture(scope="module")
def endpoint(data_dir):
    port = free_port()
    d = Daemon(data_dir, ["--http-port", str(port), "--http-default-graph", GRAPH])
    d.cli("load", GRAPH, os.path.abspath(KINSHIPS), "--format", "tsv")
    reference = rdflib.Graph()
    with open(KINSHIPS) as f:
        for line in f:
            s, p, o = line.rstrip("\n").split("\t")
            reference.add((rdflib.URIRef(NS + s), rdflib.URIRef(NS + p), rdflib.URIRef(NS + o)))
    yield f"http://127.0.0.1:{port}", reference
    d.terminate()


@pytest.fixture(scope="module")
def guarded(data_dir):
    """An endpoint with a password, one allowed browser origin and a small body limit."""
    port = free_port()
    d = Daemon(data_dir, ["--http-port", str(port), "--http-default-graph", GRAPH, "--requirepass", "s3cret",
                          "--cors-origin", "http://app.example", "--max-http-body-bytes", "2000"])
    yield f"http://127.0.0.1:{port}"
    d.terminate()


def fetch(url, data=None, headers=None, method=None):
    """(status, headers, body text) of one request; errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def binding_rows(doc):
    variables = doc["head"]["vars"]
    return sorted(tuple(b.get(v, {}).get("value", "") for v in variables) for b in doc["results"]["bindings"]), variables


@pytest.mark.parametrize("query", QUERIES)
def test_sparqlwrapper_matches_rdflib(endpoint, query):
    url, reference = endpoint
    q = prologue(query)
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(q)
    client.setReturnFormat(JSON)
    got, variables = binding_rows(client.query().convert())
    want, want_vars = rdflib_rows(reference, q)
    assert variables == want_vars
    assert got == want, f"{query}: quiver {len(got)} rows, rdflib {len(want)}"


def test_rdflib_sparqlstore(endpoint):
    url, reference = endpoint
    store = rdflib.Graph(SPARQLStore(url + "/sparql", returnFormat="json"))
    q = prologue("SELECT ?y WHERE { q:person100 q:term6 ?y }")
    assert sorted(str(r.y) for r in store.query(q)) == sorted(str(r.y) for r in reference.query(q))
    assert store.query("ASK { ?s ?p ?o }").askAnswer is True
    # CONSTRUCT through the store comes back as a graph equal to rdflib's.
    c = prologue("CONSTRUCT { ?x q:knows ?y } WHERE { ?x q:term6 ?y . ?y q:term10 ?x }")
    got = store.query(c).graph
    assert rdflib.compare.isomorphic(got, reference.query(c).graph)


def test_curl_formats_and_methods(endpoint):
    url, reference = endpoint
    q = prologue("SELECT ?y WHERE { q:person100 q:term6 ?y }")
    want, _ = rdflib_rows(reference, q)

    def curl(*args):
        r = subprocess.run(["curl", "-s", "-S", "-i", *args], capture_output=True, timeout=60)
        head, _, body = r.stdout.decode().partition("\r\n\r\n")
        return int(head.split()[1]), head.lower(), body

    # GET with query=, every results format by Accept.
    get = url + "/sparql?" + urllib.parse.urlencode({"query": q})
    status, head, body = curl("-H", "Accept: text/csv", get)
    assert status == 200 and "content-type: text/csv; charset=utf-8" in head
    assert sorted(tuple(l.split(",")) for l in body.split("\r\n")[1:] if l) == want
    status, head, body = curl("-H", "Accept: text/tab-separated-values", get)
    assert status == 200 and body.startswith("?y\n")
    status, head, body = curl("-H", "Accept: application/sparql-results+xml", get)
    assert status == 200 and "<sparql xmlns=" in body
    # POST form-encoded and POST application/sparql-query give the same document.
    _, _, by_get = curl("-H", "Accept: application/sparql-results+json", get)
    _, _, by_form = curl("-H", "Accept: application/sparql-results+json", "--data-urlencode", "query=" + q, url + "/sparql")
    _, _, by_body = curl("-H", "Accept: application/sparql-results+json", "-H", "Content-Type: application/sparql-query",
                         "--data-binary", q, url + "/sparql")
    assert json.loads(by_get) == json.loads(by_form) == json.loads(by_body)
    # CONSTRUCT as Turtle, read back by rdflib.
    c = prologue("CONSTRUCT { ?x q:knows ?y } WHERE { ?x q:term6 ?y . ?y q:term10 ?x }")
    status, head, body = curl("-H", "Accept: text/turtle", "--data-urlencode", "query=" + c, url + "/sparql")
    assert status == 200 and "content-type: text/turtle" in head
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=body, format="turtle"), reference.query(c).graph)
    # Errors: a syntax error names line and column; no acceptable format; wrong method and type.
    status, _, body = curl("--data-urlencode", "query=SELECT * WHERE {\n ?s ?p }", url + "/sparql")
    assert status == 400 and "line 2, column" in body
    assert curl("-H", "Accept: image/png", get)[0] == 406
    assert curl("-X", "PUT", url + "/sparql")[0] == 405
    assert curl("-H", "Content-Type: text/plain", "--data-binary", q, url + "/sparql")[0] == 415
    assert curl(url + "/sparql?query=ASK%7B%7D&query=ASK%7B%7D")[0] == 400
    assert curl(url + "/nowhere")[0] == 404
    # Another graph by default-graph-uri, one that does not exist is an error naming it.
    other = url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }", "default-graph-uri": "urn:quiver:graph:" + GRAPH})
    assert json.loads(curl("-H", "Accept: application/json", other)[2])["boolean"] is True
    missing = url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }", "default-graph-uri": "urn:quiver:graph:nosuch"})
    status, _, body = curl(missing)
    assert status == 400 and "'nosuch' does not exist" in body


def test_service_description_and_query_page(endpoint):
    url, _ = endpoint
    status, headers, body = fetch(url + "/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    sd = rdflib.Graph().parse(data=body, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    names = {str(o) for o in sd.objects(None, SD.name)}
    assert "urn:quiver:graph:" + GRAPH in names
    status, headers, body = fetch(url + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "<textarea" in body
    # The page's Explain button asks for the plan.
    status, _, body = fetch(url + "/sparql", data=urllib.parse.urlencode({"query": "SELECT * { ?s ?p ?o } LIMIT 1", "explain": "true"}).encode(),
                            headers={"Accept": "text/plain"})
    assert status == 200 and "basic graph pattern" in body


def test_password_cors_and_body_limit(guarded):
    url = guarded
    ask = url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    status, headers, _ = fetch(ask)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
    wrong = base64.b64encode(b"any:nope").decode()
    assert fetch(ask, headers={"Authorization": "Basic " + wrong})[0] == 401
    right = {"Authorization": "Basic " + base64.b64encode(b"any:s3cret").decode(), "Accept": "application/json"}
    status, _, body = fetch(ask, headers=right)
    assert status == 200 and json.loads(body)["boolean"] is True
    # CORS: the allowed origin gets its headers (a preflight needs no password), another is refused.
    status, headers, _ = fetch(url + "/sparql", method="OPTIONS", headers={
        "Origin": "http://app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "http://app.example"
    status, headers, _ = fetch(ask, headers={**right, "Origin": "http://app.example"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://app.example"
    assert fetch(ask, headers={**right, "Origin": "http://evil.example"})[0] == 403
    # A body over --max-http-body-bytes is refused before it is read.
    big = urllib.parse.urlencode({"query": "ASK {}" + " " * 5000}).encode()
    assert fetch(url + "/sparql", data=big, headers=right)[0] == 413


def test_updates_over_http(endpoint):
    """SPARQL Update by the protocol's two POST forms, from SPARQLWrapper, rdflib's
    SPARQLUpdateStore and curl: each is atomic and the next query sees it."""
    url, _ = endpoint
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
    from SPARQLWrapper import POST
    g = "urn:quiver:graph:e2e-http-updates"
    ask = f"ASK {{ GRAPH <{g}> {{ <urn:x:a> <urn:x:p> ?o }} }}"

    def asks(q):
        client = SPARQLWrapper(url + "/sparql")
        client.setQuery(q)
        client.setReturnFormat(JSON)
        return client.query().convert()["boolean"]

    # SPARQLWrapper: update= in a form body.
    w = SPARQLWrapper(url + "/sparql")
    w.setMethod(POST)
    w.setQuery(f"INSERT DATA {{ GRAPH <{g}> {{ <urn:x:a> <urn:x:p> 1 }} }}")
    w.query()
    assert asks(ask) is True
    # rdflib's SPARQLUpdateStore: the default graph, by application/sparql-update.
    store = SPARQLUpdateStore(url + "/sparql", url + "/sparql")
    store.update("INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }")
    assert asks("ASK { <urn:x:s> <urn:x:p> <urn:x:o> }") is True
    # curl: a request that fails part way writes nothing.
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/sparql-update",
                        "--data-binary", f"DELETE DATA {{ GRAPH <{g}> {{ <urn:x:a> <urn:x:p> 1 }} }} ; DROP GRAPH <urn:x:nothing>",
                        url + "/sparql"], capture_output=True, text=True, timeout=60)
    assert r.stdout == "400"
    assert asks(ask) is True
    # An update by GET is refused; DROP removes the graph.
    assert fetch(url + "/sparql?" + urllib.parse.urlencode({"update": f"DROP GRAPH <{g}>"}))[0] == 400
    status, _, body = fetch(url + "/sparql", data=urllib.parse.urlencode({"update": f"DROP GRAPH <{g}>"}).encode())
    assert status == 200 and "dropped" in body
    assert asks(ask) is False


def test_graph_store_protocol(endpoint):
    """The Graph Store HTTP Protocol on /store: PUT makes or replaces a graph, POST merges,
    GET and HEAD read, DELETE drops; each write atomic and seen by the next read."""
    url, _ = endpoint
    store = url + "/store?" + urllib.parse.urlencode({"graph": "http://example.org/gs"})
    first = "@prefix ex: <http://example.org/> . ex:a ex:p ex:b ; ex:q [ ex:r 1 ] ."
    status, _, _ = fetch(store, data=first.encode(), headers={"Content-Type": "text/turtle"}, method="PUT")
    assert status == 201

    def graph():
        status, headers, body = fetch(store, headers={"Accept": "text/turtle"})
        assert status == 200 and headers["Content-Type"].startswith("text/turtle")
        return rdflib.Graph().parse(data=body, format="turtle")

    assert rdflib.compare.isomorphic(graph(), rdflib.Graph().parse(data=first, format="turtle"))
    more = "<http://example.org/c> <http://example.org/p> <http://example.org/d> .\n"
    assert fetch(store, data=more.encode(), headers={"Content-Type": "application/n-triples"}, method="POST")[0] == 204
    assert len(graph()) == 4
    # The graph is a named graph to SPARQL under its own IRI.
    q = url + "/sparql?" + urllib.parse.urlencode({"query": "ASK { GRAPH <http://example.org/gs> { <http://example.org/c> ?p ?o } }"})
    assert json.loads(fetch(q, headers={"Accept": "application/json"})[2])["boolean"] is True
    # PUT replaces; HEAD has the headers and no body; a syntax error names its line and column.
    assert fetch(store, data=more.encode(), headers={"Content-Type": "application/n-triples"}, method="PUT")[0] == 204
    assert len(graph()) == 1
    status, headers, body = fetch(store, method="HEAD")
    assert status == 200 and body == ""
    status, _, body = fetch(store, data=b"<http://x> <http://y> .\n", headers={"Content-Type": "application/n-triples"}, method="PUT")
    assert status == 400 and "the request body:1:23:" in body
    assert len(graph()) == 1
    # DELETE drops; then the graph is not found.
    assert fetch(store, method="DELETE")[0] == 204
    assert fetch(store)[0] == 404
    assert fetch(store, method="DELETE")[0] == 404
    # Neither graph= nor default, and both, are refused.
    assert fetch(url + "/store")[0] == 400
    assert fetch(url + "/store?default&graph=http%3A%2F%2Fx")[0] == 400


def test_roqet_and_rdfxml(endpoint):
    """roqet (Debian rasqal-utils) as a SPARQL protocol client: its SELECT rows are rdflib's.
    (rasqal 0.9.33 reads every service answer as SPARQL XML bindings, so its ASK and CONSTRUCT
    cannot be checked through it.) Graph answers also come as RDF/XML on request."""
    url, reference = endpoint
    q = prologue("SELECT ?y WHERE { q:person100 q:term6 ?y }")
    r = subprocess.run(["roqet", "-p", url + "/sparql", "-e", q, "-r", "csv"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    got = sorted(tuple(line.split(",")) for line in r.stdout.replace("\r", "").split("\n")[1:] if line)
    want, _ = rdflib_rows(reference, q)
    assert got == want
    c = prologue("CONSTRUCT { ?x q:knows ?y } WHERE { ?x q:term6 ?y . ?y q:term10 ?x }")
    status, headers, body = fetch(url + "/sparql", data=urllib.parse.urlencode({"query": c}).encode(),
                                  headers={"Accept": "application/rdf+xml"})
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=body, format="xml"), reference.query(c).graph)


def test_query_page_in_a_headless_browser(endpoint):
    """The query page in a real browser (Debian's chromium, headless): a linked query runs, its
    answer fills a table paged 100 rows at a time. The screenshot goes to the test log."""
    url, reference = endpoint
    q = prologue("SELECT ?x ?y WHERE { ?x q:term6 ?y } ORDER BY ?x ?y")
    want = len(list(reference.query(q)))
    assert want > 100
    page = url + "/?" + urllib.parse.urlencode({"query": q})
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000"]
    dom = subprocess.run(browser + ["--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    assert f"{want} rows in" in dom
    assert "page 1 of %d" % ((want + 99) // 100) in dom
    assert dom.count("<tr>") == 101  # the header and the first page
    assert "&lt;urn:quiver:name:person" in dom
    shot = os.path.join(os.environ.get("QUIVER_TEST_ARTIFACTS", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "test-artifacts")), "query-page.png")
    os.makedirs(os.path.dirname(shot), exist_ok=True)
    subprocess.run(browser + ["--window-size=1100,900", f"--screenshot={shot}", page], capture_output=True, timeout=120)
    assert os.path.getsize(shot) > 5000
    print(f"query page screenshot: {os.path.abspath(shot)}")
