import QuiverCore
import QuiverGraph
@testable import QuiverSPARQLEval
import QuiverSPARQLSyntax
import Testing

/// What the W3C suites do not cover: Quiver's plain names, the bounds of an evaluation, LIMIT
/// found lazily.
@Suite struct SPARQLEvaluationTests {
    static func graph(_ triples: [(String, String, String)]) -> CSRSnapshot {
        var b = SnapshotBuilder(graph: "g")
        for (s, p, o) in triples { b.add(Triple(.name(s), .name(p), .name(o)), provenance: .asserted) }
        return b.build()
    }

    static func run(_ text: String, _ g: CSRSnapshot, limits: SPARQLLimits = .unlimited) throws -> QueryAnswer {
        try SPARQLQuery.evaluate(try SPARQLParser.parseQuery(text), over: SPARQLDataset(defaultGraph: g), limits: limits)
    }

    /// Plain names from TSV loads are `urn:quiver:name:` IRIs in queries and answers.
    @Test func plainNamesAreURNs() throws {
        let g = Self.graph([("erin", "born_in", "lyon"), ("lyon", "located_in", "france"), ("san josé", "located_in", "usa")])
        let answer = try Self.run("""
            PREFIX q: <urn:quiver:name:>
            SELECT ?country WHERE { q:erin q:born_in/q:located_in ?country }
            """, g)
        #expect(answer == .solutions(variables: ["country"], rows: [[.iri("urn:quiver:name:france")]]))
        let spaced = try Self.run("SELECT ?c WHERE { <urn:quiver:name:san%20jos%C3%A9> <urn:quiver:name:located_in> ?c }", g)
        #expect(spaced == .solutions(variables: ["c"], rows: [[.iri("urn:quiver:name:usa")]]))
    }

    /// An intermediate result past the limit fails naming it; LIMIT without ORDER BY stops the
    /// search early, so the same limit does not trip.
    /// Graph IRIs: a graph named by an absolute IRI is that IRI; any other name lives under
    /// `urn:quiver:graph:`, percent-encoded; the two directions agree.
    @Test func graphIRIsRoundTrip() {
        #expect(SPARQLDataset.iri(ofGraph: "demo") == "urn:quiver:graph:demo")
        #expect(SPARQLDataset.iri(ofGraph: "http://example.org/g1") == "http://example.org/g1")
        #expect(SPARQLDataset.iri(ofGraph: "my graph") == "urn:quiver:graph:my%20graph")
        #expect(SPARQLDataset.iri(ofGraph: "1:x") == "urn:quiver:graph:1%3Ax")
        for name in ["demo", "http://example.org/g1", "my graph", "1:x", "urn:x", "urn:quiver:graph:odd"] {
            #expect(SPARQLDataset.graphName(of: SPARQLDataset.iri(ofGraph: name)) == name, "\(name)")
        }
        #expect(SPARQLDataset.graphName(of: "http://example.org/other") == "http://example.org/other")
    }

    @Test func intermediateResultsAreBoundedAndLimitIsLazy() throws {
        let g = Self.graph((0..<2000).map { ("n\($0)", "p", "n\($0 + 1)") })
        let limits = SPARQLLimits(maxIntermediateRows: 100, limitName: "--max-rows")
        #expect(throws: SPARQLEvaluationError.self) { try Self.run("SELECT * { ?s ?p ?o }", g, limits: limits) }
        do {
            _ = try Self.run("SELECT * { ?s ?p ?o }", g, limits: limits)
        } catch {
            #expect("\(error)".contains("--max-rows"), "\(error)")
        }
        guard case .solutions(_, let rows) = try Self.run("SELECT * { ?s ?p ?o . FILTER(?s != <urn:quiver:name:n0>) } LIMIT 5 OFFSET 2", g, limits: limits) else {
            Issue.record("not solutions")
            return
        }
        #expect(rows.count == 5)
        // A chain of two patterns joined lazily too.
        guard case .solutions(_, let chain) = try Self.run("SELECT * { ?a ?p ?b . ?b ?p ?c } LIMIT 3", g, limits: limits) else { return }
        #expect(chain.count == 3)
    }

    /// --explain: each operator with its actual rows, the patterns with their estimates.
    @Test func explainShowsOperatorsRowsAndEstimates() throws {
        let g = Self.graph([("a", "p", "b"), ("a", "p", "c"), ("b", "q", "d"), ("c", "q", "e"), ("x", "q", "y")])
        let query = try SPARQLParser.parseQuery("""
            PREFIX q: <urn:quiver:name:>
            SELECT ?y ?z WHERE { q:a q:p ?y . ?y q:q ?z OPTIONAL { ?z q:p ?w } FILTER(?z != q:e) } ORDER BY ?y
            """)
        let plan = try SPARQLQuery.explain(query, over: SPARQLDataset(defaultGraph: g))
        let lines = plan.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  basic graph pattern, nested loops over 1 row  rows 2 ") }, "\(plan)")
        #expect(lines.contains { $0.contains("urn:quiver:name:a urn:quiver:name:p ?y  est 2") }, "\(plan)")
        #expect(lines.contains { $0.contains("?y urn:quiver:name:q ?z  est 3") }, "\(plan)")
        #expect(lines.contains { $0.hasPrefix("  optional  rows 2 ") }, "\(plan)")
        #expect(lines.contains { $0.hasPrefix("  filter  rows 1 ") }, "\(plan)")
        #expect(lines.last?.hasPrefix("answer: 1 row in ") == true, "\(plan)")
    }

    /// A deadline that has passed stops the query with an error saying so.
    @Test func aPassedDeadlineStopsTheQuery() throws {
        let g = Self.graph((0..<5000).map { ("n\($0)", "p", "n\(($0 * 7) % 5000)") })
        let limits = SPARQLLimits(stop: StopCondition(deadline: .after(milliseconds: 0)))
        #expect(throws: SPARQLEvaluationError("the query ran past its deadline")) {
            try Self.run("SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?b ?p ?c . ?c ?p ?d }", g, limits: limits)
        }
    }
}

/// Variables that only one triple pattern names are matched without being bound
/// (`Mentions`): answers, counts and DISTINCT stay as they were.
@Suite struct UnreadVariableTests {
    static let g = SPARQLEvaluationTests.graph([
        ("a", "p", "b"), ("a", "p", "c"), ("a", "q", "b"), ("b", "p", "c"), ("c", "q", "a"), ("c", "q", "b"),
    ])

    static func unread(_ text: String) throws -> Set<String> { Mentions(try SPARQLParser.parseQuery(text)).unread }

    @Test func onlyVariablesWrittenOnceInAPatternAreUnread() throws {
        #expect(try Self.unread("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p") == ["s", "o", "n"])
        let blank = try Self.unread("SELECT ?s WHERE { ?s ?p ?o . ?o ?q [] }")
        #expect(blank.count == 3 && blank.isSuperset(of: ["p", "q"]) && blank.contains { $0.hasPrefix("_:") }, "\(blank)")
        // Read elsewhere: by a filter, EXISTS, the projection, ORDER BY, a template, BIND, VALUES.
        #expect(try Self.unread("SELECT ?s WHERE { ?s ?p ?o FILTER(?o != ?s) }") == ["p"])
        #expect(try Self.unread("SELECT ?s WHERE { ?s ?p ?o FILTER EXISTS { ?o ?q ?r } }") == ["p", "q", "r"])
        #expect(try Self.unread("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o") == ["p"])
        #expect(try Self.unread("CONSTRUCT { ?s ?p ?s } WHERE { ?s ?p ?o }") == ["o"])
        #expect(try Self.unread("SELECT ?s ?x WHERE { ?s ?p ?o BIND(?o AS ?x) }") == ["p"])
        #expect(try Self.unread("SELECT ?s WHERE { ?s ?p ?o VALUES ?o { <urn:x> } }") == ["p"])
        // Queries that see every variable have none.
        #expect(try Self.unread("SELECT * WHERE { ?s ?p ?o }").isEmpty)
        #expect(try Self.unread("SELECT ?s WHERE { { SELECT * WHERE { ?s ?p ?o } } }").isEmpty)
        #expect(try Self.unread("DESCRIBE * WHERE { ?s ?p ?o }").isEmpty)
        #expect(try Self.unread("SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }").isEmpty)
    }

    @Test func answersAreThoseOfTheFullMatch() throws {
        let g = Self.g
        func count(_ text: String) throws -> [[Term?]] {
            guard case .solutions(_, let rows) = try SPARQLEvaluationTests.run(text, g) else { return [] }
            return rows
        }
        let n = { (v: Int) -> Term? in .literal(String(v), datatype: "http://www.w3.org/2001/XMLSchema#integer", language: nil) }
        let p = Term.iri("urn:quiver:name:p"), q = Term.iri("urn:quiver:name:q")
        #expect(try count("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p") == [[p, n(3)], [q, n(3)]])
        #expect(try count("SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }") == [[n(6)]])
        #expect(try Self.unread("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?o ?q ?r }") == ["s", "p", "q", "r", "n"])
        #expect(try count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?o ?q ?r }") == [[n(10)]])
        #expect(try count("SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s").count == 3)
        #expect(try count("SELECT ?s WHERE { ?s ?p ?o }").count == 6)
        // A projected variable no pattern binds is unbound in every row.
        let none = try count("SELECT ?s ?nothing WHERE { ?s ?p ?o } OFFSET 1 LIMIT 2")
        #expect(none.count == 2 && none.allSatisfy { $0.count == 2 && $0[0] != nil && $0[1] == nil }, "\(none)")
        #expect(try SPARQLEvaluationTests.run("ASK { ?s ?p <urn:quiver:name:a> }", g) == .boolean(true))
    }
}
