import QuiverSPARQLProtocol
import Testing

/// Graph Store HTTP Protocol: the graph named by `graph=` or `default`, the method, the body's format.
struct GraphStoreTests {
    let g = "graph=http%3A%2F%2Fex%2Fg%3Fv%3D1"

    @Test func eachMethodOnANamedGraph() throws {
        let target = GraphTarget.named("http://ex/g?v=1")
        let turtle = "<a> <b> <c> ."
        #expect(try store("GET", "/store?" + g).operation == .get(target))
        #expect(try store("HEAD", "/store?" + g).operation == .head(target))
        #expect(try store("DELETE", "/store?" + g).operation == .delete(target))
        #expect(try store("PUT", "/store?" + g, ["Content-Type: text/turtle"], body: turtle).operation
            == .put(target, RDFPayload(format: .turtle, bytes: Array(turtle.utf8))))
        #expect(try store("POST", "/store?" + g, ["Content-Type: application/n-triples; charset=UTF-8"], body: turtle).operation
            == .post(target, RDFPayload(format: .nTriples, bytes: Array(turtle.utf8))))
    }

    @Test func theDefaultGraph() throws {
        #expect(try store("GET", "/store?default").operation == .get(.defaultGraph))
        #expect(try store("PUT", "/store?default=", ["Content-Type: application/rdf+xml"], body: "<rdf:RDF/>").operation
            == .put(.defaultGraph, RDFPayload(format: .rdfXML, bytes: Array("<rdf:RDF/>".utf8))))
    }

    @Test func bodyMediaTypesAndTheirAliases() throws {
        let cases: [(String, RDFFormat)] = [
            ("application/n-triples", .nTriples), ("text/plain", .nTriples), ("TEXT/Turtle", .turtle),
            ("application/x-turtle", .turtle), ("application/rdf+xml", .rdfXML),
        ]
        for (mediaType, format) in cases {
            #expect(try store("POST", "/store?default", ["Content-Type: \(mediaType)"]).operation == .post(.defaultGraph, RDFPayload(format: format, bytes: [])))
        }
    }

    @Test func formatAndOtherParametersAreKept() throws {
        let request = try store("GET", "/store?default&format=ttl&timeout=3")
        #expect(request.formatParameter == FormParameter("format", "ttl"))
        #expect(request.otherParameters == [FormParameter("timeout", "3")])
    }

    @Test func bothOrNeitherGraphIsRefused() {
        let both = refusal { () throws(HTTPRequestError) in try store("GET", "/store?default&" + g) }
        #expect(both?.status == .badRequest)
        #expect(both?.description == "the request names both graph= and default; a Graph Store request names one graph")
        let neither = refusal { () throws(HTTPRequestError) in try store("GET", "/store") }
        #expect(neither?.status == .badRequest)
        #expect(neither?.description == "the request names no graph; add graph=<IRI> (percent-encoded) or default to the query string")
        let twice = refusal { () throws(HTTPRequestError) in try store("GET", "/store?graph=urn%3Aa&graph=urn%3Ab") }
        #expect(twice?.description == "the parameter graph is given more than once; send exactly one")
    }

    @Test func aGraphThatIsNotAnAbsoluteIRIIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try store("GET", "/store?graph=people") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "graph=\"people\" is not an absolute IRI: it has no scheme such as http:")
        let control = refusal { () throws(HTTPRequestError) in try store("GET", "/store?graph=http%3A%2F%2Fex%2F%0A") }
        #expect(control?.description == "graph=\"http://ex/\\u000A\" is not an absolute IRI: it contains the control character U+A")
    }

    @Test func otherMethodsAreRefusedWithAllow() {
        let error = refusal { () throws(HTTPRequestError) in try store("PATCH", "/store?default") }
        #expect(error?.status == .methodNotAllowed)
        #expect(error?.responseHeaders == [HTTPHeader("Allow", "GET, HEAD, PUT, POST, DELETE")])
        #expect(error?.description == "PATCH is not allowed on the Graph Store; use GET, HEAD, PUT, POST or DELETE")
    }

    @Test func aBodyWithoutOrWithAnUnknownMediaTypeIsRefused() {
        let missing = refusal { () throws(HTTPRequestError) in try store("PUT", "/store?default", body: "<a> <b> <c> .") }
        #expect(missing?.status == .unsupportedMediaType)
        #expect(missing?.description == "the request has no Content-Type; its body must be one of application/n-triples, text/turtle or application/rdf+xml")
        let unknown = refusal { () throws(HTTPRequestError) in try store("POST", "/store?default", ["Content-Type: application/ld+json"], body: "{}") }
        #expect(unknown?.status == .unsupportedMediaType)
        #expect(unknown?.description == "the media type \"application/ld+json\" is not supported here; send one of application/n-triples, text/turtle or application/rdf+xml")
        #expect(unknown?.responseHeaders == [HTTPHeader("Accept-Post", "application/n-triples, text/turtle, application/rdf+xml")])
    }

    @Test func datasetFormatsAreRefusedForOneGraph() {
        for mediaType in ["application/n-quads", "application/trig"] {
            let error = refusal { () throws(HTTPRequestError) in try store("PUT", "/store?" + g, ["Content-Type: \(mediaType)"]) }
            #expect(error?.status == .unsupportedMediaType)
            #expect(error?.description == "\(mediaType) carries a dataset, not one graph's triples; send N-Triples, Turtle or RDF/XML")
        }
    }

    @Test func anotherCharsetIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try store("PUT", "/store?default", ["Content-Type: text/turtle; charset=windows-1252"]) }
        #expect(error?.status == .unsupportedMediaType)
        #expect(error?.description == "the charset \"windows-1252\" is not supported; send the body as UTF-8 (charset=utf-8)")
    }

    @Test func aBodyOverTheLimitIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in
            try store("PUT", "/store?default", ["Content-Type: text/turtle"], body: String(repeating: " ", count: 65), maxBodyBytes: 64)
        }
        #expect(error?.status == .payloadTooLarge)
        #expect(error?.description == "the request body is 65 bytes, over the limit of 64 bytes")
    }

    @Test func sparqlParametersAreRefused() {
        let error = refusal { () throws(HTTPRequestError) in try store("GET", "/store?default&default-graph-uri=urn%3Ag") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the parameter default-graph-uri belongs to the SPARQL Protocol and cannot be in a Graph Store request (one with graph= or default)")
    }
}
