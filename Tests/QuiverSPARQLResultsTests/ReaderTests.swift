import QuiverCore
import QuiverSPARQLResults
import Testing

func read(_ document: String, as format: ResultsFormat) throws -> QueryResults {
    try ResultsReader.read(Array(document.utf8), as: format)
}

/// The error a reader throws for `document`, or nil when it reads.
func readError(_ document: String, as format: ResultsFormat) -> ResultsReadError? {
    do {
        _ = try read(document, as: format)
        return nil
    } catch let error as ResultsReadError {
        return error
    } catch {
        Issue.record("not a ResultsReadError: \(error)")
        return nil
    }
}

struct ReaderTests {
    // MARK: JSON

    @Test func jsonReadsMembersInAnyOrderWithEscapes() throws {
        let document = #"""
            {"results": {"bindings": [{"x": {"value": "a\"b\\c\n\u00e9\ud83d\ude00", "type": "literal", "xml:lang": "EN"},
                                       "y": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
                                      {}]},
             "head": {"link": ["http://example/about"], "vars": ["x", "y"]}}
            """#
        #expect(try read(document, as: .json) == .solutions(SolutionSequence(variables: ["x", "y"], rows: [
            [lit("a\"b\\c\né😀", lang: "EN"), lit("1", XSD.integer)],
            [nil, nil],
        ])))
    }

    @Test func jsonErrorsNameTheLineColumnAndPath() throws {
        let error = readError("{\"head\":{\"vars\":[\"x\"]},\n\"results\":{\"bindings\":[{\"x\":{\"type\":\"url\",\"value\":\"a\"}}]}}", as: .json)
        #expect(error == ResultsReadError(format: .json, line: 2, column: 37, path: "results.bindings[0].x.type",
                                          found: "the string \"url\"", expected: "uri, literal or bnode"))
        #expect(error?.description == "JSON results, line 2, column 37 (results.bindings[0].x.type): found the string \"url\", expected uri, literal or bnode")

        let syntax = readError(#"{"head": {"vars": ["x"]} "results"}"#, as: .json)
        #expect(syntax?.line == 1 && syntax?.column == 26 && syntax?.path == nil && syntax?.expected == "`,` or `}`")

        let unknown = readError(#"{"head":{"vars":["x"]},"results":{"bindings":[{"y":{"type":"uri","value":"a"}}]}}"#, as: .json)
        #expect(unknown?.path == "results.bindings[0].y" && unknown?.expected == "a variable listed in head.vars")

        let noValue = readError(#"{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri"}}]}}"#, as: .json)
        #expect(noValue?.path == "results.bindings[0].x" && noValue?.found == "no \"value\" member")

        #expect(readError(#"{"head":{},"boolean":"yes"}"#, as: .json)?.path == "boolean")
        #expect(readError(#"{"head":{}}"#, as: .json)?.found == "neither \"boolean\" nor \"results\"")
        #expect(readError(#"{"head":{"vars":["x"]},"results":{"bindings":[]}} x"#, as: .json)?.column == 51)
        #expect(readError("{\"head\":{},\"boolean\":true,\"boolean\":false}", as: .json)?.expected == "each member once")
        #expect(readError("{\"head\":{\"vars\":[\"x\"]},\"results\":{\"bindings\":[{\"x\":{\"type\":\"uri\",\"value\":\"a\u{01}\"}}]}}", as: .json)?.column == 76)
        #expect(readError(#"{"head":{},"boolean":true, "s":"\ud800"}"#, as: .json)?.expected.contains("low surrogate") == true)
    }

    @Test func jsonRefusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(readError(deep, as: .json)?.expected == "nesting at most 64 deep")
        let deepObjects = String(repeating: "{\"a\":", count: 100_000)
        #expect(readError(deepObjects, as: .json)?.column == 64 * 5 + 1)
    }

    // MARK: XML

    @Test func xmlReadsPrefixesEntitiesCDATAAndLineEnds() throws {
        let document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a comment -->\n"
            + "<r:sparql xmlns:r='http://www.w3.org/2005/sparql-results#'><r:head><r:variable name='x'/><r:link href='a'/></r:head>\n"
            + "<r:results><r:result><r:binding name='x'><r:literal xml:lang='de'>&lt;&amp;&gt;&quot;&apos;&#233;&#x1F600;<![CDATA[<raw> & ]]>a\r\nb\rc&#13;</r:literal></r:binding></r:result>\n"
            + "<r:result><r:binding name=\"x\"><r:uri>http://example/a</r:uri></r:binding></r:result><?pi ignored?><r:result/></r:results></r:sparql>\n"
        #expect(try read(document, as: .xml) == .solutions(SolutionSequence(variables: ["x"], rows: [
            [lit("<&>\"'é😀<raw> & a\nb\nc\r", lang: "de")],
            [.iri("http://example/a")],
            [nil],
        ])))
        #expect(try read("<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\"><head/><boolean> true </boolean></sparql>", as: .xml) == .boolean(true))
    }

    @Test func xmlErrorsNameTheLineAndColumn() {
        let ns = "xmlns=\"http://www.w3.org/2005/sparql-results#\""
        let unknown = readError("<sparql \(ns)>\n<head><variable name=\"x\"/></head>\n<results><result>\n  <binding name=\"z\"><uri>a</uri></binding></result></results></sparql>", as: .xml)
        #expect(unknown == ResultsReadError(format: .xml, line: 4, column: 3, found: "a binding of ?z", expected: "a variable listed in <head>"))

        let wrongNamespace = readError("<sparql xmlns=\"http://example/\"><head/></sparql>", as: .xml)
        #expect(wrongNamespace?.found == "<sparql> in the namespace http://example/")

        let mismatched = readError("<sparql \(ns)><head></header></sparql>", as: .xml)
        #expect(mismatched?.line == 1 && mismatched?.column == 62 && mismatched?.expected == "</head>")

        #expect(readError("<!DOCTYPE sparql [<!ENTITY a \"aaaa\">]><sparql \(ns)/>", as: .xml)?.expected.contains("no document type declaration") == true)
        #expect(readError("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><sparql \(ns)/>", as: .xml)?.found == "the encoding \"iso-8859-1\"")
        #expect(readError("<sparql \(ns)><head/><boolean>maybe</boolean></sparql>", as: .xml)?.expected == "true or false")
        #expect(readError("<sparql \(ns)><head/><results><result><binding name=\"x\"><uri>a</uri></binding></result></results></sparql>", as: .xml)?.expected
            == "a variable listed in <head>")
        #expect(readError("<sparql \(ns)><head/><boolean>true</boolean>", as: .xml)?.found == "end of input")
        #expect(readError("<sparql \(ns)><head/><boolean>&nbsp;</boolean></sparql>", as: .xml)?.column == 72)
        #expect(readError("<sparql \(ns)><head/><boolean>&#1;</boolean></sparql>", as: .xml)?.expected == "a character XML allows")
        #expect(readError("<sparql \(ns)><head><variable name=\"x\"/></head><results><result><binding name=\"x\"><uri>a</uri><uri>b</uri></binding></result></results></sparql>",
                          as: .xml)?.found == "2 terms")
        #expect(readError("<sparql \(ns)><head/><results>text</results></sparql>", as: .xml)?.expected == "only elements inside <results>")
        #expect(readError(String(repeating: "<a>", count: 100_000), as: .xml)?.expected == "elements nested at most 64 deep")
    }

    // MARK: CSV

    @Test func csvReadsQuotedFieldsAndBlankNodes() throws {
        let document = "a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",_:b0\r\n,\"two\r\nlines\",\n\"\",plain,\"_:b1\"\nlast,row,no-end"
        #expect(try read(document, as: .csv) == .solutions(SolutionSequence(variables: ["a", "b", "c"], rows: [
            [lit("x,y"), lit("say \"hi\""), .blank("b0")],
            [nil, lit("two\r\nlines"), nil],
            [nil, lit("plain"), .blank("b1")],
            [lit("last"), lit("row"), lit("no-end")],
        ])))
    }

    @Test func csvErrorsNameTheLineAndColumn() {
        #expect(readError("a,b\r\n1,2\r\n\"open,3\r\n", as: .csv) == ResultsReadError(format: .csv, line: 3, column: 1,
                                                                                 found: "a quoted field never closed", expected: "`\"` closing it"))
        #expect(readError("a,b\r\n1,2,3\r\n", as: .csv) == ResultsReadError(format: .csv, line: 2, column: 5, found: "3 fields", expected: "2, one per variable"))
        #expect(readError("a,b\r\n1,x\"y\r\n", as: .csv)?.column == 4)
        #expect(readError("a,b\r\n\"1\"x,2\r\n", as: .csv)?.column == 4)
        #expect(readError("a,a-b\r\n", as: .csv)?.column == 3)
        #expect(readError("", as: .csv)?.expected == "a header line naming the variables")
    }

    // MARK: TSV

    @Test func tsvReadsEveryTurtleTermForm() throws {
        let document = "?a\t$b\n<http://example/\\u00E9>\t'single \"q\"'\n\"\"\"long \"quoted\" text\"\"\"\t'''x'''@en-GB\n"
            + "\"\\U0001F600\\t\"^^<http://example/dt>\t _:b0 \ntrue\t-1.5E+3\r\n\t\n"
        #expect(try read(document, as: .tsv) == .solutions(SolutionSequence(variables: ["a", "b"], rows: [
            [.iri("http://example/é"), lit("single \"q\"")],
            [lit("long \"quoted\" text"), lit("x", lang: "en-GB")],
            [lit("😀\t", "http://example/dt"), .blank("b0")],
            [lit("true", XSD.boolean), lit("-1.5E+3", XSD.double)],
            [nil, nil],
        ])))
    }

    @Test func tsvErrorsNameTheLineAndColumn() {
        #expect(readError("?s\t?o\n<http://example/a>\tex:b\n", as: .tsv)
            == ResultsReadError(format: .tsv, line: 2, column: 20, found: "\"ex:b\"",
                                expected: "an RDF term: <iri>, _:label, a quoted literal, a number, true or false"))
        #expect(readError("?s\n\"open\n", as: .tsv)?.expected == "the quote closing the literal")
        #expect(readError("?s\n\"a\"^^xsd:string\n", as: .tsv)?.expected == "a datatype IRI in <…> (TSV has no prefixes)")
        #expect(readError("?s\n<a b>\n", as: .tsv)?.column == 3)
        #expect(readError("?s\n\"a\" \"b\"\n", as: .tsv)?.column == 5)
        #expect(readError("?s\n\"a\\q\"\n", as: .tsv)?.column == 3)
        #expect(readError("?s\n1.2.3\n", as: .tsv)?.expected == "a number")
        #expect(readError("?s\t?o\n<a>\n", as: .tsv)?.found == "1 fields")
        #expect(readError("s\t?o\n", as: .tsv)?.expected == "a variable, like ?name")
        #expect(readError("?s\n\"a\"@\n", as: .tsv)?.expected == "a language tag")
    }

    // MARK: Any input

    @Test func everyPrefixOfAValidDocumentReadsOrFailsWithAReadError() throws {
        let answer = QueryResults.solutions(SolutionSequence(variables: ["x", "y"], rows: [
            [.iri("http://example/a"), lit("chat \"é\"\n", lang: "fr")],
            [.blank("b0"), lit("4", XSD.integer)],
            [nil, lit("a,b\tc", "http://example/dt")],
        ]))
        for format in ResultsFormat.allCases {
            let whole = try ResultsWriter.serialize(answer, as: format)
            for end in 0..<whole.count {
                do { _ = try ResultsReader.read(Array(whole[..<end]), as: format) } catch is ResultsReadError {} catch {
                    Issue.record("\(format), \(end) bytes: \(error)")
                }
            }
        }
    }

    @Test func randomBytesAndMutatedDocumentsNeverCrashAReader() throws {
        var random = SeededRandom(seed: 14)
        let alphabet = Array("{}[]<>\"',:\\/\t\r\n ?_:@^#&;!-.0123456789abcdeuxtrlsnE".utf8) + [0x00, 0xC3, 0xA9, 0xFF]
        let answer = QueryResults.solutions(SolutionSequence(variables: ["x"], rows: [[lit("v", lang: "en")], [.blank("b")], [.iri("http://e/")]]))
        for format in ResultsFormat.allCases {
            let valid = try ResultsWriter.serialize(answer, as: format)
            for round in 0..<2000 {
                var bytes: [UInt8]
                if round % 2 == 0 {
                    bytes = (0..<random.below(60)).map { _ in alphabet[random.below(alphabet.count)] }
                } else {
                    bytes = valid
                    for _ in 0...random.below(3) { bytes[random.below(bytes.count)] = alphabet[random.below(alphabet.count)] }
                }
                do { _ = try ResultsReader.read(bytes, as: format) } catch is ResultsReadError {} catch {
                    Issue.record("\(format): \(error) for \(bytes)")
                }
            }
        }
    }

    @Test func invalidUTF8IsRefusedWhereItIs() {
        for format in ResultsFormat.allCases {
            let error = try? #require(throws: ResultsReadError.self) { try ResultsReader.read(Array("?x\n".utf8) + [0x22, 0xFF, 0x22], as: format) }
            #expect(error?.line == 2 && error?.column == 2 && error?.expected == "UTF-8 text", "\(format)")
        }
    }
}
