import QuiverCore
import QuiverGraph
import QuiverPaths
import QuiverSnapshot
import QuiverStore
import Synchronization

/// One path engine per graph for its current snapshot, with the ontology's inverse names. Graphs
/// are keyed by their exact bytes, as the store and `SnapshotCache` key them.
final class EngineCache: Sendable {
    let store: Store
    let cache: SnapshotCache
    let hopsCeiling: Int

    private struct Entries: Sendable {
        var engines: [ExactName: PathEngine] = [:]
        /// The change sequence each graph had when this server's last write to it committed: a
        /// read after a write must see a snapshot at least that new (read-your-writes), whatever
        /// the cache's background rebuilds are doing.
        var written: [ExactName: Int64] = [:]
        /// Engines made for a new base before it was published (`prepare`).
        var prepared: [ExactName: PathEngine] = [:]
    }
    private let entries = Mutex(Entries())

    init(store: Store, cache: SnapshotCache, hopsCeiling: Int) {
        self.store = store
        self.cache = cache
        self.hopsCeiling = hopsCeiling
    }

    /// Records that a write by this server committed; the next read sees a version of it. Small
    /// writes were applied to the held version when they committed; anything else (a load, a
    /// drop) makes the next reader catch up from the change log or rebuild.
    func wrote(_ graph: String, changeSeq: Int64? = nil) {
        let seq = changeSeq ?? ((try? store.changeSeq(of: graph)) ?? nil)
        let key = ExactName(graph)
        entries.withLock { e in
            if let seq { e.written[key] = max(seq, e.written[key] ?? 0) } else { e.written[key] = nil }
        }
        if let seq, let held = cache.heldVersion(of: graph), held.changeSeq >= seq { return }
        if seq != nil && cache.catchUp(graph) { return }
        // Any build that starts from here on reads the committed write.
        cache.invalidate(graph)
    }

    private func currentSnapshot(_ graph: String) throws -> CSRSnapshot {
        let required = entries.withLock { $0.written[ExactName(graph)] ?? 0 }
        let snapshot = try cache.snapshot(of: graph)
        guard snapshot.changeSeq < required else { return snapshot }
        // Built before this server's write was announced: one rebuild reads it.
        cache.invalidate(graph)
        return try cache.snapshot(of: graph)
    }

    func engine(_ graph: String) throws -> PathEngine {
        let key = ExactName(graph)
        let snapshot: CSRSnapshot
        do {
            snapshot = try currentSnapshot(graph)
        } catch StoreError.graphNotFound {
            entries.withLock { e in
                e.engines[key] = nil
                e.written[key] = nil
                e.prepared[key] = nil
            }
            throw CommandError.noGraph(graph)
        }
        var held = entries.withLock { $0.engines[key] }
        if let held, held.snapshot === snapshot { return held }
        if held?.snapshot.baseIdentity != snapshot.baseIdentity,
           let ready = entries.withLock({ $0.prepared[key] }), ready.snapshot.baseIdentity == snapshot.baseIdentity {
            held = ready
        }
        let engine: PathEngine
        if let held, held.snapshot.baseIdentity == snapshot.baseIdentity,
           held.snapshot.delta.ontologyChanges == snapshot.delta.ontologyChanges,
           held.snapshot.relationCount == snapshot.relationCount {
            // A later version of the same base: what the engine derived from the base is reused.
            engine = held.updated(to: snapshot, inverses: held.inverses)
        } else {
            let ontology = try store.ontology(graph: graph)
            let inverses = PathEngine.inverseMap(from: ontology, snapshot: snapshot)
            engine = held.map { $0.updated(to: snapshot, inverses: inverses) }
                ?? PathEngine(snapshot: snapshot, inverses: inverses, maxHopsCeiling: hopsCeiling)
        }
        entries.withLock { e in
            // Kept unless a newer version's engine was stored meanwhile.
            if let stored = e.engines[key], stored.snapshot.changeSeq > snapshot.changeSeq { return }
            e.engines[key] = engine
        }
        return engine
    }

    /// Makes the engine of a new base before the cache publishes it (on the compaction's thread),
    /// so that the versions made from that base get theirs by `PathEngine.updated`, cheaply.
    func prepare(_ graph: String, base: CSRSnapshot) {
        guard let ontology = try? store.ontology(graph: graph) else { return }
        let engine = PathEngine(snapshot: base, inverses: PathEngine.inverseMap(from: ontology, snapshot: base), maxHopsCeiling: hopsCeiling)
        entries.withLock { $0.prepared[ExactName(graph)] = engine }
    }

    var snapshotBytes: Int {
        entries.withLock { $0.engines.values.reduce(0) { $0 + $1.snapshot.adjacencyBytes } }
    }
}
