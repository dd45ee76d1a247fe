import QuiverSPARQLProtocol
import Testing

/// Accept parsing and the choice of an answer's format (RFC 9110 §12.5.1).
struct ContentNegotiationTests {
    func results(_ accept: String?, boolean: Bool = false, format: FormParameter? = nil) throws(HTTPRequestError) -> (SPARQLResultsFormat, String) {
        let chosen = try ContentNegotiation.resultsFormat(accept: accept, format: format, boolean: boolean)
        return (chosen.format, chosen.contentType)
    }

    func graph(_ accept: String?, format: FormParameter? = nil) throws(HTTPRequestError) -> (RDFFormat, String) {
        let chosen = try ContentNegotiation.graphFormat(accept: accept, format: format)
        return (chosen.format, chosen.contentType)
    }

    // MARK: Accept

    @Test func weightsAndSpecificity() throws {
        let accept = try AcceptHeader(parsing: "text/*;q=0.5, text/turtle, */*;q=0.1, text/csv;charset=utf-8;q=0.8, text/plain;level=1;q=0.9")
        #expect(accept.quality(of: "text/turtle") == 1000)
        #expect(accept.quality(of: "text/csv") == 800)
        #expect(accept.quality(of: "text/plain") == 500)   // the level=1 range does not match what Quiver writes
        #expect(accept.quality(of: "application/json") == 100)
        #expect(try AcceptHeader(parsing: "application/json;q=0").quality(of: "application/json") == 0)
        #expect(try AcceptHeader(parsing: "text/turtle").quality(of: "application/json") == 0)
    }

    @Test func weightsParseToThousandths() throws {
        for (text, thousandths) in [("1", 1000), ("1.", 1000), ("1.000", 1000), ("0", 0), ("0.5", 500), ("0.05", 50), ("0.001", 1), ("0.123", 123)] {
            #expect(try AcceptHeader(parsing: "text/csv;q=\(text)").ranges == [MediaRange(type: "text", subtype: "csv", quality: thousandths)])
        }
        #expect(try AcceptHeader(parsing: "TEXT/CSV ; Q=0.5 ; ext=1").ranges == [MediaRange(type: "text", subtype: "csv", quality: 500)])
    }

    @Test func emptyOrBlankAcceptTakesAnything() throws {
        #expect(try AcceptHeader(parsing: nil) == .anything)
        #expect(try AcceptHeader(parsing: "  ") == .anything)
        #expect(try AcceptHeader(parsing: " , ,").ranges == AcceptHeader.anything.ranges)
    }

    @Test func malformedAcceptIsABadRequest() {
        let cases: [(String, String)] = [
            ("text/csv;q=2", "the weight q=2 is not a number from 0 to 1 with at most three decimals"),
            ("text/csv;q=0.1234", "the weight q=0.1234 is not a number from 0 to 1 with at most three decimals"),
            ("text/csv;q=1.5", "the weight q=1.5 is not a number from 0 to 1 with at most three decimals"),
            ("text/csv;q=abc", "the weight q=abc is not a number from 0 to 1 with at most three decimals"),
            ("text", "\"text\" has no /subtype"),
            ("*/csv", "*/csv is not a media range; use */* or type/*"),
            ("text/csv text/tsv", "expected , or the end at \"text/tsv\""),
        ]
        for (accept, problem) in cases {
            let error = refusal { () throws(HTTPRequestError) in try AcceptHeader(parsing: accept) }
            #expect(error?.status == .badRequest)
            #expect(error?.description == "the Accept header \(quotedForTest(accept)) is malformed: \(problem)")
        }
    }

    // MARK: Results formats

    @Test func noAcceptGivesTheServersFirstChoice() throws {
        #expect(try results(nil) == (.json, "application/sparql-results+json"))
        #expect(try results("*/*") == (.json, "application/sparql-results+json"))
        #expect(try graph(nil) == (.nTriples, "application/n-triples"))
    }

    @Test func eachResultsFormatByItsMediaType() throws {
        #expect(try results("application/sparql-results+json") == (.json, "application/sparql-results+json"))
        #expect(try results("application/sparql-results+xml") == (.xml, "application/sparql-results+xml"))
        #expect(try results("text/csv") == (.csv, "text/csv; charset=utf-8"))
        #expect(try results("text/tab-separated-values") == (.tsv, "text/tab-separated-values; charset=utf-8"))
    }

    @Test func aliasesAreAnsweredWithTheAliasAskedFor() throws {
        #expect(try results("application/json") == (.json, "application/json"))
        #expect(try results("application/xml") == (.xml, "application/xml"))
        #expect(try results("application/*") == (.json, "application/sparql-results+json"))
        #expect(try graph("text/plain") == (.nTriples, "text/plain; charset=utf-8"))
    }

    @Test func theHighestWeightWinsAndTiesGoToTheServersOrder() throws {
        #expect(try results("text/csv;q=0.9, application/sparql-results+xml") == (.xml, "application/sparql-results+xml"))
        #expect(try results("text/tab-separated-values, text/csv") == (.csv, "text/csv; charset=utf-8"))
        #expect(try results("text/*, application/sparql-results+json;q=0.5") == (.csv, "text/csv; charset=utf-8"))
        #expect(try graph("application/trig;q=0.8, text/turtle;q=0.8, application/n-quads;q=0.9") == (.nQuads, "application/n-quads"))
        #expect(try graph("application/trig, text/turtle") == (.turtle, "text/turtle; charset=utf-8"))
    }

    @Test func qZeroExcludesAFormat() throws {
        #expect(try results("*/*, application/sparql-results+json;q=0, application/json;q=0") == (.xml, "application/sparql-results+xml"))
        #expect(try results("text/*;q=0, */*") == (.json, "application/sparql-results+json"))
        #expect(try graph("*/*;q=0.1, application/n-triples;q=0, text/plain;q=0") == (.turtle, "text/turtle; charset=utf-8"))
    }

    @Test func aUTF8CharsetMatchesAndAnotherDoesNot() throws {
        #expect(try results("text/csv;charset=UTF-8") == (.csv, "text/csv; charset=utf-8"))
        #expect(try results("text/csv;charset=iso-8859-1, application/sparql-results+xml;q=0.1") == (.xml, "application/sparql-results+xml"))
    }

    @Test func nothingAcceptableIs406() {
        let error = refusal { () throws(HTTPRequestError) in try results("text/html, image/*;q=0.8") }
        #expect(error?.status == .notAcceptable)
        #expect(error?.description == "no format in Accept: text/html, image/*;q=0.8 is available; this answer can be application/sparql-results+json, application/sparql-results+xml, text/csv or text/tab-separated-values")
        let excluded = refusal { () throws(HTTPRequestError) in try graph("*/*;q=0") }
        #expect(excluded?.status == .notAcceptable)
        #expect(excluded?.description == "no format in Accept: */*;q=0 is available; this answer can be application/n-triples, text/turtle, application/n-quads or application/trig")
    }

    @Test func anAskAnswerHasNoCSVOrTSV() throws {
        #expect(try results("text/csv, */*;q=0.1", boolean: true) == (.json, "application/sparql-results+json"))
        let error = refusal { () throws(HTTPRequestError) in try results("text/csv, text/tab-separated-values", boolean: true) }
        #expect(error?.status == .notAcceptable)
        #expect(error?.description == "no format in Accept: text/csv, text/tab-separated-values is available; this answer can be application/sparql-results+json or application/sparql-results+xml")
    }

    @Test func constructDoesNotOfferResultsFormats() {
        let error = refusal { () throws(HTTPRequestError) in try graph("application/sparql-results+json") }
        #expect(error?.status == .notAcceptable)
    }

    // MARK: format= and output=

    @Test func aFormatParameterOverridesAccept() throws {
        #expect(try results("application/sparql-results+json", format: FormParameter("format", "csv")) == (.csv, "text/csv; charset=utf-8"))
        #expect(try results(nil, format: FormParameter("output", "TSV")) == (.tsv, "text/tab-separated-values; charset=utf-8"))
        #expect(try results(nil, format: FormParameter("format", "application/json")) == (.json, "application/json"))
        #expect(try results("text/html", format: FormParameter("format", "application/sparql-results+xml; charset=utf-8")) == (.xml, "application/sparql-results+xml"))
        #expect(try graph(nil, format: FormParameter("format", "ttl")) == (.turtle, "text/turtle; charset=utf-8"))
        #expect(try graph(nil, format: FormParameter("format", "n-quads")) == (.nQuads, "application/n-quads"))
    }

    @Test func aFormatParameterNamingNoOfferedFormatIsRefused() {
        let error = refusal { () throws(HTTPRequestError) in try results(nil, format: FormParameter("format", "turtle")) }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "format=\"turtle\" names no format this answer can take; use one of json, xml, csv, tsv")
        let ask = refusal { () throws(HTTPRequestError) in try results(nil, boolean: true, format: FormParameter("output", "csv")) }
        #expect(ask?.description == "output=\"csv\" names no format this answer can take; use one of json, xml")
    }

    @Test func formatAndOutputTogetherAreOneParameterTwice() throws {
        let error = refusal { () throws(HTTPRequestError) in try ContentNegotiation.formatParameter(in: [FormParameter("format", "json"), FormParameter("output", "xml")]) }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the parameter format (or output) is given more than once; send exactly one")
        let request = refusal { () throws(HTTPRequestError) in try sparql("GET", "/sparql?query=ASK%7B%7D&output=json&output=xml") }
        #expect(request?.description == "the parameter output is given more than once; send exactly one")
        // SPARQLWrapper sends format=json&output=json: the same value twice is one request.
        #expect(try ContentNegotiation.formatParameter(in: [FormParameter("format", "json"), FormParameter("output", "JSON")]) == FormParameter("format", "json"))
    }

    @Test func theAcceptHeaderOfARequestCombinesItsLines() throws {
        let headers = HeaderFields(headerLines(["Accept: text/csv;q=0.5", "Accept: application/sparql-results+xml"]))
        #expect(try ContentNegotiation.resultsFormat(accept: headers.combined("Accept")).format == .xml)
        #expect(ContentNegotiation.varyHeader == HTTPHeader("Vary", "Accept"))
    }

    @Test func formatIRIsAndRawValuesMatchTheirNames() {
        #expect(SPARQLResultsFormat.allCases.map(\.rawValue) == ["json", "xml", "csv", "tsv"])
        #expect(RDFFormat.turtle.formatIRI == "http://www.w3.org/ns/formats/Turtle")
        #expect(SPARQLResultsFormat.tsv.formatIRI == "http://www.w3.org/ns/formats/SPARQL_Results_TSV")
        #expect(MediaRange(type: "text", subtype: "csv", quality: 250).description == "text/csv; q=0.25")
    }
}
