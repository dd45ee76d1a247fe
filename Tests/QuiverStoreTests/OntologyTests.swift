import Foundation
import QuiverCore
import QuiverParsers
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

@Suite("Ontologies")
struct OntologyTests {
    static func ex(_ local: String) -> String { "http://ex.org/rel#" + local }

    static var sample: Ontology {
        var o = Ontology()
        o.declarations = [
            .init(relation: ex("parentOf"), label: "parent of", comment: "a \"direct\" parent; ünïcode"),
            .init(relation: ex("childOf")),
            .init(relation: ex("grandparentOf"), label: "grandparent of"),
            .init(relation: ex("greatGrandparentOf")),
            .init(relation: ex("siblingOf"), comment: "shares a parent"),
            .init(relation: ex("ancestorOf")),
        ]
        o.inverses = [[ex("parentOf"), ex("childOf")], [ex("ancestorOf"), ex("descendantOf")]]
        o.chains = [
            .init(head: ex("grandparentOf"), body: [ex("parentOf"), ex("parentOf")]),
            .init(head: ex("greatGrandparentOf"), body: [ex("parentOf"), ex("parentOf"), ex("parentOf")]),
            .init(head: ex("uncleOf"), body: [ex("siblingOf"), ex("parentOf")]),
            .init(head: "http://ex.org/odd,name", body: ["http://ex.org/a\"b", "http://ex.org/{c}"]),
        ]
        o.symmetric = [ex("siblingOf"), ex("marriedTo")]
        o.transitive = [ex("ancestorOf")]
        o.domains = [ex("parentOf"): ["http://ex.org/Animal", "http://ex.org/Person"], ex("siblingOf"): ["http://ex.org/Person"]]
        o.ranges = [ex("parentOf"): ["http://ex.org/Person"]]
        return o
    }

    @Test("saveOntology then ontology(graph:) gives back the same ontology")
    func roundTrip() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("onto-rt")
        try store.saveOntology(Self.sample, graph: graph)
        let back = try store.ontology(graph: graph)
        #expect(back == Self.sample)
        #expect(back.inverse(of: "childOf") == Self.ex("parentOf"))
        #expect(back.inverse(of: "siblingOf") == "siblingOf")

        // Saving replaces: a smaller ontology leaves nothing of the first behind.
        var smaller = Ontology()
        smaller.transitive = [Self.ex("partOf")]
        try store.saveOntology(smaller, graph: graph)
        #expect(try store.ontology(graph: graph) == smaller)
        try store.saveOntology(Self.sample, graph: graph)
        #expect(try store.ontology(graph: graph) == Self.sample)
    }

    @Test("An ontology can come before the triples: the graph is created empty, then loads merge into it")
    func ontologyFirst() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("onto-first")
        #expect(throws: StoreError.self) { try store.ontology(graph: graph) }
        try store.saveOntology(Self.sample, graph: graph)
        let info = try #require(try store.graph(named: graph))
        #expect(info.tripleCount == 0)
        #expect(info.changeSeq == 1)
        let report = try store.load(graph: graph, inputs: [.file(Datasets.path("nations", "train"))])
        #expect((report.read, report.new, report.duplicates) == (1592, 1592, 0))
        #expect(try store.ontology(graph: graph) == Self.sample)
        #expect(try SnapshotLoader(store: store).build(graph: graph).edgeCount == 1592)
        // A graph that only has triples has an empty ontology.
        let plain = uniqueGraphName("onto-none")
        try store.load(graph: plain, inputs: [.bytes(name: "a.tsv", Array("a\tb\tc\n".utf8))])
        #expect(try store.ontology(graph: plain).isEmpty)
        // Dropping the graph drops its ontology.
        try store.drop(graph: graph)
        try store.load(graph: graph, inputs: [.bytes(name: "a.tsv", Array("a\tb\tc\n".utf8))])
        #expect(try store.ontology(graph: graph).isEmpty)
    }

    static let turtle = """
        @prefix ex: <http://ex.org/rel#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

        ex:parentOf a owl:ObjectProperty ;
            owl:inverseOf ex:childOf ;
            rdfs:label "parent of"@en ;
            rdfs:domain ex:Person, ex:Animal ;
            rdfs:range ex:Person .
        ex:grandparentOf owl:propertyChainAxiom ( ex:parentOf ex:parentOf ) .
        ex:greatGrandparentOf owl:propertyChainAxiom ( ex:parentOf ex:parentOf ex:parentOf ) .
        ex:siblingOf a owl:SymmetricProperty ; rdfs:comment "shares a parent" .
        ex:ancestorOf a owl:TransitiveProperty .
        ex:childOf owl:inverseOf ex:parentOf .
        ex:unrelated ex:says "nothing" .

        """

    @Test("Ontology(triples:) reads a Turtle ontology, which then survives the store")
    func fromTurtle() throws {
        let onto = try Ontology(triples: parseTurtle(Self.turtle, fileName: "onto.ttl"))
        let ex = Self.ex
        #expect(onto.declarations.map(\.relation) == [
            ex("parentOf"), ex("childOf"), ex("grandparentOf"), ex("greatGrandparentOf"), ex("siblingOf"), ex("ancestorOf"),
        ])
        #expect(onto.declarations.first?.label == "parent of")
        #expect(onto.declarations.first { $0.relation == ex("siblingOf") }?.comment == "shares a parent")
        #expect(onto.inverses == [[ex("parentOf"), ex("childOf")]])
        #expect(onto.chains == [
            .init(head: ex("grandparentOf"), body: [ex("parentOf"), ex("parentOf")]),
            .init(head: ex("greatGrandparentOf"), body: [ex("parentOf"), ex("parentOf"), ex("parentOf")]),
        ])
        #expect(onto.symmetric == [ex("siblingOf")])
        #expect(onto.transitive == [ex("ancestorOf")])
        #expect(onto.domains == [ex("parentOf"): ["http://ex.org/rel#Animal", "http://ex.org/rel#Person"]])
        #expect(onto.ranges == [ex("parentOf"): ["http://ex.org/rel#Person"]])
        #expect(onto.inverse(of: "parentOf") == ex("childOf"))

        let store = try TestCluster.store()
        let graph = uniqueGraphName("onto-ttl")
        try store.saveOntology(onto, graph: graph)
        #expect(try store.ontology(graph: graph) == onto)
    }

    @Test("Malformed property chains are refused with a message saying what is wrong", arguments: [
        ("ex:r owl:propertyChainAxiom ex:notAList .", "not a well-formed RDF list"),
        ("ex:r owl:propertyChainAxiom ( ex:only ) .", "needs at least two relations, found 1"),
        ("ex:r owl:propertyChainAxiom ( ex:a \"b\" ) .", "lists a non-IRI"),
        ("ex:r owl:propertyChainAxiom _:l . _:l rdf:first ex:a ; rdf:rest _:l .", "cyclic RDF list"),
        ("ex:r owl:propertyChainAxiom _:l . _:l rdf:first ex:a .", "not a well-formed RDF list"),
    ])
    func malformedChain(statement: String, message: String) throws {
        let doc = """
            @prefix ex: <http://ex.org/rel#> .
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
            \(statement)

            """
        let triples = try parseTurtle(doc)
        do {
            _ = try Ontology(triples: triples)
            Issue.record("expected an OntologyError for: \(statement)")
        } catch let e as OntologyError {
            #expect(e.description.contains(message), "\(e)")
        }
    }
}
