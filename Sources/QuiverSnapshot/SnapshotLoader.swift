import Foundation
import QuiverCore
import QuiverStore

/// Builds snapshots of stored graphs with binary COPY (never row by row).
public struct SnapshotLoader: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Reads the graph's current state and builds its CSR snapshot.
    public func build(graph name: String) throws -> CSRSnapshot {
        let started = Date()
        var builder = SnapshotBuilder(graph: name)
        let read = try store.readGraphForSnapshot(name) { s, p, o, prov, split in
            builder.addEdge(s: s, p: p, o: o, provenance: UInt8(truncatingIfNeeded: prov), split: split.map { Int8($0) } ?? -1)
        }
        for (id, term) in zip(read.termIDs, read.terms) { builder.addTerm(id: id, term) }
        builder.changeSeq = read.graph.changeSeq
        if ProcessInfo.processInfo.environment["QUIVER_TRACE"] != nil {
            FileHandle.standardError.write(Data("snapshot read: \(Date().timeIntervalSince(started)) s\n".utf8))
        }
        return builder.build()
    }
}
