import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF Turtle errors")
struct RDFTurtleErrorTests {
    typealias T = RDFTest

    /// (document, line, column, expected-message fragment). Every document starts with the same prefix
    /// line so that positions on line 2 are easy to count.
    static let cases: [(String, Int, Int, String)] = [
        // Statements and punctuation.
        (":s :p :o", 2, 9, "'.'"),
        (":s :p :o :x .", 2, 10, "'.'"),
        (":s :p .", 2, 7, "object"),
        (":s .", 2, 4, "predicate"),
        (":s :p :o , .", 2, 12, "object"),
        (":s :p :o ,, :x .", 2, 11, "object"),
        (":s :p :o ; , :x .", 2, 12, "predicate"),
        (". :s :p :o .", 2, 1, "subject"),
        (":s :p :o .. ", 2, 11, "subject"),
        // Terms in the wrong place.
        ("\"lit\" :p :o .", 2, 1, "subject"),
        ("1 :p :o .", 2, 1, "subject"),
        ("true :p :o .", 2, 1, "subject"),
        (":s _:b :o .", 2, 4, "predicate"),
        (":s \"p\" :o .", 2, 4, "predicate"),
        (":s [] :o .", 2, 4, "predicate"),
        (":s (:p) :o .", 2, 4, "predicate"),
        (":s a :o ; :p a .", 2, 14, "object"),
        ("[] .", 2, 4, "predicate"),
        ("[ ] .", 2, 5, "predicate"),
        (":s :p [ :q ] .", 2, 12, "object"),
        (":s :p [ :q :r .", 2, 15, "']'"),
        (":s :p ( :a :b .", 2, 15, "object"),
        (":s :p ( :a", 2, 11, "')'"),
        // Prefixed names.
        ("undeclared:s :p :o .", 2, 1, "declared prefix"),
        (":s :p :o.~ .", 2, 10, "subject"),
        (":s :p :o% .", 2, 9, "hexadecimal"),
        (":s :p :a%2 .", 2, 9, "hexadecimal"),
        (":s :p :a\\x .", 2, 9, "escaped character"),
        (":s :p .:o .", 2, 7, "object"),
        ("-:s :p :o .", 2, 1, "subject"),
        ("_:a.b. :p :o .", 2, 6, "predicate"),
        ("_:-a :p :o .", 2, 3, "blank node label"),
        ("_: :p :o .", 2, 3, "blank node label"),
        // IRIs.
        ("<http://ex ample/> :p :o .", 2, 11, "IRI character"),
        ("<http://example/^> :p :o .", 2, 17, "IRI character"),
        ("<http://example/\\n> :p :o .", 2, 17, "\\u or \\U"),
        ("<http://example/\\u00G0> :p :o .", 2, 17, "hexadecimal"),
        ("<http://example/\\u0020> :p :o .", 2, 17, "an escape of a character IRIs allow"),
        (":s :p <http://example/a\\U0000007Cb> .", 2, 24, "an escape of a character IRIs allow"),
        ("<http://example/ :p :o .", 2, 17, "IRI character"),
        ("<http://example/s> :p <http://example/o", 2, 40, "'>'"),
        // Strings and literals.
        (":s :p \"abc .", 2, 13, "closing quote"),
        (":s :p \"ab\nc\" .", 2, 10, "closing quote"),
        (":s :p 'ab\nc' .", 2, 10, "closing quote"),
        (":s :p \"\"\"abc\" .", 2, 16, "closing triple quote"),
        (":s :p \"a\\zb\" .", 2, 9, "escape sequence"),
        (":s :p \"\\uD834\" .", 2, 8, "Unicode scalar"),
        (":s :p \"\\U00110000\" .", 2, 8, "Unicode scalar"),
        (":s :p \"x\"@ .", 2, 10, "language tag"),
        (":s :p \"x\"@en- .", 2, 13, "language tag"),
        (":s :p \"x\"^ :d .", 2, 10, "'^^'"),
        (":s :p \"x\"^^ .", 2, 13, "datatype"),
        (":s :p \"x\"^^\"y\" .", 2, 12, "datatype"),
        (":s :p \"x\"@en^^:d .", 2, 13, "'.'"),
        // Numbers.
        (":s :p 1e .", 2, 8, "exponent"),
        (":s :p +. .", 2, 7, "number"),
        (":s :p 1.2.3 .", 2, 11, "subject"),
        // Directives.
        ("@prefix x <http://example/> .", 2, 9, "':'"),
        ("@prefix x: <http://example/>", 2, 29, "'.'"),
        ("@prefix x: http://example/ .", 2, 12, "IRI"),
        ("@prefix _: <http://example/> .", 2, 9, "':'"),
        ("@prefix x.: <http://example/> .", 2, 9, "':'"),
        ("@base <http://example/>", 2, 24, "'.'"),
        ("@keywords a .", 2, 1, "'@prefix' or '@base'"),
        ("PREFIX x: <http://example/> .", 2, 29, "subject"),
        ("BASE <http://example/> .", 2, 24, "subject"),
        ("@prefix x: <relative> .", 2, 12, "absolute IRI"),
    ]

    static let header = "@prefix : <http://example/> .\n"

    @Test(arguments: 0..<cases.count)
    func invalidDocumentReportsPosition(index: Int) {
        let (body, line, column, expected) = Self.cases[index]
        let doc = Self.header + body
        let base: String? = index == Self.cases.count - 1 ? nil : "http://example/base"
        var seen: ParseError?
        for step in [nil, 1, 2, 7] as [Int?] {
            for chunk in [256 * 1024, 16] {
                let error = T.error { try T.ttl(doc, base: base, step: step, chunkSize: chunk) }
                #expect(error != nil, "case \(index) accepted: \(body)")
                guard let error else { continue }
                #expect(error.line == line && error.column == column,
                        "case \(index) '\(body)': got \(error)")
                #expect(error.expected.contains(expected), "case \(index) '\(body)': got \(error)")
                #expect(error.file == "test.ttl")
                if let seen { #expect(seen == error, "case \(index): same error whatever the chunking") }
                seen = error
            }
        }
    }

    @Test func errorNamesFoundText() {
        let e = T.error { try T.ttl(Self.header + ":s :p :o :extra .") }
        #expect(e == ParseError(file: "test.ttl", line: 2, column: 10, found: "':extra'", expected: "'.' to end the triples"))
        let eof = T.error { try T.ttl(Self.header + ":s :p") }
        #expect(eof?.found == "end of input")
        let prefix = T.error { try T.ttl(Self.header + "nope:s :p :o .") }
        #expect(prefix?.found == "'nope:'")
    }

    @Test func escapedForbiddenIRICharacterNamesTheEscape() {
        let e = T.error { try T.ttl(Self.header + ":s :p <http://example/\\u003C> .") }
        #expect(e == ParseError(file: "test.ttl", line: 2, column: 23, found: #"'\u003C'"#, expected: ErrorText.escapeAllowedInIRI))
    }

    @Test func relativeIRIWithoutBaseIsAnError() {
        let e = T.error { try T.ttl("<a> <http://example/p> <http://example/o> .", base: nil) }
        #expect(e?.line == 1 && e?.column == 1)
        #expect(e?.expected == "absolute IRI (no base IRI is set)")
    }

    @Test func invalidUTF8() {
        for (bytes, line, column) in [
            (Array("@prefix : <http://example/> .\n:s :p \"ab".utf8) + [0xFF] + Array("\" .".utf8), 2, 10),
            (Array("<http://example/".utf8) + [0xE2, 0x82] + Array("> <http://example/p> 1 .".utf8), 1, 17),
            (Array("# comment ".utf8) + [0xED, 0xA0, 0x80] + Array("\n".utf8), 1, 11),
            (Array("@prefix : <http://example/> .\n:s :p :a".utf8) + [0xC1, 0x81], 2, 9),
        ] {
            for step in [nil, 1] as [Int?] {
                let e = T.error { try T.ttl(bytes: bytes, step: step) }
                #expect(e?.line == line && e?.column == column, "\(String(describing: e))")
                #expect(e?.expected == "valid UTF-8")
            }
        }
    }

    @Test func triplesBeforeTheErrorAreDeliveredThenTheReaderStops() throws {
        let doc = Self.header + ":a :p :o .\n:b :p :o .\n:c :p :o :bad .\n:d :p :o ."
        var reader = TurtleReader(source: MemoryByteSource(doc), fileName: "x.ttl")
        var batch: [Triple] = []
        #expect(try reader.readBatch(into: &batch, maxCount: 2))
        #expect(batch.count == 2)
        #expect(throws: ParseError.self) { try reader.readBatch(into: &batch, maxCount: 2) }
        #expect(batch.count == 2)
        #expect(try reader.readBatch(into: &batch, maxCount: 2) == false)
    }
}

@Suite("RDF Turtle limits")
struct RDFTurtleLimitTests {
    typealias T = RDFTest

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 100_000
        let lists = "<http://example/s> <http://example/p> " + String(repeating: "(", count: depth) + String(repeating: ")", count: depth) + " ."
        let e = T.error { try T.ttl(lists) }
        #expect(e?.line == 1 && e?.column == 39 + TurtleParser.maxNesting)
        let blanks = "<http://example/s> <http://example/p> " + String(repeating: "[ <http://example/q> ", count: depth) + " ."
        #expect(T.error { try T.ttl(blanks) }?.expected.contains("nested") == true)
    }

    @Test func nestingWithinTheLimitIsFine() throws {
        let depth = TurtleParser.maxNesting
        let doc = "<http://example/s> <http://example/p> " + String(repeating: "[ <http://example/q> ", count: depth - 1) + "1" + String(repeating: " ]", count: depth - 1) + " ."
        #expect(try T.ttl(doc).count == depth)
    }
}
