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
