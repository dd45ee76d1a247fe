"""The W3C SPARQL 1.1 Graph Store HTTP Protocol tests (sparql11/http-rdf-update/tests.txt in the
suites `make test` fetches), in their order, against `quiver serve --http-port`. The file is a
prose script of HTTP exchanges, not a manifest; each exchange is written out here as it reads
(its Turtle bodies made valid where the file's are not: two lack their final '.'), with the
file's `$HOST$`, `$GRAPHSTORE$` (here /store) and `$NEWPATH$`. Where the protocol allows "200
OK or 204 No Content" either is taken."""
import http.client
import os
import re

import pytest
import rdflib
import rdflib.compare

from conftest import REPO, Daemon, free_port

SCRIPT = os.path.join(REPO, ".build", "w3c-tests", "sparql11", "http-rdf-update", "tests.txt")
PREFIXES = "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n@prefix v: <http://www.w3.org/2006/vcard/ns#> .\n"


@pytest.fixture(scope="module")
def host(data_dir):
    port = free_port()
    d = Daemon(data_dir, ["--http-port", str(port), "--http-default-graph", f"w3c-graph-store-default-{os.getpid()}"])
    yield f"127.0.0.1:{port}"
    d.terminate()


def call(host, method, path, body=None, content_type=None, accept=None):
    conn = http.client.HTTPConnection(host, timeout=60)
    headers = {"Host": host}
    if content_type:
        headers["Content-Type"] = content_type
    if accept:
        headers["Accept"] = accept
    try:
        conn.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=headers)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    finally:
        conn.close()


def turtle(host, body):
    return rdflib.Graph().parse(data=PREFIXES + body.replace("$HOST$", host), format="turtle")


def same(host, got, expected):
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=got, format="turtle"), turtle(host, expected)), got


JOHN = '<http://$HOST$/person/1> a foaf:Person; foaf:businessCard [ a v:VCard; v:fn "John Doe" ] .'
JANE = '<http://$HOST$/person/1> a foaf:Person; foaf:businessCard [ a v:VCard; v:fn "Jane Doe" ] .'
ALICE = '[] a foaf:Person; foaf:businessCard [ a v:VCard; v:given-name "Alice" ] .'
OK = (200, 204)


STEPS = [
    "PUT - Initial state", "GET of PUT - Initial state", "PUT - graph already in store", "GET of PUT - graph already in store",
    "PUT - default graph", "GET of PUT - default graph", "PUT - mismatched payload", "PUT - empty graph", "GET of PUT - empty graph",
    "DELETE - existing graph", "GET of DELETE - existing graph", "DELETE - non-existent graph", "POST - existing graph",
    "GET of POST - existing graph", "POST - multipart/form-data", "GET of POST - multipart/form-data", "POST - create  new graph",
    "GET of POST - create  new graph", "POST - empty graph to existing graph", "GET of POST - after noop",
    "HEAD on an existing graph", "HEAD on a non-existing graph",
]


def test_the_script_is_the_one_written_out():
    # The exchanges below follow the file's 22 requests in order; a changed file needs a look.
    with open(SCRIPT) as f:
        titles = [t.strip() for t in re.findall(r"Request \((.*?)\)", f.read())]
    assert titles == [s.strip() for s in STEPS]


def test_graph_store_protocol(host):
    t = "text/turtle"
    # PUT - initial state, and its GET.
    assert call(host, "PUT", "/person/1.ttl", PREFIXES + JOHN.replace("$HOST$", host), t)[0] == 201
    s, h, b = call(host, "GET", "/person/1.ttl", accept="text/turtle; charset=utf-8")
    assert s == 200 and h["content-type"].startswith("text/turtle")
    same(host, b, JOHN)
    # PUT - graph already in store.
    assert call(host, "PUT", "/person/1.ttl", PREFIXES + JANE.replace("$HOST$", host), t)[0] in OK
    same(host, call(host, "GET", "/person/1.ttl", accept=t)[2], JANE)
    # PUT - default graph.
    assert call(host, "PUT", "/store?default", PREFIXES + ALICE, t)[0] == 201
    same(host, call(host, "GET", "/store?default", accept=t)[2], ALICE)
    # PUT - mismatched payload: Turtle said to be RDF/XML.
    assert call(host, "PUT", "/person/1.ttl", PREFIXES + JANE.replace("$HOST$", host), "application/rdf+xml")[0] == 400
    same(host, call(host, "GET", "/person/1.ttl", accept=t)[2], JANE)
    # PUT - empty graph, and its GET.
    assert call(host, "PUT", "/person/2.ttl", "", t)[0] in (200, 201, 204)
    s, h, b = call(host, "GET", "/person/2.ttl", accept=t)
    assert s == 200 and h["content-type"].startswith("text/turtle") and len(rdflib.Graph().parse(data=b, format="turtle")) == 0
    # DELETE - existing graph, then it is gone; DELETE - non-existent graph.
    assert call(host, "DELETE", "/person/2.ttl")[0] in OK
    assert call(host, "GET", "/person/2.ttl", accept=t)[0] == 404
    assert call(host, "DELETE", "/person/2.ttl")[0] == 404
    # POST - existing graph: merged.
    name = '<http://$HOST$/person/1> foaf:name "Jane Doe" .'
    assert call(host, "POST", "/person/1.ttl", PREFIXES + name.replace("$HOST$", host), t)[0] in OK
    same(host, call(host, "GET", "/person/1.ttl", accept=t)[2], JANE + "\n" + name)
    # POST - multipart/form-data, a multipart/mixed of two Turtle files inside.
    family = f'@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://{host}/person/1> foaf:familyName "Doe" .'
    given = f'@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://{host}/person/1> foaf:givenName  "Jane" .'
    body = ("--AaB03x\r\ncontent-disposition: form-data; name=\"graphs\"\r\nContent-type: multipart/mixed, boundary=BbC04y\r\n\r\n"
            "--BbC04y\r\nContent-disposition: attachment; filename=\"lastName.ttl\"\r\nContent-type: text/turtle\r\n\r\n" + family + "\r\n"
            "--BbC04y\r\nContent-disposition: attachment; filename=\"firstName.ttl\"\r\nContent-type: text/turtle\r\n\r\n" + given + "\r\n"
            "--BbC04y--\r\n--AaB03x--\r\n")
    assert call(host, "POST", "/person/1.ttl", body, "multipart/form-data, boundary=AaB03x")[0] in OK
    names = '<http://$HOST$/person/1> foaf:givenName "Jane"; foaf:familyName "Doe" .'
    same(host, call(host, "GET", "/person/1.ttl")[2], JANE + "\n" + name + "\n" + names)
    # POST - create new graph: 201 with its Location, which GET then reads.
    s, h, _ = call(host, "POST", "/store", PREFIXES + ALICE, t)
    assert s == 201 and h["location"].startswith(f"http://{host}/")
    new = h["location"][len(f"http://{host}"):]
    same(host, call(host, "GET", new, accept=t)[2], ALICE)
    # POST - empty graph to existing graph: nothing changes.
    assert call(host, "POST", new, "", t)[0] in OK
    same(host, call(host, "GET", new, accept=t)[2], ALICE)
    # HEAD on an existing graph and on a non-existing one.
    s, h, b = call(host, "HEAD", "/person/1.ttl")
    assert s == 200 and h["content-type"].startswith("text/turtle") and b == ""
    assert call(host, "HEAD", "/person/2.ttl")[0] == 404
