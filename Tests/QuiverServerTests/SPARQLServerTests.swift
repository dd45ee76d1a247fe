import Foundation
import QuiverCore
import QuiverProtocol
import QuiverServer
import QuiverService
import QuiverSnapshot
import QuiverPaths
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

    /// Quiver's reasoning inside SPARQL (`urn:quiver:fn:`) answers what PATHS, PPR and SCORE
    /// answer, and an input left unbound or a bad count is an error naming it.
    @Test func quiverExtensionsAnswerWhatTheCommandsAnswer() async throws {
        let g = uniqueName("sparql-reasoning")
        defer { _ = try? store.drop(graph: g) }
        var train: [String] = [], valid: [String] = []
        for i in 0 ..< 12 {
            train += ["n\(i)\tr0\tn\((i + 1) % 12)", "n\((i + 1) % 12)\tr1\tn\(i)"]
            let skip = "n\(i)\tr2\tn\((i + 2) % 12)"
            if i % 4 == 0 { valid.append(skip) } else { train.append(skip) }
        }
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("LOAD", g, "FORMAT", "tsv", train.joined(separator: "\n") + "\n", "SPLIT", "train")?.dictionary["new"] != nil)
            #expect(c.command("LOAD", g, "FORMAT", "tsv", valid.joined(separator: "\n") + "\n", "SPLIT", "valid")?.dictionary["new"] != nil)
            let started = try #require(c.command("TRAIN", g, "MODEL", "distmult", "NAME", "m", "DIM", "8", "EPOCHS", "5", "SEED", "1", "THREADS", "1")).dictionary
            let status = try await finishedJob(c, try #require(started["job"]?.text), polls: 1200)
            #expect(status["state"] == .bulk("done"), "\(status)")
            let prefixes = "PREFIX quiver: <urn:quiver:fn:> PREFIX n: <urn:quiver:name:> "
            func rows(_ q: String) -> [[String: RESPValue]] {
                guard case .array(let rows)? = c.command("SPARQL", g, prefixes + q) else { return [] }
                return rows.map(\.dictionary)
            }
            func lexical(_ v: RESPValue?) -> String? {
                guard let t = v?.text, t.hasPrefix("\""), let end = t.dropFirst().firstIndex(of: "\"") else { return nil }
                return String(t[t.index(after: t.startIndex) ..< end])
            }
            let snapshot = try SnapshotLoader(store: store).build(graph: g)

            // k shortest paths: the engine's paths, as text, shortest first.
            let paths = rows("SELECT ?p ?l WHERE { (n:n0 n:n3 3) quiver:kShortestPaths (?p ?l) }")
            let expected = try PathEngine(snapshot: snapshot).paths(from: "n0", to: "n3", mode: .kShortest, k: 3)
            #expect(paths.map { lexical($0["p"]) } == expected.paths.map { NamedPath($0, in: snapshot).text }, "\(paths)")
            #expect(paths.map { lexical($0["l"]) } == expected.paths.map { "\($0.steps.count)" })
            #expect(rows("SELECT * WHERE { (n:n0 n:n5 2) quiver:simplePaths (?p ?l) }").isEmpty)
            #expect(!rows("SELECT * WHERE { (n:n0 n:n2 2) quiver:simplePaths (?p 2) }").isEmpty)

            // The model's score and its predicted tails, as SCORE gives them.
            let loaded = try ModelService.load(store: store, snapshot: snapshot, name: "m")
            let scored = try ModelService.score(loaded, snapshot: snapshot, head: "n0", relation: "r2", topK: 12)
            let s = rows("SELECT ?s WHERE { BIND(quiver:score(n:n0, n:r2, n:n5, \"m\") AS ?s) }")
            let n5 = try #require(scored.answers.first { $0.entity == "n5" })
            #expect(s.count == 1 && Float(lexical(s[0]["s"]) ?? "") == n5.score, "\(s)")
            let predicted = rows("SELECT ?t WHERE { (n:n0 n:r2 \"m\" 3) quiver:predictTails (?t ?score) }")
            #expect(predicted.map { $0["t"]?.text } == scored.answers.filter { !$0.known }.prefix(3).map { "<urn:quiver:name:\($0.entity)>" })

            // PageRank: the top nodes and one node's score, as PPR gives them.
            var ppr = PPRQuery(seeds: ["n0"])
            ppr.topK = 4
            let top = try ppr.run(on: snapshot).results.filter { $0.node != "n0" }.prefix(3)
            let ranked = rows("SELECT ?n ?s WHERE { (n:n0 3) quiver:pprTop (?n ?s) }")
            #expect(ranked.map { $0["n"]?.text } == top.map { "<urn:quiver:name:\($0.node)>" }, "\(ranked)")
            let one = rows("SELECT (quiver:ppr(n:n0, n:n1) AS ?s) WHERE {}")
            let n1 = try #require(top.first { $0.node == "n1" })
            #expect(abs((Double(lexical(one.first?["s"]) ?? "") ?? 0) - n1.score) < 1e-6, "\(one)")

            // Errors name what is wrong.
            let unbound = c.command("SPARQL", g, prefixes + "SELECT * WHERE { (?x 3) quiver:pprTop (?n ?s) }")?.text ?? ""
            #expect(unbound.contains("input 1 (?x) is unbound"), "\(unbound)")
            let count = c.command("SPARQL", g, prefixes + "SELECT * WHERE { (n:n0 \"x\") quiver:pprTop (?n ?s) }")?.text ?? ""
            #expect(count.contains("\"x\" is not a count"), "\(count)")
            let model = c.command("SPARQL", g, prefixes + "SELECT * WHERE { (n:n0 n:r2 \"nosuch\") quiver:predictTails (?t ?s) }")?.text ?? ""
            #expect(model.contains("no model named 'nosuch'"), "\(model)")
        }
    }

    /// `SPARQL … ASYNC` runs as a job: JOB STATUS gives its answer once done, JOB CANCEL stops
    /// a long one, and the job answers over the version it was asked on.
    @Test func asyncQueriesAreJobsThatJobCancelStops() async throws {
        let g = uniqueName("sparql-async")
        defer { _ = try? store.drop(graph: g) }
        let tsv = (0 ..< 400).map { "n\($0)\tr\($0 % 7)\tn\(($0 * 13) % 400)" }.joined(separator: "\n") + "\n"
        try store.load(graph: g, inputs: [.bytes(name: "a.tsv", Array(tsv.utf8))])
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            let count = "SELECT (COUNT(*) AS ?n) WHERE { ?a <urn:quiver:name:r1> ?b }"
            let started = try #require(c.command("SPARQL", g, count, "ASYNC")).dictionary
            let id = try #require(started["job"]?.text)
            // A write after the job was asked is not in its answer.
            #expect(c.command("ADD", g, "x", "r1", "y") == .integer(1))
            let done = try await finishedJob(c, id, polls: 600)
            #expect(done["state"] == .bulk("done"), "\(done)")
            guard case .array(let rows)? = done["result"] else { Issue.record("no rows: \(done)"); return }
            #expect(rows.map(\.dictionary) == [["n": .bulk("\"57\"^^<http://www.w3.org/2001/XMLSchema#integer>")]], "\(done)")
            // 64 million rows to count: still running when JOB CANCEL comes.
            let long = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
            let job = try #require(c.command("SPARQL", g, long, "ASYNC", "MAX-ROWS", "1000000000")?.dictionary["job"]?.text)
            try await Task.sleep(for: .milliseconds(200))
            #expect(c.command("JOB", "STATUS", job)?.dictionary["state"] == .bulk("running"))
            _ = c.command("JOB", "CANCEL", job)
            let cancelled = try await finishedJob(c, job, polls: 200)
            #expect(cancelled["state"] == .bulk("cancelled"), "\(cancelled)")
            // The connection is free while a job runs, and a syntax error is answered at once.
            #expect(c.command("SPARQL", g, "SELECT WHERE", "ASYNC")?.text?.contains("SPARQL syntax") == true)
        }
    }

    /// UPDATE: atomic, visible to the next command, across graphs; an error anywhere in the
    /// request leaves everything as it was.
    @Test func updatesAreAtomicAndSeenAtOnce() async throws {
        let g = uniqueName("sparql-update"), other = uniqueName("sparql-update-other")
        defer { _ = try? store.drop(graph: g); _ = try? store.drop(graph: other) }
        try store.load(graph: g, inputs: [.bytes(name: "a.tsv", Array("erin\tlikes\ttea\nbob\tlikes\tcoffee\n".utf8))])
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            let q = "PREFIX q: <urn:quiver:name:> "
            let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            func n(_ graph: String) -> String? {
                guard case .array(let rows)? = c.command("SPARQL", graph, count) else { return nil }
                return rows.first?.dictionary["n"]?.text
            }
            // Modify: every likes becomes loves, in one request with an INSERT DATA into another graph.
            let answer = try #require(c.command("UPDATE", g, q + "DELETE { ?x q:likes ?y } INSERT { ?x q:loves ?y } WHERE { ?x q:likes ?y } ; "
                                                + "INSERT DATA { GRAPH <urn:quiver:graph:\(other)> { q:a q:b q:c } }", "FORMAT", "JSON")?.text)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
            #expect(json["inserted"] as? Int == 3 && json["deleted"] as? Int == 2, "\(answer)")
            guard case .array(let loves)? = c.command("SPARQL", g, q + "SELECT ?x WHERE { ?x q:loves ?y } ORDER BY ?x") else { Issue.record("rows"); return }
            #expect(loves.map { $0.dictionary["x"]?.text } == ["<urn:quiver:name:bob>", "<urn:quiver:name:erin>"])
            #expect(n(other) == "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>")
            // A failing operation: nothing of the request is written.
            let failed = c.command("UPDATE", g, q + "INSERT DATA { q:x q:y q:z } ; DROP GRAPH <urn:quiver:graph:no-such-graph>")?.text ?? ""
            #expect(failed.contains("operation 2") && failed.contains("no such graph") && failed.contains("nothing was written"), "\(failed)")
            #expect(n(g) == "\"2\"^^<http://www.w3.org/2001/XMLSchema#integer>")
            // DROP removes the graph; a syntax error names its place.
            _ = c.command("UPDATE", g, "DROP GRAPH <urn:quiver:graph:\(other)>")
            #expect(c.command("STATS", other)?.text?.hasPrefix("NOGRAPH") == true)
            #expect(c.command("UPDATE", g, "INSERT DATA { ?x <urn:p> 1 }")?.text?.contains("line 1, column") == true)
        }
    }
}
