import Foundation
import QuiverTestSupport
import Testing

/// The manifest reader the harnesses share: entries in `mf:entries` order, includes followed,
/// actions and approvals read.
@Suite("W3C manifests")
struct W3CManifestTests {
    @Test func anEvaluationEntryHasItsQueryDataGraphDataAndResult() throws {
        let root = try W3CSuites.root()
        let directory = root.appendingPathComponent("dawg-data-r2/graph")
        let entries = try W3CManifest.entries(at: directory.appendingPathComponent("manifest.ttl"))
        let entry = try #require(entries.first { $0.name == "graph-05" })
        #expect(entry.iri == "http://www.w3.org/2001/sw/DataAccess/tests/data-r2/graph/manifest#dawg-graph-05")
        #expect(entry.kind == "QueryEvaluationTest")
        #expect(entry.query?.path == directory.appendingPathComponent("graph-05.rq").path)
        #expect(entry.action == entry.query)
        #expect(entry.data.map(\.lastPathComponent) == ["data-g1.ttl"])
        #expect(entry.graphData.map(\.lastPathComponent) == ["data-g2.ttl"])
        #expect(entry.result?.lastPathComponent == "graph-05.ttl")
        #expect(entry.approval == W3CManifest.dawgt + "Approved")
        #expect(!entry.isExcludedByApproval)
        // graph-10 is withdrawn.
        #expect(entries.first { $0.name == "graph-10" }?.isExcludedByApproval == true)
    }

    @Test func anUpdateEvaluationEntryHasItsRequest() throws {
        let root = try W3CSuites.root()
        let directory = root.appendingPathComponent("sparql11/basic-update")
        let entries = try W3CManifest.entries(at: directory.appendingPathComponent("manifest.ttl"))
        let entry = try #require(entries.first { $0.iri.hasSuffix("#insert-data-spo1") })
        #expect(entry.kind == "UpdateEvaluationTest")
        #expect(entry.request?.path == directory.appendingPathComponent("insert-data-spo1.ru").path)
        #expect(entry.action == entry.request)
        #expect(entry.query == nil)
    }

    @Test func includesAreFollowedInOrderAndOnlyListedEntriesCount() throws {
        let root = try W3CSuites.root()
        let entries = try W3CManifest.entries(at: root.appendingPathComponent("dawg-data-r2/manifest-syntax.ttl"))
        #expect(entries.count == 199)
        #expect(entries.first?.name == "syntax-basic-01.rq")
        #expect(entries.first?.kind == "PositiveSyntaxTest")
        #expect(entries.first?.action?.lastPathComponent == "syntax-basic-01.rq")
        let folders = entries.map { $0.manifest.deletingLastPathComponent().lastPathComponent }
        #expect(folders.first == "syntax-sparql1" && folders.last == "syntax-sparql5")
        // The bindings manifest comments out its BINDINGS tests: only the ten listed entries are read.
        let bindings = try W3CManifest.entries(at: root.appendingPathComponent("sparql11/bindings/manifest.ttl"))
        #expect(bindings.count == 10)
    }
}
