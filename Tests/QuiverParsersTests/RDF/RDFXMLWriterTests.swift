import QuiverCore
@testable import QuiverParsers
import QuiverTestSupport
import Testing

/// The RDF/XML writer: what it writes, the RDF/XML reader reads back as the same graph.
@Suite("RDF/XML writer")
struct RDFXMLWriterTests {
    typealias T = RDFTest

    @Test func aGraphReadsBackTheSame() throws {
        let triples = [
            Triple(T.ex("a"), T.ex("p"), T.ex("b")),
            Triple(T.ex("a"), .iri("http://other.example/ns#q"), T.lit("x < y & \"z\"\n", lang: "en")),
            Triple(T.ex("a"), T.ex("age"), T.typed("42", "integer")),
            Triple(T.ex("a"), T.ex("note"), T.lit("plain")),
            Triple(T.blank("n1"), T.ex("p"), T.blank("n2")),
            Triple(T.blank("n2"), T.ex("p-2.x"), .iri("http://ex/with space?a=1&b=\"2\"")),
            Triple(.name("erin"), .name("likes"), .name("tea")),
        ]
        let xml = try RDFXMLWriter.document(triples)
        let back = try T.rdfxml(xml, base: nil)
        let expected = triples.map { Triple(TripleWriter.rdf($0.subject), TripleWriter.rdf($0.predicate), TripleWriter.rdf($0.object)) }
        #expect(GraphIsomorphism.isomorphic(back, expected), "\(xml)")
        #expect(xml.contains("xmlns:ns0=\"http://example/\""))
    }

    @Test func aPredicateWithNoXMLNameAtItsEndIsAnError() {
        #expect(throws: RDFXMLWriter.UnwritablePredicate(iri: "http://example/p/")) {
            try RDFXMLWriter.document([Triple(T.ex("a"), .iri("http://example/p/"), T.ex("b"))])
        }
        #expect(throws: RDFXMLWriter.UnwritablePredicate(iri: "urn:x:123")) {
            try RDFXMLWriter.document([Triple(T.ex("a"), .iri("urn:x:123"), T.ex("b"))])
        }
    }
}
