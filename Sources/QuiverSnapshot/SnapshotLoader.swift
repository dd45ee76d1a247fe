import Foundation
import QuiverCore
import QuiverGraph
import QuiverStore

/// Builds snapshots of stored graphs with binary COPY (never row by row).
///
/// Several things run at once: the triples stream in over two connections, a thread numbers
/// their nodes as batches arrive, and one more connection reads the dictionary and sorts it by id
/// (see `Store.readGraphForSnapshot`).
public struct SnapshotLoader: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Reads the graph's current state and builds its CSR snapshot.
    public func build(graph name: String) throws -> CSRSnapshot { try buildWithID(graph: name).snapshot }

    /// `build`, with the graph's id in the store (a graph dropped and made again has a new one).
    public func buildWithID(graph name: String) throws -> (snapshot: CSRSnapshot, graphID: Int32) {
        let started = Date()
        let expected = Int((try? store.graph(named: name))??.tripleCount ?? 0)
        let pipeline = EdgePipeline(builder: SnapshotBuilder(graph: name, expectedEdges: expected))
        let read: (graph: GraphInfo, termIDs: [Int64], terms: [Term])
        do {
            read = try store.readGraphForSnapshot(
                name, prepareDictionary: { ids, terms in sortDictionary(ids: &ids, terms: &terms) },
                onRows: { rows in pipeline.push(&rows) })
        } catch {
            _ = pipeline.finish()
            throw error
        }
        var builder = pipeline.finish()
        builder.setDictionary(ids: read.termIDs, terms: read.terms)
        builder.changeSeq = read.graph.changeSeq
        if ProcessInfo.processInfo.environment["QUIVER_TRACE"] != nil {
            FileHandle.standardError.write(Data("snapshot read: \(Date().timeIntervalSince(started)) s\n".utf8))
        }
        return (builder.build(), read.graph.id)
    }
}

/// Feeds batches to a `SnapshotBuilder` on a thread of its own; at most four batches wait. Numbered
/// batches are emptied and handed back to the readers, so a build reuses a few batches' storage.
final class EdgePipeline: @unchecked Sendable {
    // @unchecked: every field below is read and written only with `condition` locked, which the
    // compiler cannot see; the builder is touched by the pipeline thread alone until `finish`.
    private let condition = NSCondition()
    private var queue: [TripleRows] = []
    private var spare: [TripleRows] = []
    private var closed = false
    private var done = false
    private var builder: SnapshotBuilder

    init(builder: SnapshotBuilder) {
        self.builder = builder
        let thread = Thread { [self] in self.run() }
        thread.name = "quiver-snapshot-numbering"
        thread.start()
    }

    /// Queues `batch` and leaves an empty one in its place.
    func push(_ batch: inout TripleRows) {
        condition.lock()
        while queue.count >= 4 { condition.wait() }
        queue.append(batch)
        batch = spare.popLast() ?? TripleRows()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for every batch to be numbered and hands the builder back.
    func finish() -> SnapshotBuilder {
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        let result = builder
        condition.unlock()
        return result
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            builder.addEdges(s: batch.s, p: batch.p, o: batch.o, provenance: batch.provenance, split: batch.split)
            batch.removeAll()
            condition.lock()
            spare.append(batch)
            condition.unlock()
        }
    }
}
