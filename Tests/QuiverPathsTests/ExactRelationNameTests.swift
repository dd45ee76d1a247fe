import QuiverCore
import QuiverGraph
import Testing
@testable import QuiverPaths

/// Relation and node names are found by their exact bytes: `café` in NFC is not `café` in NFD.
@Suite struct ExactRelationNameTests {
    static let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
    let snap = makeSnapshot([("a", Self.nfc, "b"), ("b", "knows", "c")])

    @Test func storedNamesAreFoundOnlyByTheirBytes() throws {
        let engine = PathEngine(snapshot: snap)
        #expect(try engine.relation(named: Self.nfc).inverted == false)
        #expect(throws: PathError.self) { try engine.relation(named: Self.nfd) }
        #expect(try engine.hop(from: "a", relations: [Self.nfc]).tails.count == 1)
        #expect(throws: PathError.self) { try engine.hop(from: "a", relations: [Self.nfd]) }
    }

    @Test func inverseNamesFromTheOntologyAreExact() throws {
        var ontology = Ontology()
        ontology.inverses = [["http://x/knows", "http://x/" + Self.nfd]]
        let inverses = PathEngine.inverseMap(from: ontology, snapshot: snap)
        #expect(inverses[ExactName(Self.nfd)] == "knows")
        #expect(inverses[ExactName(Self.nfc)] == nil)
        let engine = PathEngine(snapshot: snap, inverses: inverses)
        #expect(try engine.relation(named: Self.nfd).inverted)
        // The NFC spelling is the stored relation, not the inverse.
        #expect(try engine.relation(named: Self.nfc).inverted == false)
        #expect(!ontology.matches("http://x/" + Self.nfd, Self.nfc))
        #expect(ontology.matches("http://x/" + Self.nfd, Self.nfd))
    }

    /// `<` then a combining mark is one `Character` that is not `<`; the name is still an IRI's
    /// display form, and finds the IRI.
    @Test func bracketsAreFoundByBytes() throws {
        var b = SnapshotBuilder(graph: "test")
        b.add(Triple(.iri("\u{301}x"), .name("r"), .blank("\u{301}b")), provenance: .asserted)
        let snap = b.build()
        #expect(snap.node(named: "<\u{301}x>") != nil)
        #expect(snap.node(named: "_:\u{301}b") != nil)
        let engine = PathEngine(snapshot: snap)
        #expect(try engine.paths(from: "<\u{301}x>", to: "_:\u{301}b").paths.count == 1)
    }
}
