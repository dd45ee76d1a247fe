import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF N-Triples reader")
struct RDFNTriplesReaderTests {
    typealias T = RDFTest

    @Test func simpleTriples() throws {
        let doc = """
        <http://example/s> <http://example/p> <http://example/o> .
        _:b1 <http://example/p> "plain" .
        <http://example/s> <http://example/p> "chat"@fr .
        <http://example/s> <http://example/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
        """
        #expect(try T.nt(doc) == [
            Triple(T.ex("s"), T.ex("p"), T.ex("o")),
            Triple(T.blank("b1"), T.ex("p"), T.lit("plain")),
            Triple(T.ex("s"), T.ex("p"), T.lit("chat", lang: "fr")),
            Triple(T.ex("s"), T.ex("p"), T.typed("1", "integer")),
        ])
    }

    @Test func xsdStringDatatypeBecomesPlain() throws {
        let doc = "<http://example/s> <http://example/p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> .\n"
        #expect(try T.nt(doc) == [Triple(T.ex("s"), T.ex("p"), T.lit("x"))])
    }

    @Test func languageTagsKeptAsWritten() throws {
        let doc = "<http://example/s> <http://example/p> \"x\"@en-GB-oxendict .\n<http://example/s> <http://example/p> \"y\"@EN .\n"
        #expect(try T.nt(doc).map(\.object) == [T.lit("x", lang: "en-GB-oxendict"), T.lit("y", lang: "EN")])
    }

    @Test func commentsBlankLinesAndWhitespace() throws {
        let doc = "# header\n\n   \t\n<http://example/s>\t<http://example/p>   <http://example/o>\t.  # trailing\n# end"
        #expect(try T.nt(doc) == [Triple(T.ex("s"), T.ex("p"), T.ex("o"))])
    }

    @Test func minimalWhitespace() throws {
        let doc = "<http://example/s><http://example/p><http://example/o>.\n_:a<http://example/p>\"x\".\n<http://example/s><http://example/p>_:b.\n"
        #expect(try T.nt(doc) == [
            Triple(T.ex("s"), T.ex("p"), T.ex("o")),
            Triple(T.blank("a"), T.ex("p"), T.lit("x")),
            Triple(T.ex("s"), T.ex("p"), T.blank("b")),
        ])
    }

    @Test func lineEndings() throws {
        let doc = "<http://example/a> <http://example/p> \"1\" .\r\n<http://example/b> <http://example/p> \"2\" .\r<http://example/c> <http://example/p> \"3\" .\n\n\r\n<http://example/d> <http://example/p> \"4\" ."
        #expect(try T.nt(doc).map(\.object) == ["1", "2", "3", "4"].map { T.lit($0) })
    }

    @Test func emptyDocuments() throws {
        #expect(try T.nt("").isEmpty)
        #expect(try T.nt("\n\n# only a comment\n").isEmpty)
        #expect(try T.nt("# no newline").isEmpty)
    }

    @Test func stringEscapes() throws {
        let doc = #"<http://example/s> <http://example/p> "t\tb\bn\nr\rf\fq\"a\'s\\" ."# + "\n"
            + #"<http://example/s> <http://example/p> "\u00E9\U0001F600\u0001" ."#
        #expect(try T.nt(doc).map(\.object) == [T.lit("t\tb\u{8}n\nr\rf\u{C}q\"a's\\"), T.lit("é😀\u{1}")])
        // \u0000 is refused (RDFNulByteTests): a stored term cannot hold a NUL.
    }

    @Test func rawUnicodeInStringsIRIsAndLabels() throws {
        let doc = "<http://example/é> <http://example/p> \"日本語 🎉\" .\n_:ÿ·a <http://example/p> _:a-b.c .\n"
        #expect(try T.nt(doc) == [
            Triple(T.ex("é"), T.ex("p"), T.lit("日本語 🎉")),
            Triple(T.blank("ÿ·a"), T.ex("p"), T.blank("a-b.c")),
        ])
    }

    @Test func iriEscapes() throws {
        let doc = #"<http://example/\u0073\U0000006F> <http://example/p> <http://example/a\u00E9b> ."#
        #expect(try T.nt(doc) == [Triple(T.ex("so"), T.ex("p"), T.ex("aéb"))])
    }

    /// An escape does not let into an IRI a character IRIREF forbids (the W3C's turtle-eval-bad-01..04).
    @Test func iriEscapesOfForbiddenCharactersAreRefused() throws {
        for escape in [#"\u0020"#, #"\u003C"#, #"\u003E"#, #"\u0022"#, #"\u007B"#, #"\u007D"#, #"\u007C"#, #"\u005E"#,
                       #"\u0060"#, #"\u005C"#, #"\u0001"#, #"\u001F"#, #"\U00000020"#] {
            let doc = "<http://example/s> <http://example/p> <http://example/a\(escape)b> .\n"
            for step in [nil, 1] as [Int?] {
                let e = T.error { try T.nt(doc, step: step) }
                #expect(e == ParseError(file: "test.nt", line: 1, column: 56, found: "'\(escape)'", expected: ErrorText.escapeAllowedInIRI),
                        "\(escape): \(String(describing: e))")
            }
        }
        // Escapes of allowed characters, ASCII or not, still decode.
        #expect(try T.nt(#"<http://example/\u0041\u007E\u00A0> <http://example/p> "o" ."#).first?.subject == T.ex("A~\u{A0}"))
    }

    @Test func blankNodeLabels() throws {
        let doc = """
        _:0 <http://example/p> _:_x .
        _:a.b.c <http://example/p> _:a_b .
        _:x <http://example/p> _:y..z.
        """
        #expect(try T.nt(doc) == [
            Triple(T.blank("0"), T.ex("p"), T.blank("_x")),
            Triple(T.blank("a.b.c"), T.ex("p"), T.blank("a_b")),
            Triple(T.blank("x"), T.ex("p"), T.blank("y..z")),
        ])
    }

    @Test func datatypedLiterals() throws {
        let doc = "<http://example/s> <http://example/p> \"\"^^<http://example/dt> .\n<http://example/s> <http://example/p> \"\" .\n"
        #expect(try T.nt(doc).map(\.object) == [T.lit("", "http://example/dt"), T.lit("")])
    }

    @Test func otherSchemesAreAbsolute() throws {
        let doc = "<urn:isbn:123> <mailto:a@b.c> <file:///tmp/x> .\n<a+b-c.d:x> <tag:x> <x:> ."
        #expect(try T.nt(doc).count == 2)
    }

    /// (document, line, column) of the first error.
    static let invalid: [(String, Int, Int)] = [
        ("<http://example/s> <http://example/p> <http://example/o>\n", 1, 57),  // missing '.'
        ("<http://example/s> <http://example/p> <http://example/o> . <http://example/x> .\n", 1, 60),
        ("<http://example/s> <http://example/p> .\n", 1, 39),
        ("<http://example/s> .\n", 1, 20),
        ("<http://example/s> <http://example/p> <http://example/o>", 1, 57),
        ("\n\n  <s> <http://example/p> <http://example/o> .\n", 3, 3),  // relative IRI
        ("<http://example/s> <http://example/p> <http://ex ample/o> .\n", 1, 49),  // space in IRI
        ("<http://example/s> <http://example/p> <http://example/{o}> .\n", 1, 55),
        ("<http://example/s> <http://example/p> <http://example/\\n> .\n", 1, 55),
        ("<http://example/s> <http://example/p> <http://example/\\u00ZZ> .\n", 1, 55),
        ("<http://example/s> <http://example/p> <http://example/o .\n", 1, 56),
        ("\"s\" <http://example/p> <http://example/o> .\n", 1, 1),  // literal subject
        ("<http://example/s> _:p <http://example/o> .\n", 1, 20),  // blank predicate
        ("<http://example/s> \"p\" <http://example/o> .\n", 1, 20),
        ("<http://example/s> <http://example/p> \"abc .\n", 1, 45),  // unterminated string
        ("<http://example/s> <http://example/p> \"a\\qb\" .\n", 1, 41),  // bad escape
        ("<http://example/s> <http://example/p> \"a\\u12\" .\n", 1, 41),
        ("<http://example/s> <http://example/p> \"a\\uD800\" .\n", 1, 41),  // surrogate
        ("<http://example/s> <http://example/p> \"a\"@ .\n", 1, 42),
        ("<http://example/s> <http://example/p> \"a\"@en- .\n", 1, 46),
        ("<http://example/s> <http://example/p> \"a\"@1en .\n", 1, 42),
        ("<http://example/s> <http://example/p> \"a\"^<http://example/dt> .\n", 1, 42),
        ("<http://example/s> <http://example/p> \"a\"^^xsd:string .\n", 1, 44),
        ("<http://example/s> <http://example/p> \"a\"^^<dt> .\n", 1, 44),
        ("_: <http://example/p> <http://example/o> .\n", 1, 3),
        ("_:-a <http://example/p> <http://example/o> .\n", 1, 3),
        ("_a <http://example/p> <http://example/o> .\n", 1, 1),
        ("_:a:b <http://example/p> <http://example/o> .\n", 1, 4),  // ':' in a label (nt-syntax-bad-bnode-01)
        ("<http://example/s> <http://example/p> _::a .\n", 1, 41),
        ("<http://example/s> <http://example/p> <http://example/a\\u0020b> .\n", 1, 56),  // escaped space in an IRI
        ("<http://example/s> <http://example/p> 'single' .\n", 1, 39),
        ("<http://example/s> <http://example/p> 1 .\n", 1, 39),
        ("@prefix ex: <http://example/> .\n", 1, 1),
        ("<http://example/s> <http://example/p> \"x\" . junk\n", 1, 45),
        ("<http://example/a> <http://example/p> \"é\" .\r<http://example/b> <http://example/p> \"x\" x\n", 2, 43),
        ("<http://example/s> <http://example/p> \"\"\"long\"\"\" .\n", 1, 41),
    ]

    @Test(arguments: 0..<invalid.count)
    func invalidDocumentsReportPosition(index: Int) {
        let (doc, line, column) = Self.invalid[index]
        for step in [nil, 1, 3] as [Int?] {
            let error = T.error { try T.nt(doc, step: step) }
            #expect(error?.line == line, "doc \(index) step \(String(describing: step)): \(String(describing: error))")
            #expect(error?.column == column, "doc \(index) step \(String(describing: step)): \(String(describing: error))")
            #expect(error?.file == "test.nt")
        }
    }

    @Test func errorMessagesNameFoundAndExpected() {
        let e = T.error { try T.nt("<http://example/s> <http://example/p> <http://example/o> <http://example/x>\n") }
        #expect(e == ParseError(file: "test.nt", line: 1, column: 58, found: "'<http://example/x>'", expected: "'.' to end the triple"))
        let eof = T.error { try T.nt("<http://example/s> <http://example/p>") }
        #expect(eof?.found == "end of input")
        #expect(eof?.expected == "object (IRI, blank node or literal)")
        let eol = T.error { try T.nt("<http://example/s> <http://example/p>\n<http://example/o> .") }
        #expect(eol?.found == "end of line")
    }

    @Test func colonInABlankNodeLabelNamesIt() {
        let e = T.error { try T.nt("<http://example/s> <http://example/p> _:abc:def .\n") }
        #expect(e == ParseError(file: "test.nt", line: 1, column: 44, found: "':def'", expected: "blank node label characters (':' is not one)"))
    }

    @Test func invalidUTF8IsAnError() {
        var bytes = Array("<http://example/s> <http://example/p> \"ab".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\" .\n".utf8)
        for step in [nil, 1] as [Int?] {
            let e = T.error { try T.nt(bytes: bytes, step: step) }
            #expect(e?.line == 1)
            #expect(e?.column == 42)
            #expect(e?.expected == "valid UTF-8")
        }
        // Overlong encoding and a lone continuation byte inside a comment.
        #expect(T.error { try T.nt(bytes: Array("# x".utf8) + [0xC0, 0xAF]) }?.column == 4)
        #expect(T.error { try T.nt(bytes: Array("\n# ".utf8) + [0x80]) }?.line == 2)
    }

    @Test func triplesBeforeAnErrorAreDelivered() throws {
        let doc = "<http://example/a> <http://example/p> <http://example/o> .\n<http://example/b> <http://example/p> <http://example/o> .\nbad\n"
        var reader = NTriplesReader(source: MemoryByteSource(doc), fileName: "x.nt")
        var batch: [Triple] = []
        #expect(try reader.readBatch(into: &batch, maxCount: 2))
        #expect(batch.count == 2)
        #expect(throws: ParseError.self) { try reader.readBatch(into: &batch, maxCount: 2) }
        // A reader that threw is done.
        #expect(try reader.readBatch(into: &batch, maxCount: 2) == false)
    }

    @Test func batchesRespectMaxCount() throws {
        let doc = (0..<25).map { "<http://example/s\($0)> <http://example/p> \"\($0)\" ." }.joined(separator: "\n")
        var reader = NTriplesReader(source: MemoryByteSource(doc), fileName: "x.nt")
        var sizes: [Int] = []
        var batch: [Triple] = []
        while try reader.readBatch(into: &batch, maxCount: 10) {
            sizes.append(batch.count)
            batch.removeAll()
        }
        #expect(sizes == [10, 10, 5])
    }
}
