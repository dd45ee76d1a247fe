import Testing
@testable import QuiverCore

@Suite struct TermTests {
    @Test func idsAreStableAndDistinguishKinds() {
        #expect(Term.name("usa").id == Term.name("usa").id)
        #expect(Term.name("usa").id != Term.iri("usa").id)
        #expect(Term.literal("1", datatype: nil, language: nil).id != Term.literal("1", datatype: "http://www.w3.org/2001/XMLSchema#integer", language: nil).id)
        #expect(Term.literal("a", datatype: nil, language: "EN").id == Term.literal("a", datatype: nil, language: "en").id)
        // The id is part of the on-disk format: it must never change between releases.
        #expect(Term.name("usa").id.rawValue == TermID(hashing: .name("usa")).rawValue)
    }

    @Test func memorySourceReadsInChunks() throws {
        var src = MemoryByteSource("hello world")
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4)
        while true {
            let n = try buf.withUnsafeMutableBytes { try src.read(into: $0) }
            if n == 0 { break }
            out += buf[0..<n]
        }
        #expect(String(decoding: out, as: UTF8.self) == "hello world")
    }
}

/// Names are the stored bytes: the NFC and NFD spellings of `café` are two names, as they are two
/// rows in PostgreSQL and two term ids.
@Suite struct ExactTermTests {
    static let nfc = "caf\u{E9}", nfd = "cafe\u{301}"

    @Test func canonicallyEquivalentTermsDiffer() {
        #expect(Term.name(Self.nfc).id != Term.name(Self.nfd).id)
        #expect(Term.name(Self.nfc) != Term.name(Self.nfd))
        #expect(Term.iri(Self.nfc) != Term.iri(Self.nfd))
        #expect(Term.literal(Self.nfc, datatype: nil, language: nil) != Term.literal(Self.nfd, datatype: nil, language: nil))
        #expect(Term.literal("x", datatype: Self.nfc, language: nil) != Term.literal("x", datatype: Self.nfd, language: nil))
        #expect(Set([Term.name(Self.nfc), Term.name(Self.nfd)]).count == 2)
        let byTerm: [Term: Int] = [.name(Self.nfc): 1, .name(Self.nfd): 2]
        #expect(byTerm[.name(Self.nfc)] == 1)
        #expect(byTerm[.name(Self.nfd)] == 2)
    }

    @Test func equalExactlyWhenIDsAre() {
        let terms: [Term] = [
            .name("usa"), .iri("usa"), .blank("usa"), .literal("usa", datatype: nil, language: nil),
            .literal("usa", datatype: nil, language: "en"), .literal("usa", datatype: nil, language: "EN"),
            .literal("usa", datatype: "http://x/t", language: nil), .name(Self.nfc), .name(Self.nfd), .name(""),
        ]
        for a in terms {
            for b in terms {
                #expect((a == b) == (a.id == b.id), "\(a) vs \(b)")
                if a == b { #expect(a.hashValue == b.hashValue) }
            }
        }
        #expect(Term.name("usa") == Term.name("usa"))
        #expect(Set(terms).count == 9)
    }
}
