import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF N-Triples serializer")
struct RDFNTriplesSerializerTests {
    typealias T = RDFTest

    @Test func canonicalForms() {
        #expect(NTriples.format(T.ex("s")) == "<http://example/s>")
        #expect(NTriples.format(T.iri("http://e/a b<>\"{}|^`\\\u{1}é")) == #"<http://e/a\u0020b\u003C\u003E\u0022\u007B\u007D\u007C\u005E\u0060\u005C\u0001é>"#)
        #expect(NTriples.format(T.blank("b0")) == "_:b0")
        #expect(NTriples.format(T.lit("a\tb\u{8}c\nd\re\u{C}f\"g\\h'i")) == #""a\tb\bc\nd\re\ff\"g\\h'i""#)
        #expect(NTriples.format(T.lit("\u{0}\u{1F}\u{7F}é😀")) == #""\u0000\u001F\u007Fé😀""#)
        #expect(NTriples.format(T.lit("x", lang: "en-GB")) == #""x"@en-GB"#)
        #expect(NTriples.format(T.typed("1", "integer")) == #""1"^^<http://www.w3.org/2001/XMLSchema#integer>"#)
        #expect(NTriples.format(T.typed("s", "string")) == #""s""#)
        #expect(NTriples.format(Triple(T.ex("s"), T.ex("p"), T.lit("o"))) == #"<http://example/s> <http://example/p> "o" ."#)
    }

    @Test func namesBecomeBracketedIRIs() throws {
        #expect(NTriples.format(Term.name("usa")) == "<usa>")
        #expect(NTriples.format(Term.name("new york")) == #"<new\u0020york>"#)
    }

    @Test func invalidBlankLabelsAreMadeValid() throws {
        let line = NTriples.format(Triple(T.blank("a b."), T.ex("p"), T.blank("")))
        #expect(line == "_:a_x20_b_x2E_ <http://example/p> _:_x0_ .")
        #expect(try T.nt(line).count == 1)
        // ':' is in no RDF syntax's labels (the N-Triples 1.1 text allowed it; its tests do not).
        let colons = NTriples.format(Triple(T.blank(":a:b"), T.ex("p"), T.blank("c:")))
        #expect(colons == "_:_x3A_a_x3A_b <http://example/p> _:c_x3A_ .")
        #expect(try T.nt(colons).count == 1)
    }

    /// An IRI holding a character IRIREF forbids is written escaped, the only way N-Triples can
    /// spell it, and the reader refuses that escape with its position: such an IRI does not round-trip.
    @Test func iriWithForbiddenCharactersIsWrittenEscapedAndRefusedOnReading() {
        let line = NTriples.format(Triple(T.ex("a b"), T.ex("p"), T.ex("o")))
        #expect(line == #"<http://example/a\u0020b> <http://example/p> <http://example/o> ."#)
        let e = T.error { try T.nt(line) }
        #expect(e?.line == 1 && e?.column == 18 && e?.found == #"'\u0020'"#, "\(String(describing: e))")
    }

    @Test func randomTermsRoundTrip() throws {
        var rng = SeededRandom(seed: 42)
        var triples: [Triple] = []
        for _ in 0..<3000 {
            triples.append(Triple(Self.randomSubject(&rng), .iri(Self.randomIRI(&rng)), Self.randomObject(&rng)))
        }
        for t in triples {
            let line = NTriples.format(t)
            #expect(!line.contains("\n") && !line.contains("\r"))
            let back = try T.nt(line)
            #expect(back == [t], "\(line)")
        }
        // And as one document through a trickling source.
        let doc = triples.map(NTriples.format).joined(separator: "\n") + "\n"
        #expect(try T.nt(doc, step: 97, batchSize: 333) == triples)
    }

    /// No NUL: the serializer escapes it, but the reader refuses it (a stored term cannot hold one).
    static let oddScalars: [Unicode.Scalar] = [
        "\u{1}", "\u{7}", "\u{8}", "\t", "\n", "\u{B}", "\u{C}", "\r", "\u{1F}", " ", "\"", "'", "\\", "<",
        ">", "{", "}", "|", "^", "`", "#", "%", "@", "\u{7F}", "\u{80}", "é", "ß", "\u{300}", "\u{200D}", "\u{2028}",
        "\u{FEFF}", "\u{FFFD}", "\u{FFFF}", "日", "😀", "\u{10FFFF}", "a", "Z", "0", ":", "/", ".", "-", "_",
    ]

    static func randomString(_ rng: inout SeededRandom, maxLength: Int) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<rng.next(below: maxLength + 1) {
            s.append(oddScalars[rng.next(below: oddScalars.count)])
        }
        return String(s)
    }

    /// The odd scalars an IRI may hold (IRIs with the others do not round-trip, see above).
    static let iriScalars = oddScalars.filter { !RDFCharacters.isForbiddenInIRI($0.value) }

    static func randomIRI(_ rng: inout SeededRandom) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<rng.next(below: 13) { s.append(iriScalars[rng.next(below: iriScalars.count)]) }
        return ["http://example/", "urn:x:", "file:///tmp/", "a+b.c-d:"][rng.next(below: 4)] + String(s)
    }

    static func randomLabel(_ rng: inout SeededRandom) -> String {
        let firsts: [Unicode.Scalar] = ["a", "Z", "_", "0", "9", "é", "日", "😀"]
        let rest: [Unicode.Scalar] = ["a", "-", "0", ".", "_", "\u{B7}", "\u{300}", "\u{203F}", "é"]
        var s = String.UnicodeScalarView([firsts[rng.next(below: firsts.count)]])
        for _ in 0..<rng.next(below: 6) { s.append(rest[rng.next(below: rest.count)]) }
        if s.last == "." { s.append("x") }
        return String(s)
    }

    static func randomSubject(_ rng: inout SeededRandom) -> Term {
        rng.next(below: 2) == 0 ? .iri(randomIRI(&rng)) : .blank(randomLabel(&rng))
    }

    static func randomObject(_ rng: inout SeededRandom) -> Term {
        let langs = ["en", "en-GB", "zh-Hant-TW", "x-private-1", "DE"]
        switch rng.next(below: 6) {
        case 0: return .iri(randomIRI(&rng))
        case 1: return .blank(randomLabel(&rng))
        case 2: return .literal(randomString(&rng, maxLength: 20), datatype: nil, language: langs[rng.next(below: langs.count)])
        case 3: return .literal(randomString(&rng, maxLength: 20), datatype: randomIRI(&rng), language: nil)
        default: return .literal(randomString(&rng, maxLength: 20), datatype: nil, language: nil)
        }
    }
}


extension SeededRandom {
    mutating func next(below n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
