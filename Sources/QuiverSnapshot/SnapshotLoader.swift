import Foundation
import QuiverCore
import QuiverStore

/// Builds snapshots of stored graphs with binary COPY (never row by row).
///
/// Three things run at once: the triples stream in on the calling thread, a second thread numbers
/// their nodes as batches arrive, and a second connection reads the dictionary (see
/// `Store.readGraphForSnapshot`).
public struct SnapshotLoader: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Reads the graph's current state and builds its CSR snapshot.
    public func build(graph name: String) throws -> CSRSnapshot {
        let started = Date()
        let expected = Int((try? store.graph(named: name))??.tripleCount ?? 0)
        let pipeline = EdgePipeline(builder: SnapshotBuilder(graph: name, expectedEdges: expected))
        var batch = EdgeBatch()
        let read: (graph: GraphInfo, termIDs: [Int64], terms: [Term])
        do {
            read = try store.readGraphForSnapshot(name) { s, p, o, prov, split in
                batch.append(s, p, o, UInt8(truncatingIfNeeded: prov), split.map { Int8($0) } ?? -1)
                if batch.count == EdgeBatch.capacity {
                    pipeline.push(batch)
                    batch = EdgeBatch()
                }
            }
        } catch {
            _ = pipeline.finish()
            throw error
        }
        if batch.count > 0 { pipeline.push(batch) }
        var builder = pipeline.finish()
        for (id, term) in zip(read.termIDs, read.terms) { builder.addTerm(id: id, term) }
        builder.changeSeq = read.graph.changeSeq
        if ProcessInfo.processInfo.environment["QUIVER_TRACE"] != nil {
            FileHandle.standardError.write(Data("snapshot read: \(Date().timeIntervalSince(started)) s\n".utf8))
        }
        return builder.build()
    }
}

/// Up to 64K decoded rows.
struct EdgeBatch: Sendable {
    static let capacity = 1 << 16
    var s: [Int64] = []
    var p: [Int64] = []
    var o: [Int64] = []
    var prov: [UInt8] = []
    var split: [Int8] = []
    var count: Int { s.count }

    init() {
        s.reserveCapacity(Self.capacity)
        p.reserveCapacity(Self.capacity)
        o.reserveCapacity(Self.capacity)
        prov.reserveCapacity(Self.capacity)
        split.reserveCapacity(Self.capacity)
    }

    @inline(__always)
    mutating func append(_ s: Int64, _ p: Int64, _ o: Int64, _ prov: UInt8, _ split: Int8) {
        self.s.append(s)
        self.p.append(p)
        self.o.append(o)
        self.prov.append(prov)
        self.split.append(split)
    }
}

/// Feeds batches to a `SnapshotBuilder` on a thread of its own; at most four batches wait.
final class EdgePipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [EdgeBatch] = []
    private var closed = false
    private var done = false
    private var builder: SnapshotBuilder

    init(builder: SnapshotBuilder) {
        self.builder = builder
        let thread = Thread { [self] in self.run() }
        thread.name = "quiver-snapshot-numbering"
        thread.start()
    }

    func push(_ batch: EdgeBatch) {
        condition.lock()
        while queue.count >= 4 { condition.wait() }
        queue.append(batch)
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
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            for i in 0..<batch.count {
                builder.addEdge(s: batch.s[i], p: batch.p[i], o: batch.o[i], provenance: batch.prov[i], split: batch.split[i])
            }
        }
    }
}
