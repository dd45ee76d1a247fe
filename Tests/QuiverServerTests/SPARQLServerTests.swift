import Foundation
import QuiverCore
import QuiverProtocol
import QuiverServer
import QuiverStore
import Testing
import QuiverTestSupport

/// SPARQL through the daemon: rows as RESP maps, the W3C formats as bulk strings, errors with
/// their position, and writes seen by the next query.
@Suite struct SPARQLServerTests {
    let store: Store
    init() throws { store = try TestCluster.store() }

    @Test func sparqlAnswersInRESPAndTheW3CFormats() async throws {
        let g = uniqueName("sparql"), h = uniqueName("sparql-other")
        defer { _ = try? store.drop(graph: g); _ = try? store.drop(graph: h) }
        try store.load(graph: g, inputs: [.bytes(name: "a.tsv", Array("erin\tborn_in\tlyon\nlyon\tlocated_in\tfrance\nbob\tborn_in\trome\n".utf8))])
        try store.load(graph: h, inputs: [.bytes(name: "b.tsv", Array("france\tcapital\tparis\n".utf8))])
        try await withServer({ $0.maxResultRows = 5 }, store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("HELLO", "3")?.dictionary["proto"] == .integer(3))
            let q = "PREFIX q: <urn:quiver:name:> SELECT ?who ?country WHERE { ?who q:born_in/q:located_in ?country }"
            guard case .array(let rows)? = c.command("SPARQL", g, q) else { Issue.record("no rows"); return }
            #expect(rows.count == 1)
            #expect(rows.first?.dictionary == ["who": .bulk("<urn:quiver:name:erin>"), "country": .bulk("<urn:quiver:name:france>")])
            // The W3C formats, as bulk strings.
            let json = try #require(c.command("SPARQL", g, q, "FORMAT", "JSON")?.text)
            #expect(json.contains(#""head":{"vars":["who","country"]}"#), "\(json)")
            #expect(json.contains(#"{"type":"uri","value":"urn:quiver:name:france"}"#), "\(json)")
            #expect(c.command("SPARQL", g, q, "FORMAT", "TSV")?.text == "?who\t?country\n<urn:quiver:name:erin>\t<urn:quiver:name:france>\n")
            #expect(c.command("SPARQL", g, q, "FORMAT", "CSV")?.text == "who,country\r\nurn:quiver:name:erin,urn:quiver:name:france\r\n")
            #expect(c.command("SPARQL", g, "ASK { <urn:quiver:name:bob> ?p ?o }") == .boolean(true))
            // Another graph by FROM.
            let other = "SELECT ?c WHERE { ?x <urn:quiver:name:capital> ?c } "
            #expect(c.command("SPARQL", g, other) == .array([]))
            let from = "SELECT ?c FROM <urn:quiver:graph:\(h)> WHERE { ?x <urn:quiver:name:capital> ?c }"
            #expect(c.command("SPARQL", g, from) == .array([.map(["c": .bulk("<urn:quiver:name:paris>")])]))
            // A syntax error names its line and column.
            let bad = try #require(c.command("SPARQL", g, "SELECT ?x WHERE {\n  ?x ?y }")?.text)
            #expect(bad.contains("line 2, column 9"), "\(bad)")
            // An acknowledged write is seen by the next query.
            #expect(c.command("ADD", g, "carol", "born_in", "lyon") == .integer(1))
            let n = c.command("SPARQL", g, "SELECT (COUNT(*) AS ?n) WHERE { ?w <urn:quiver:name:born_in> <urn:quiver:name:lyon> }")
            #expect(n == .array([.map(["n": .bulk("\"2\"^^<http://www.w3.org/2001/XMLSchema#integer>")])]))
            // The guard on intermediate results names its option.
            let guarded = try #require(c.command("SPARQL", g, "SELECT * { ?a ?p ?b . ?c ?q ?d }", "MAX-ROWS", "3")?.text)
            #expect(guarded.contains("MAX-ROWS"), "\(guarded)")
            #expect(c.command("SPARQL", "no-such-graph", "ASK {}")?.text?.hasPrefix("NOGRAPH") == true)
            // CONSTRUCT's triples count against the reply's rows as SELECT's rows do.
            let many = try #require(c.command("SPARQL", g, "CONSTRUCT { ?a <urn:x> ?d } WHERE { ?a ?b ?c . ?d ?e ?f }")?.text)
            #expect(many.contains("more than the 5 a reply may hold"), "\(many)")
            // EXPLAIN: the plan as text.
            let plan = try #require(c.command("SPARQL", g, q, "EXPLAIN")?.text)
            #expect(plan.contains("basic graph pattern") && plan.contains("answer: 2 rows"), "\(plan)")
        }
    }
}
