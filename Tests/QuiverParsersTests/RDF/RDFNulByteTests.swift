import QuiverCore
@testable import QuiverParsers
import Testing

/// A NUL cannot be stored (PostgreSQL text), so the RDF readers refuse it with a position.
@Suite("RDF readers refuse NUL")
struct RDFNulByteTests {
    typealias T = RDFTest

    @Test func nTriplesRawNul() {
        var bytes = Array("<http://example/s> <http://example/p> <http://example/o> .\n<http://example/s> <http://example/p> \"a".utf8)
        bytes += [0] + Array("b\" .\n".utf8)
        let error = T.error { try T.nt(bytes: bytes) }
        #expect(error?.line == 2)
        #expect(error?.column == 41)
        #expect(error?.found == "a NUL byte", "\(String(describing: error))")
        // The same byte by byte.
        #expect(T.error { try T.nt(bytes: bytes, step: 1) } == error)
    }

    @Test func nTriplesEscapedNul() {
        let error = T.error { try T.nt(#"<http://example/s> <http://example/p> "a\u0000b" ."#) }
        #expect(error?.line == 1)
        #expect(error?.found.contains("NUL") == true, "\(String(describing: error))")
    }

    @Test func turtleRawNul() {
        var bytes = Array("@prefix ex: <http://example/> .\nex:s ex:p \"a".utf8)
        bytes += [0] + Array("b\" .\n".utf8)
        let error = T.error { try T.ttl(bytes: bytes) }
        #expect(error?.line == 2)
        #expect(error?.column == 13)
        #expect(error?.found == "a NUL byte", "\(String(describing: error))")
    }
}
