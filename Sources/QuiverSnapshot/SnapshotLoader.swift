import QuiverCore
import QuiverStore

/// Builds snapshots of stored graphs with binary COPY (never row by row).
public struct SnapshotLoader: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Reads the graph's current state and builds its CSR snapshot.
    public func build(graph name: String) throws -> CSRSnapshot {
        var builder = SnapshotBuilder(graph: name)
        let info = try store.readGraph(name, onTerm: { id, term in
            builder.addTerm(id: id, term)
        }, onTriple: { s, p, o, prov, split in
            builder.addEdge(s: s, p: p, o: o, provenance: UInt8(truncatingIfNeeded: prov), split: split.map { Int8($0) } ?? -1)
        })
        builder.changeSeq = info.changeSeq
        return builder.build()
    }
}
