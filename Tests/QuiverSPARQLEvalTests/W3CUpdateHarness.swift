import Foundation
import QuiverCore
import QuiverGraph
import QuiverParsers
import QuiverSPARQLEval
import QuiverSPARQLSyntax
import QuiverTestSupport
import Testing

/// The W3C SPARQL 1.1 Update evaluation tests, driven by their manifests: each request runs over
/// its dataset (the default graph as Quiver graph `default`, each named graph as the graph named by
/// its IRI), its effect is applied, and every graph is compared with the expected one (blank nodes
/// up to renaming, graph by graph). The store's side of an update (one transaction, through the
/// live graph) is tested with a real PostgreSQL in the server and end-to-end tests.
@Suite("W3C SPARQL update evaluation") struct W3CUpdateHarness {
    /// Tests that fail today, with why.
    static let expectedFailures: [String: String] = [:]

    @Test func updateEvaluationTests() throws {
        let root = try W3CSuites.root()
        var failures: [String: String] = [:], passed: [String] = [], total = 0
        for entry in try W3CManifest.entries(at: root.appendingPathComponent("sparql11/manifest-all.ttl"))
        where entry.kind == "UpdateEvaluationTest" && !entry.isExcludedByApproval {
            total += 1
            let key = W3CEvaluationHarness.key(entry, root: root)
            if let why = Self.run(entry) { failures[key] = why } else { passed.append(key) }
        }
        print("sparql11 update evaluation: \(passed.count)/\(total) passed")
        #expect(total == 90, "the manifests list other tests than when this was written")
        let unexpected = failures.filter { Self.expectedFailures[$0.key] == nil }
        for (k, why) in unexpected.sorted(by: { $0.key < $1.key }) { print("FAIL \(k): \(why.prefix(400))") }
        #expect(unexpected.isEmpty, "\(unexpected.count) update tests failed that are not expected to")
        let fixed = passed.filter { Self.expectedFailures[$0] != nil }
        #expect(fixed.isEmpty, "now passing, take them off the expected failures: \(fixed.sorted())")
    }

    static let defaultName = "default"

    /// Nil when the test passes, else why not.
    static func run(_ entry: W3CManifest.Entry) -> String? {
        do {
            guard let requestURL = entry.request, let before = entry.updateBefore, let after = entry.updateAfter else { return "no request or datasets" }
            let request = try SPARQLParser.parseUpdate(try String(contentsOf: requestURL, encoding: .utf8), baseIRI: requestURL.absoluteString)
            var graphs: [String: [Triple]] = [:]
            if let d = before.defaultGraph { graphs[defaultName] = try W3CEvaluationHarness.readTriples(d) }
            for (iri, file) in before.namedGraphs { graphs[iri] = try W3CEvaluationHarness.readTriples(file) }
            let versions = graphs.mapValues { triples -> CSRSnapshot in
                var builder = SnapshotBuilder(graph: "g")
                for t in triples { builder.add(Triple(TripleWriter.plain(t.subject), TripleWriter.plain(t.predicate), TripleWriter.plain(t.object))) }
                return builder.build()
            }
            let effect: UpdateEffect
            do {
                effect = try SPARQLUpdate.effect(of: request, defaultGraph: defaultName, versions: { versions[$0] },
                                                 allGraphs: { Array(versions.keys) })
            } catch {
                return "evaluation: \(error)"
            }
            for g in effect.graphs {
                if !g.existsAfter {
                    graphs[g.name] = nil
                    continue
                }
                let gone = Set(g.deleted)
                graphs[g.name] = (graphs[g.name] ?? []).filter { !gone.contains(Triple(TripleWriter.plain($0.subject), TripleWriter.plain($0.predicate), TripleWriter.plain($0.object))) }
                    + g.added.map { Triple(TripleWriter.rdf($0.subject), TripleWriter.rdf($0.predicate), TripleWriter.rdf($0.object)) }
            }
            var expected: [String: [Triple]] = [:]
            if let d = after.defaultGraph { expected[defaultName] = try W3CEvaluationHarness.readTriples(d) }
            for (iri, file) in after.namedGraphs { expected[iri] = try W3CEvaluationHarness.readTriples(file) }
            // Empty graphs are not told apart from absent ones: the expected datasets list some.
            let names = Set(graphs.filter { !$0.value.isEmpty }.keys).union(expected.filter { !$0.value.isEmpty }.keys)
            for name in names.sorted() {
                let got = graphs[name] ?? [], want = expected[name] ?? []
                if !GraphIsomorphism.isomorphic(got, want) {
                    return "graph \(name): got \(got.count) triples \(got.prefix(3)), expected \(want.count) \(want.prefix(3))"
                }
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
