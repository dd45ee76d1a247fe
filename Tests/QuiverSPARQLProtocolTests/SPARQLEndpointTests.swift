import QuiverSPARQLProtocol
import Testing

/// SPARQL 1.1 Protocol §2: each way to send a query or an update, and each way to get it wrong.
struct SPARQLEndpointTests {
    // MARK: Queries

    @Test func queryByGetWithItsDataset() throws {
        let request = try sparql("GET", "/sparql?query=SELECT+*+WHERE+%7B%3Fs+%3Fp+%3Fo%7D"
            + "&default-graph-uri=http%3A%2F%2Fex%2Fg1&named-graph-uri=http%3A%2F%2Fex%2Fg2&default-graph-uri=urn%3Ag3")
        #expect(request.operation == .query("SELECT * WHERE {?s ?p ?o}", defaultGraphs: ["http://ex/g1", "urn:g3"], namedGraphs: ["http://ex/g2"]))
        #expect(request.formatParameter == nil)
        #expect(request.otherParameters == [])
    }

    @Test func headIsClassifiedAsGet() throws {
        #expect(try sparql("HEAD", "/sparql?query=ASK%7B%7D").operation == .query("ASK{}", defaultGraphs: [], namedGraphs: []))
        #expect(try sparql("HEAD", "/sparql").operation == .serviceDescription)
    }

    @Test func queryByFormPost() throws {
        let request = try sparql("POST", "/sparql", [form],
                                 body: "query=ASK+%7B+%3Fs+%3Fp+%22caf%C3%A9%22+%7D&named-graph-uri=http%3A%2F%2Fex%2Fg&timeout=5")
        #expect(request.operation == .query("ASK { ?s ?p \"café\" }", defaultGraphs: [], namedGraphs: ["http://ex/g"]))
        #expect(request.otherParameters == [FormParameter("timeout", "5")])
    }

    @Test func formPostTakesParametersFromTheURLToo() throws {
        let request = try sparql("POST", "/sparql?default-graph-uri=http%3A%2F%2Fex%2Fg&format=csv", ["content-type: Application/X-WWW-Form-URLEncoded; charset=UTF-8"],
                                 body: "query=SELECT%20*%7B%7D")
        #expect(request.operation == .query("SELECT *{}", defaultGraphs: ["http://ex/g"], namedGraphs: []))
        #expect(request.formatParameter == FormParameter("format", "csv"))
    }

    @Test func queryByDirectPostTakesTheBodyAsItIs() throws {
        let text = "PREFIX : <http://ex/>\nSELECT ?x WHERE { ?x :p \"a+b%20c\" }"
        let request = try sparql("POST", "/sparql?default-graph-uri=http%3A%2F%2Fex%2Fg&named-graph-uri=http%3A%2F%2Fex%2Fh",
                                 ["Content-Type: application/sparql-query"], body: text)
        #expect(request.operation == .query(text, defaultGraphs: ["http://ex/g"], namedGraphs: ["http://ex/h"]))
    }

    @Test func getWithoutAQueryIsTheServiceDescription() throws {
        #expect(try sparql("GET", "/sparql").operation == .serviceDescription)
        let request = try sparql("GET", "/sparql?output=ttl")
        #expect(request.operation == .serviceDescription)
        #expect(request.formatParameter == FormParameter("output", "ttl"))
    }

    @Test func absoluteFormTargetsAndFragmentsAreUnderstood() throws {
        #expect(try sparql("GET", "http://localhost:7878/sparql?query=ASK%7B%7D#frag").operation == .query("ASK{}", defaultGraphs: [], namedGraphs: []))
    }

    // MARK: Updates

    @Test func updateByFormPostWithUsingGraphs() throws {
        let request = try sparql("POST", "/sparql", [form],
                                 body: "update=INSERT+DATA+%7B%3Ca%3E+%3Cb%3E+%3Cc%3E%7D&using-graph-uri=http%3A%2F%2Fex%2Fu&using-named-graph-uri=http%3A%2F%2Fex%2Fn")
        #expect(request.operation == .update("INSERT DATA {<a> <b> <c>}", usingGraphs: ["http://ex/u"], usingNamedGraphs: ["http://ex/n"]))
    }

    @Test func updateByDirectPost() throws {
        let text = "DELETE WHERE { ?s ?p ?o }"
        let request = try sparql("POST", "/sparql?using-graph-uri=http%3A%2F%2Fex%2Fu", ["Content-Type: application/sparql-update; charset=utf-8"], body: text)
        #expect(request.operation == .update(text, usingGraphs: ["http://ex/u"], usingNamedGraphs: []))
    }

    @Test func anEmptyUpdateIsPassedOnForTheParserToJudge() throws {
        #expect(try sparql("POST", "/sparql", ["Content-Type: application/sparql-update"]).operation == .update("", usingGraphs: [], usingNamedGraphs: []))
    }

    // MARK: Exactly one operation

    @Test func twoQueriesAreRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the parameter query is given more than once; send exactly one")
        let inForm = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql?query=ASK%7B%7D", [form], body: "query=ASK%7B%7D") }
        #expect(inForm?.description == "the parameter query is given more than once; send exactly one")
        let updates = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", [form], body: "update=CLEAR+ALL&update=CLEAR+ALL") }
        #expect(updates?.description == "the parameter update is given more than once; send exactly one")
    }

    @Test func queryAndUpdateTogetherAreRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", [form], body: "query=ASK%7B%7D&update=CLEAR+ALL") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the request has both query and update; send exactly one of them")
    }

    @Test func aFormWithNeitherIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", [form], body: "default-graph-uri=http%3A%2F%2Fex%2Fg") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the form has neither query nor update; send exactly one of them")
    }

    @Test func updateByGetIsRefused() {
        for target in ["/sparql?update=CLEAR+ALL", "/sparql?query=ASK%7B%7D&update=CLEAR+ALL"] {
            let error = refusal { () throws(HTTPRequestError) in try sparql("GET", target) }
            #expect(error?.status == .badRequest)
            #expect(error?.description == "an update cannot be sent with GET; POST it as application/sparql-update or as update= in an application/x-www-form-urlencoded body")
        }
    }

    @Test func directPostRefusesASecondOperationInTheURL() {
        let error = refusal { () throws(HTTPRequestError) in
            try sparql("POST", "/sparql?query=ASK%7B%7D", ["Content-Type: application/sparql-query"], body: "ASK {}")
        }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the parameter query cannot be in the URL when the request body is a query; send one or the other")
        let update = refusal { () throws(HTTPRequestError) in
            try sparql("POST", "/sparql?query=ASK%7B%7D", ["Content-Type: application/sparql-update"], body: "CLEAR ALL")
        }
        #expect(update?.description == "the parameter query cannot be in the URL when the request body is an update; send one or the other")
    }

    // MARK: Graph parameters

    @Test func usingGraphsWithAQueryAndDatasetGraphsWithAnUpdateAreRefused() {
        let query = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?query=ASK%7B%7D&using-graph-uri=http%3A%2F%2Fex%2Fg") }
        #expect(query?.status == .badRequest)
        #expect(query?.description == "the parameter using-graph-uri applies to updates; a query's graphs are default-graph-uri and named-graph-uri")
        let update = refusal { () throws(HTTPRequestError) in
            try sparql("POST", "/sparql?named-graph-uri=http%3A%2F%2Fex%2Fg", ["Content-Type: application/sparql-update"], body: "CLEAR ALL")
        }
        #expect(update?.description == "the parameter named-graph-uri applies to queries; an update's graphs are using-graph-uri and using-named-graph-uri")
    }

    @Test func graphsWithoutAQueryOnGetAreRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?default-graph-uri=http%3A%2F%2Fex%2Fg") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the parameter default-graph-uri names graphs for a query, and the request has no query=")
    }

    @Test func graphIRIsMustBeAbsolute() {
        let cases: [(String, String)] = [
            ("default-graph-uri=g1", "default-graph-uri=\"g1\" is not an absolute IRI: it has no scheme such as http:"),
            ("named-graph-uri=http%3A%2F%2Fex%2Fa+b", "named-graph-uri=\"http://ex/a b\" is not an absolute IRI: it contains a space (percent-encode it as %20 inside the IRI)"),
            ("default-graph-uri=%3Chttp%3A%2F%2Fex%2Fg%3E", "default-graph-uri=\"<http://ex/g>\" is not an absolute IRI: it contains the character \"<\""),
            ("default-graph-uri=", "default-graph-uri=\"\" is not an absolute IRI: it is empty"),
        ]
        for (parameter, message) in cases {
            let error = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?query=ASK%7B%7D&" + parameter) }
            #expect(error?.status == .badRequest)
            #expect(error?.description == message)
        }
    }

    // MARK: Methods and media types

    @Test func otherMethodsAreRefusedWithAllow() {
        for method in ["PUT", "DELETE", "PATCH", "get", "OPTIONS"] {
            let error = refusal { () throws(HTTPRequestError) in try sparql(method, "/sparql?query=ASK%7B%7D") }
            #expect(error?.status == .methodNotAllowed)
            #expect(error?.responseHeaders == [HTTPHeader("Allow", "GET, HEAD, POST")])
            #expect(error?.description == "\(method) is not allowed on the SPARQL endpoint; use GET, HEAD or POST")
        }
    }

    @Test func postWithoutContentTypeIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", body: "query=ASK%7B%7D") }
        #expect(error?.status == .unsupportedMediaType)
        #expect(error?.description == "the request has no Content-Type; its body must be one of application/x-www-form-urlencoded, application/sparql-query or application/sparql-update")
        #expect(error?.responseHeaders == [HTTPHeader("Accept-Post", "application/x-www-form-urlencoded, application/sparql-query, application/sparql-update")])
    }

    @Test func postOfAnotherMediaTypeIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", ["Content-Type: text/plain; charset=utf-8"], body: "ASK {}") }
        #expect(error?.status == .unsupportedMediaType)
        #expect(error?.description == "the media type \"text/plain\" is not supported here; send one of application/x-www-form-urlencoded, application/sparql-query or application/sparql-update")
    }

    @Test func aMalformedContentTypeIsABadRequest() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", ["Content-Type: application"], body: "ASK {}") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the Content-Type header \"application\" is malformed: \"application\" has no /subtype")
    }

    @Test func twoDifferentContentTypesAreRefused() {
        let error = refusal { () throws(HTTPRequestError) in
            try sparql("POST", "/sparql", ["Content-Type: application/sparql-query", "Content-Type: application/sparql-update"], body: "ASK {}")
        }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the Content-Type header is given more than once with different values")
    }

    // MARK: Encodings

    @Test func otherCharsetsAreRefused() {
        for header in ["Content-Type: application/sparql-query; charset=ISO-8859-1", "Content-Type: application/x-www-form-urlencoded;charset=\"latin1\"",
                       "Content-Type: application/sparql-update; charset=utf-16"] {
            let error = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", [header], body: "ASK {}") }
            #expect(error?.status == .unsupportedMediaType)
            let charset = header.split(separator: "=").last.map { $0.replacing("\"", with: "") } ?? ""
            #expect(error?.description == "the charset \"\(charset)\" is not supported; send the body as UTF-8 (charset=utf-8)")
        }
    }

    @Test func aBodyThatIsNotUTF8IsRefused() {
        let body: [UInt8] = Array("ASK { ?s ?p \"caf".utf8) + [0xE9] + Array("\" }".utf8)
        let error = refusal { () throws(HTTPRequestError) in
            try SPARQLEndpoint.classify(method: "POST", target: "/sparql", headers: [(name: "Content-Type", value: "application/sparql-query")], body: body)
        }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the request body is not UTF-8 (bad byte at offset 16)")
    }

    @Test func aPercentEncodedValueThatIsNotUTF8IsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?query=caf%E9") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the value of query in the URL's query string is not UTF-8 after percent-decoding (bad byte at offset 3)")
        let inForm = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", [form], body: "update=%C3%28") }
        #expect(inForm?.description == "the value of update in the form body is not UTF-8 after percent-decoding (bad byte at offset 0)")
    }

    @Test func malformedPercentEscapesAreRefused() {
        let cases: [(String, String)] = [
            ("query=ASK%7", "the URL's query string has a malformed percent-escape \"%7\" at byte 9: a % must be followed by two hexadecimal digits"),
            ("query=100%25+%ZZ", "the URL's query string has a malformed percent-escape \"%ZZ\" at byte 13: a % must be followed by two hexadecimal digits"),
            ("query=a%&x=1", "the URL's query string has a malformed percent-escape \"%\" at byte 7: a % must be followed by two hexadecimal digits"),
        ]
        for (query, message) in cases {
            let error = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?" + query) }
            #expect(error?.status == .badRequest)
            #expect(error?.description == message)
        }
        let inForm = refusal { () throws(HTTPRequestError) in try sparql("POST", "/sparql", [form], body: "query=%G1") }
        #expect(inForm?.description == "the form body has a malformed percent-escape \"%G1\" at byte 6: a % must be followed by two hexadecimal digits")
    }

    // MARK: Limits

    @Test func aBodyOverTheLimitIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in
            try sparql("POST", "/sparql", ["Content-Type: application/sparql-query"], body: String(repeating: "#", count: 101), maxBodyBytes: 100)
        }
        #expect(error?.status == .payloadTooLarge)
        #expect(error?.description == "the request body is 101 bytes, over the limit of 100 bytes")
        #expect(throws: Never.self) {
            try sparql("POST", "/sparql", ["Content-Type: application/sparql-query"], body: String(repeating: "#", count: 100), maxBodyBytes: 100)
        }
    }

    @Test func aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() {
        let error = refusal { () throws(HTTPRequestError) in try BodyLimit.check(headers: headerLines(["Content-Length: 5000"]), maxBodyBytes: 4096) }
        #expect(error?.status == .payloadTooLarge)
        #expect(error?.description == "the request body is 5000 bytes, over the limit of 4096 bytes")
        let huge = refusal { () throws(HTTPRequestError) in try BodyLimit.check(headers: headerLines(["content-length: 99999999999999999999999"]), maxBodyBytes: 4096) }
        #expect(huge?.status == .payloadTooLarge)
        let bad = refusal { () throws(HTTPRequestError) in try BodyLimit.check(headers: headerLines(["Content-Length: -1"]), maxBodyBytes: 4096) }
        #expect(bad?.status == .badRequest)
        #expect(bad?.description == "the Content-Length header \"-1\" is malformed: not a number of bytes")
        #expect(throws: Never.self) { try BodyLimit.check(headers: headerLines(["Content-Length: 4096"]), maxBodyBytes: 4096) }
        #expect(throws: Never.self) { try BodyLimit.check(headers: [], maxBodyBytes: 4096) }
    }

    @Test func getIgnoresItsBodyAndItsSize() throws {
        #expect(try sparql("GET", "/sparql?query=ASK%7B%7D", body: String(repeating: "x", count: 50), maxBodyBytes: 10).operation
            == .query("ASK{}", defaultGraphs: [], namedGraphs: []))
    }

    // MARK: Graph Store on the endpoint

    @Test func aGraphParameterMakesItAGraphStoreRequest() throws {
        #expect(try sparql("GET", "/sparql?graph=http%3A%2F%2Fex%2Fg").operation == .graphStore(.get(.named("http://ex/g"))))
        #expect(try sparql("DELETE", "/sparql?default").operation == .graphStore(.delete(.defaultGraph)))
        let error = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?graph=http%3A%2F%2Fex%2Fg&query=ASK%7B%7D") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the parameter query belongs to the SPARQL Protocol and cannot be in a Graph Store request (one with graph= or default)")
        let method = refusal { () throws(HTTPRequestError) in try sparql("PATCH", "/sparql?default") }
        #expect(method?.description == "PATCH is not allowed on the SPARQL endpoint; use GET, HEAD, PUT, POST or DELETE")
    }

    @Test func aMalformedTargetIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try sparql("GET", "sparql?query=x") }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the request target \"sparql?query=x\" is not a path with an optional query string")
    }
}
