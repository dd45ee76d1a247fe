import QuiverCore
import QuiverGraph
import QuiverService
import QuiverStore
import Synchronization

/// Loaded models, one per graph and name, kept while both the graph's snapshot and the stored
/// model are the ones they were built from. Keyed by the exact bytes of both names.
final class ModelCache: Sendable {
    private struct Key: Hashable, Sendable {
        var graph: ExactName
        var model: ExactName
    }

    private let models = Mutex<[Key: (stamp: String, model: LoadedModel)]>([:])

    func model(store: Store, snapshot: CSRSnapshot, name: String) throws -> LoadedModel {
        let key = Key(graph: ExactName(snapshot.graph), model: ExactName(name))
        guard let stamp = try store.modelStamp(graph: snapshot.graph, name: name) else {
            throw StoreError.modelNotFound(graph: snapshot.graph, name: name)
        }
        if let cached = models.withLock({ $0[key] }), cached.stamp == stamp, cached.model.snapshotSeq == snapshot.changeSeq {
            return cached.model
        }
        let loaded = try ModelService.load(store: store, snapshot: snapshot, name: name)
        models.withLock { $0[key] = (stamp, loaded) }
        return loaded
    }
}
