import Foundation
import QuiverCore
import QuiverStore
import Testing
import QuiverTestSupport

/// Loads past their in-memory limits send rows unchecked and let PostgreSQL remove the repeats:
/// the stored graph and the reported counts must be exactly those of an in-memory load.
@Suite("Loads beyond the in-memory limits")
struct SpillTests {
    /// 40 lines with repeats inside the file, over 12 names.
    static let text: String = {
        var lines: [String] = []
        for i in 0..<40 { lines.append("n\(i % 7)\tr\(i % 3)\tn\((i * 5) % 12)") }
        return lines.joined(separator: "\n") + "\n"
    }()

    func load(_ store: Store, _ graph: String, _ text: String, limit: Int?, split: Split? = nil) throws -> LoadReport {
        var options = LoadOptions(split: split)
        if let limit {
            options.inMemoryTriples = limit
            options.inMemoryTerms = limit
        }
        return try store.load(graph: graph, inputs: [.bytes(name: "g.tsv", Array(text.utf8))], options: options)
    }

    @Test("A new graph loaded with tiny limits equals one loaded in memory")
    func freshGraph() throws {
        let store = try TestCluster.store()
        let a = uniqueGraphName("mem"), b = uniqueGraphName("spill")
        let inMemory = try load(store, a, Self.text, limit: nil)
        let spilled = try load(store, b, Self.text, limit: 3)
        #expect(spilled.read == inMemory.read)
        #expect(spilled.new == inMemory.new)
        #expect(spilled.duplicates == inMemory.duplicates)
        #expect(spilled.newTerms == inMemory.newTerms)
        #expect(try store.nameTriples(b) == store.nameTriples(a))
        #expect(try store.graph(named: b)?.tripleCount == Int64(inMemory.new))
    }

    @Test("Merging into an existing graph with tiny limits counts new and duplicate triples exactly")
    func existingGraph() throws {
        let store = try TestCluster.store()
        let a = uniqueGraphName("mem2"), b = uniqueGraphName("spill2")
        let first = String(Self.text.split(separator: "\n").prefix(15).joined(separator: "\n")) + "\n"
        _ = try load(store, a, first, limit: nil)
        _ = try load(store, b, first, limit: 2)
        let inMemory = try load(store, a, Self.text, limit: nil)
        let spilled = try load(store, b, Self.text, limit: 2)
        #expect(spilled.new == inMemory.new)
        #expect(spilled.duplicates == inMemory.duplicates)
        #expect(spilled.newTerms == inMemory.newTerms)
        #expect(try store.nameTriples(b) == store.nameTriples(a))
    }
}
