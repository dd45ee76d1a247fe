import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import QuiverCore
import QuiverSPARQLResults
import Testing

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

func lit(_ value: String, _ datatype: String? = nil, lang: String? = nil) -> Term {
    .literal(value, datatype: datatype, language: lang)
}

func write(_ variables: [String], _ rows: [[Term?]], as format: ResultsFormat) throws -> String {
    text(try ResultsWriter.serialize(.solutions(SolutionSequence(variables: variables, rows: rows)), as: format))
}

/// Exact outputs, written out by hand from the specifications' rules.
struct WriterTests {
    // MARK: JSON

    @Test func jsonWritesEveryKindOfTermAndLeavesUnboundVariablesOut() throws {
        let out = try write(["x", "y"], [
            [.iri("http://example/a"), .blank("b0")],
            [lit("chat", lang: "en-GB"), nil],
            [nil, lit("4", XSD.integer)],
        ], as: .json)
        #expect(out == """
            {"head":{"vars":["x","y"]},"results":{"bindings":[
            {"x":{"type":"uri","value":"http://example/a"},"y":{"type":"bnode","value":"b0"}},
            {"x":{"type":"literal","value":"chat","xml:lang":"en-GB"}},
            {"y":{"type":"literal","value":"4","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}
            ]}}

            """)
    }

    @Test func jsonEscapesQuotesBackslashesAndEveryControlCharacter() throws {
        let value = "a\"b\\c\td\ne\rf\u{08}\u{0C}\u{01}\u{1F}\u{7F}é日😀/"
        let out = try write(["x"], [[lit(value)]], as: .json)
        #expect(out.contains(#""value":"a\"b\\c\td\ne\rf\b\f\u0001\u001f"# + "\u{7F}é日😀/\"}"))
        // An independent JSON parser reads the same string back.
        let parsed = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let bindings = (parsed?["results"] as? [String: Any])?["bindings"] as? [[String: [String: String]]]
        #expect(bindings?.first?["x"]?["value"] == value)
    }

    @Test func jsonWritesEmptyResultsAndBooleans() throws {
        #expect(try write(["x"], [], as: .json) == "{\"head\":{\"vars\":[\"x\"]},\"results\":{\"bindings\":[\n\n]}}\n")
        #expect(try write([], [[]], as: .json) == "{\"head\":{\"vars\":[]},\"results\":{\"bindings\":[\n{}\n]}}\n")
        #expect(text(try ResultsWriter.serialize(.boolean(true), as: .json)) == "{\"head\":{},\"boolean\":true}\n")
        #expect(text(try ResultsWriter.serialize(.boolean(false), as: .json)) == "{\"head\":{},\"boolean\":false}\n")
    }

    // MARK: XML

    @Test func xmlWritesEveryKindOfTermEscaped() throws {
        let out = try write(["x", "y"], [
            [.iri("http://example/?a=1&b=<2>"), .blank("b0")],
            [lit("<tag> & \"quotes\" 'single'", lang: "fr"), nil],
            [lit("x", "http://example/dt?a=\"1\"&b"), lit("line1\nline2\r\tend")],
        ], as: .xml)
        #expect(out == """
            <?xml version="1.0"?>
            <sparql xmlns="http://www.w3.org/2005/sparql-results#">
            <head><variable name="x"/><variable name="y"/></head>
            <results>
            <result><binding name="x"><uri>http://example/?a=1&amp;b=&lt;2&gt;</uri></binding><binding name="y"><bnode>b0</bnode></binding></result>
            <result><binding name="x"><literal xml:lang="fr">&lt;tag&gt; &amp; "quotes" 'single'</literal></binding></result>
            <result><binding name="x"><literal datatype="http://example/dt?a=&quot;1&quot;&amp;b">x</literal></binding><binding name="y"><literal>line1
            line2&#13;\tend</literal></binding></result>
            </results>
            </sparql>

            """)
    }

    @Test func xmlRefusesCharactersXML10CannotCarryAndLeavesTheOutputUntouched() throws {
        for (value, scalar): (String, UInt32) in [("a\u{01}b", 0x01), ("\u{00}", 0), ("x\u{1B}", 0x1B), ("\u{FFFE}", 0xFFFE), ("ok\u{FFFF}", 0xFFFF)] {
            var out: [UInt8] = []
            var writer = try XMLResultsWriter(variables: ["v", "w"], into: &out)
            try writer.write([lit("fine"), nil], into: &out)
            let before = out
            #expect(throws: ResultsWriteError.unrepresentableCharacter(format: .xml, variable: "w", row: 2, scalar: scalar)) {
                try writer.write([.iri("http://example/a"), lit(value)], into: &out)
            }
            #expect(out == before)
        }
        // The same characters go through JSON and TSV.
        for format in [ResultsFormat.json, .tsv] {
            let answer = QueryResults.solutions(SolutionSequence(variables: ["v"], rows: [[lit("a\u{01}\u{00}\u{FFFE}b")]]))
            #expect(try ResultsReader.read(ResultsWriter.serialize(answer, as: format), as: format) == answer)
        }
    }

    @Test func xmlOutputIsReadTheSameByFoundationsParser() throws {
        let values = ["a < b && c > d", "\"q\" 'a'", "cr\r\nlf", "tab\there", "ünïcödé 日本語 😀", "]]>", "  padded  "]
        let bytes = try ResultsWriter.serialize(.solutions(SolutionSequence(variables: ["x"], rows: values.map { [lit($0, lang: "en")] })), as: .xml)
        let collector = LiteralCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.literals == values)
        #expect(collector.languages == Array(repeating: "en", count: values.count))
    }

    @Test func xmlWritesEmptyResultsAndBooleans() throws {
        #expect(try write(["x"], [], as: .xml) == """
            <?xml version="1.0"?>
            <sparql xmlns="http://www.w3.org/2005/sparql-results#">
            <head><variable name="x"/></head>
            <results>
            </results>
            </sparql>

            """)
        #expect(text(try ResultsWriter.serialize(.boolean(false), as: .xml)) == """
            <?xml version="1.0"?>
            <sparql xmlns="http://www.w3.org/2005/sparql-results#">
            <head></head>
            <boolean>false</boolean>
            </sparql>

            """)
    }

    // MARK: CSV

    @Test func csvQuotesPerRFC4180AndWritesTermsAsPlainStrings() throws {
        let out = try write(["s", "o"], [
            [.iri("http://example/a"), lit("a,b")],
            [.blank("b0"), lit("say \"hi\"", lang: "en")],
            [nil, lit("two\r\nlines")],
            [lit("4", XSD.integer), lit("  spaced ")],
            [lit("日本"), nil],
        ], as: .csv)
        #expect(out == "s,o\r\nhttp://example/a,\"a,b\"\r\n_:b0,\"say \"\"hi\"\"\"\r\n,\"two\r\nlines\"\r\n4,  spaced \r\n日本,\r\n")
    }

    @Test func csvAndTSVHaveNoFormForAnASKAnswer() throws {
        for format in [ResultsFormat.csv, .tsv] {
            var out: [UInt8] = []
            #expect(throws: ResultsWriteError.booleanInTabularFormat(format)) { try ResultsWriter.writeBoolean(true, as: format, into: &out) }
            #expect(out.isEmpty)
        }
    }

    @Test func emptyResultsInCSVAndTSVAreTheHeaderAlone() throws {
        #expect(try write(["a", "b"], [], as: .csv) == "a,b\r\n")
        #expect(try write(["a", "b"], [], as: .tsv) == "?a\t?b\n")
        // No variables and one empty solution (`SELECT * {}`): an empty header line, an empty row.
        #expect(try write([], [[]], as: .tsv) == "\n\n")
        #expect(try ResultsReader.read(Array("\n\n".utf8), as: .tsv) == .solutions(SolutionSequence(variables: [], rows: [[]])))
        #expect(try ResultsReader.read(Array("\r\n\r\n".utf8), as: .csv) == .solutions(SolutionSequence(variables: [], rows: [[]])))
    }

    // MARK: TSV

    @Test func tsvWritesTermsInTurtleSyntaxWithEscapes() throws {
        let out = try write(["x"], [
            [lit("a\tb\nc\rd\"e\\f\u{01}g'h")],
            [lit("chat", lang: "fr-CA")],
            [lit("x", "http://example/dt")],
            [lit("", XSD.string)],
            [.iri("http://example/a b>\"{}|^`\\c")],
            [.blank("b0.x-y_z")],
            [nil],
        ], as: .tsv)
        #expect(out == """
            ?x
            "a\\tb\\nc\\rd\\"e\\\\f\\u0001g'h"
            "chat"@fr-CA
            "x"^^<http://example/dt>
            ""^^<http://www.w3.org/2001/XMLSchema#string>
            <http://example/a\\u0020b\\u003E\\u0022\\u007B\\u007D\\u007C\\u005E\\u0060\\u005Cc>
            _:b0.x-y_z


            """)
    }

    @Test func tsvAbbreviatesOnlyNumbersTurtleReadsBackAsTheSameTerm() throws {
        let cases: [(Term, String)] = [
            (lit("4", XSD.integer), "4"),
            (lit("-04", XSD.integer), "-04"),
            (lit("+5.50", XSD.decimal), "+5.50"),
            (lit(".5", XSD.decimal), ".5"),
            (lit("1.0e6", XSD.double), "1.0e6"),
            (lit("1E-3", XSD.double), "1E-3"),
            // Bare, these would read as another datatype or not at all.
            (lit("5", XSD.decimal), "\"5\"^^<http://www.w3.org/2001/XMLSchema#decimal>"),
            (lit("5.", XSD.decimal), "\"5.\"^^<http://www.w3.org/2001/XMLSchema#decimal>"),
            (lit("1.5", XSD.double), "\"1.5\"^^<http://www.w3.org/2001/XMLSchema#double>"),
            (lit("INF", XSD.double), "\"INF\"^^<http://www.w3.org/2001/XMLSchema#double>"),
            (lit("four", XSD.integer), "\"four\"^^<http://www.w3.org/2001/XMLSchema#integer>"),
            (lit("1", XSD.string), "\"1\"^^<http://www.w3.org/2001/XMLSchema#string>"),
            (lit("-3", XSD.namespace + "negativeInteger"), "\"-3\"^^<http://www.w3.org/2001/XMLSchema#negativeInteger>"),
            (lit("true", XSD.boolean), "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>"),
        ]
        for (term, field) in cases {
            #expect(try write(["n"], [[term]], as: .tsv) == "?n\n\(field)\n")
            #expect(try ResultsReader.read(Array("?n\n\(field)\n".utf8), as: .tsv) == .solutions(SolutionSequence(variables: ["n"], rows: [[term]])))
        }
    }

    @Test func tsvRefusesLanguageTagsAndBlankLabelsTurtleCannotWrite() throws {
        #expect(throws: ResultsWriteError.invalidLanguageTag(variable: "x", row: 1, tag: "en us")) { try write(["x"], [[lit("a", lang: "en us")]], as: .tsv) }
        #expect(throws: ResultsWriteError.invalidLanguageTag(variable: "x", row: 1, tag: "1en")) { try write(["x"], [[lit("a", lang: "1en")]], as: .tsv) }
        #expect(throws: ResultsWriteError.invalidBlankNodeLabel(variable: "x", row: 1, label: "a b")) { try write(["x"], [[.blank("a b")]], as: .tsv) }
        #expect(throws: ResultsWriteError.invalidBlankNodeLabel(variable: "x", row: 1, label: "ends.")) { try write(["x"], [[.blank("ends.")]], as: .tsv) }
        // JSON and XML carry any label and tag.
        for format in [ResultsFormat.json, .xml] {
            let odd = QueryResults.solutions(SolutionSequence(variables: ["x"], rows: [[.blank("a b")], [lit("a", lang: "en us")]]))
            #expect(try ResultsReader.read(ResultsWriter.serialize(odd, as: format), as: format) == odd)
        }
    }

    // MARK: Every format

    @Test func everyWriterRefusesPlainNamesAndLeavesTheOutputAsItWas() throws {
        for format in ResultsFormat.allCases {
            var out: [UInt8] = []
            var writer = try ResultsWriter(format: format, variables: ["x", "y"], into: &out)
            try writer.write([.iri("http://example/a"), nil], into: &out)
            let before = out
            #expect(throws: ResultsWriteError.nameTerm(variable: "y", row: 2, name: "usa"), "\(format)") {
                try writer.write([lit("a\"b,c"), .name("usa")], into: &out)
            }
            #expect(out == before, "\(format)")
            // The writer goes on: the refused row did not count.
            try writer.write([nil, .blank("b1")], into: &out)
            writer.finish(into: &out)
            let read = try ResultsReader.read(out, as: format)
            let expected = QueryResults.solutions(SolutionSequence(variables: ["x", "y"], rows: [[.iri("http://example/a"), nil], [nil, .blank("b1")]]))
            #expect(read == (format == .csv ? ResultsEquivalence.csvForm(expected) : expected), "\(format)")
        }
    }

    @Test func everyWriterChecksVariablesAndRowWidths() throws {
        for format in ResultsFormat.allCases {
            var out: [UInt8] = []
            for bad in ["", "a-b", "?x", "a b", "a,b", "x\"y"] {
                #expect(throws: ResultsWriteError.invalidVariableName(bad)) { try ResultsWriter(format: format, variables: [bad], into: &out) }
            }
            #expect(throws: ResultsWriteError.duplicateVariable("x")) { try ResultsWriter(format: format, variables: ["x", "y", "x"], into: &out) }
            #expect(out.isEmpty)
            var writer = try ResultsWriter(format: format, variables: ["x", "_1", "été"], into: &out)
            #expect(throws: ResultsWriteError.rowWidth(row: 1, expected: 3, found: 2)) { try writer.write([nil, nil], into: &out) }
        }
    }

    @Test func rowsWrittenOneAtATimeAndDrainedGiveTheSameBytesAsTheWholeDocument() throws {
        let rows: [[Term?]] = (0..<500).map { i in [.iri("http://example/\(i)"), i % 3 == 0 ? nil : lit("\(i)", XSD.integer)] }
        for format in ResultsFormat.allCases {
            var sent: [UInt8] = []
            var buffer: [UInt8] = []
            var largest = 0
            var writer = try ResultsWriter(format: format, variables: ["s", "n"], into: &buffer)
            for row in rows {
                try writer.write(row, into: &buffer)
                largest = max(largest, buffer.count)
                sent += buffer
                buffer.removeAll(keepingCapacity: true)
            }
            writer.finish(into: &buffer)
            sent += buffer
            #expect(sent == (try ResultsWriter.serialize(.solutions(SolutionSequence(variables: ["s", "n"], rows: rows)), as: format)))
            // Each call adds one row's bytes (plus the head), not the rows before it.
            #expect(largest < 400, "\(format)")
        }
    }
}

/// Collects the text of each <literal> and its xml:lang, through Foundation's own XML parser.
private final class LiteralCollector: NSObject, XMLParserDelegate {
    var literals: [String] = []
    var languages: [String?] = []
    private var current: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "literal" {
            current = ""
            languages.append(attributes["xml:lang"])
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "literal", let text = current { literals.append(text) }
        current = nil
    }
}
