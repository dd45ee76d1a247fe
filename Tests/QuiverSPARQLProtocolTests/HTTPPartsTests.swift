import QuiverSPARQLProtocol
import Testing

/// The pieces under the classifiers: the request target, form decoding, header lookup, media types.
struct HTTPPartsTests {
    @Test func targetsSplitIntoPathAndQuery() throws {
        #expect(try RequestTarget(parsing: "/sparql") == RequestTarget(path: "/sparql"))
        #expect(try RequestTarget(parsing: "/sparql?") == RequestTarget(path: "/sparql", query: ""))
        #expect(try RequestTarget(parsing: "/a/b?x=1?y#z") == RequestTarget(path: "/a/b", query: "x=1?y"))
        #expect(try RequestTarget(parsing: "https://example.org:8080/sparql?q") == RequestTarget(path: "/sparql", query: "q"))
        #expect(try RequestTarget(parsing: "http://example.org?q") == RequestTarget(path: "/", query: "q"))
        #expect(try RequestTarget(parsing: "*") == RequestTarget(path: "*"))
        #expect(refusal { () throws(HTTPRequestError) in try RequestTarget(parsing: "") }?.status == .badRequest)
    }

    @Test func formDecodingHandlesPlusEscapesEmptyPairsAndBareNames() throws {
        let pairs = try FormDecoding.decode(Array("a=1+2%2B3&&b&c=&%C3%A9t%C3%A9=x%3Dy=z&=v".utf8), part: .formBody)
        #expect(pairs == [FormParameter("a", "1 2+3"), FormParameter("b", ""), FormParameter("c", ""),
                          FormParameter("été", "x=y=z"), FormParameter("", "v")])
        #expect(try FormDecoding.decode([], part: .formBody) == [])
        #expect(try FormDecoding.decode(Array("%41%6a".utf8), part: .formBody) == [FormParameter("Aj", "")])
    }

    @Test func formDecodingPointsAtABadName() {
        let error = refusal { () throws(HTTPRequestError) in try FormDecoding.decode(Array("x=1&%FF=2".utf8), part: .queryString) }
        #expect(error?.description == "the value of a parameter name at byte 4 in the URL's query string is not UTF-8 after percent-decoding (bad byte at offset 0)")
    }

    @Test func headerNamesAreLookedUpWithoutCase() {
        let headers = HeaderFields([(name: "ACCEPT", value: " text/csv "), (name: "accept", value: "application/json"), (name: "Host", value: "h")])
        #expect(headers.first("Accept") == "text/csv")
        #expect(headers.values("accept") == ["text/csv", "application/json"])
        #expect(headers.combined("Accept") == "text/csv, application/json")
        #expect(headers.combined("Origin") == nil)
    }

    @Test func mediaTypesParseWithQuotedParameters() throws {
        let type = try MediaType(parsing: "Text/Turtle ; Charset=\"UTF-8\"; profile=\"a \\\"b\\\" c\";")
        #expect(type.essence == "text/turtle")
        #expect(type.parameter("charset") == "UTF-8")
        #expect(type.parameter("PROFILE") == "a \"b\" c")
        #expect(type.description == #"text/turtle; charset=UTF-8; profile="a \"b\" c""#)
    }

    @Test func malformedMediaTypesNameTheirProblem() {
        let cases: [(String, String)] = [
            ("", "expected a media type at the end"),
            ("text/", "expected a subtype after text/ at the end"),
            ("*/*", "a wildcard is not a media type"),
            ("text/plain; charset", "the parameter charset has no value"),
            ("text/plain; a=\"open", "a quoted parameter value has no closing quote"),
            ("text/plain x", "unexpected \"x\" after the media type"),
        ]
        for (text, problem) in cases {
            let error = refusal { () throws(HTTPRequestError) in try MediaType(parsing: text) }
            #expect(error?.status == .badRequest)
            #expect(error?.description == "the Content-Type header \(quotedForTest(text)) is malformed: \(problem)")
        }
    }

    @Test func statusesHaveTheirCodesAndPhrases() {
        #expect(HTTPStatus.notAcceptable.description == "406 Not Acceptable")
        #expect(HTTPStatus.payloadTooLarge.code == 413)
        #expect(HTTPRequestError.bodyTooLarge(bytes: 2, limit: 1).category == .tooLarge)
    }
}

func quotedForTest(_ s: String) -> String { "\"" + s.replacing("\"", with: "\\\"") + "\"" }
