import Foundation
import QuiverCore
import QuiverGraph
import QuiverPostgres
import QuiverStore

/// Keeps one current snapshot per graph for a long-running process (the daemon), in step with the
/// store: writes by any process NOTIFY on `changeChannel`, and the cache rebuilds the graph's
/// snapshot in the background. Readers are never blocked: they keep the snapshot they hold, and a
/// rebuilt one is swapped in whole. Graphs are keyed by their exact bytes (`ExactName`): the NFC
/// and NFD spellings of a name are two graphs.
///
/// ```swift
/// let cache = SnapshotCache(store: store)
/// try cache.startWatching()
/// let snap = try cache.snapshot(of: "nations")   // built once, then kept current
/// ```
public final class SnapshotCache: @unchecked Sendable {
    public let store: Store
    private let loader: SnapshotLoader
    private let lock = NSLock()
    private var entries: [ExactName: CSRSnapshot] = [:]
    private var stale: Set<ExactName> = []
    private var building: [ExactName: NSCondition] = [:]
    /// Bumped by every invalidation: a build that started at an older version is stale on arrival.
    private var versions: [ExactName: Int] = [:]
    private var watcher: Thread?
    private var stopping = false
    /// Called after a graph's snapshot was rebuilt or dropped (for logs and tests).
    public var onRefresh: (@Sendable (String) -> Void)?

    public init(store: Store) {
        self.store = store
        self.loader = SnapshotLoader(store: store)
    }

    /// The graph's current snapshot, built on first use or after a change.
    public func snapshot(of name: String) throws -> CSRSnapshot {
        let graph = ExactName(name)
        while true {
            lock.lock()
            if let snap = entries[graph], !stale.contains(graph) {
                lock.unlock()
                return snap
            }
            if let pending = building[graph] {
                // Another caller is building it: wait for that build instead of repeating it.
                lock.unlock()
                pending.lock()
                pending.wait(until: Date().addingTimeInterval(0.05))
                pending.unlock()
                continue
            }
            let condition = NSCondition()
            building[graph] = condition
            stale.remove(graph)
            let version = versions[graph, default: 0]
            lock.unlock()
            defer {
                lock.lock()
                building[graph] = nil
                lock.unlock()
                condition.broadcast()
            }
            do {
                let snap = try loader.build(graph: name)
                lock.lock()
                entries[graph] = snap
                // A change announced while this build read the store may be missing from it.
                if versions[graph, default: 0] != version { stale.insert(graph) }
                lock.unlock()
                return snap
            } catch StoreError.graphNotFound(let missing) {
                lock.lock()
                entries[graph] = nil
                lock.unlock()
                throw StoreError.graphNotFound(missing)
            }
        }
    }

    /// Marks a graph's snapshot out of date; the next `snapshot(of:)` rebuilds it.
    public func invalidate(_ name: String) {
        let graph = ExactName(name)
        lock.lock()
        versions[graph, default: 0] += 1
        stale.insert(graph)
        lock.unlock()
    }

    /// Marks every snapshot out of date (after the change feed was interrupted).
    public func invalidateAll() {
        lock.lock()
        for g in entries.keys { versions[g, default: 0] += 1 }
        for g in building.keys { versions[g, default: 0] += 1 }
        stale.formUnion(entries.keys)
        stale.formUnion(building.keys)
        lock.unlock()
    }

    /// The graphs with a snapshot in memory, in byte order.
    public var cachedGraphs: [String] {
        lock.lock()
        defer { lock.unlock() }
        return entries.keys.sorted().map(\.text)
    }

    /// Listens for changes on a connection of its own, on a background thread, and rebuilds changed
    /// snapshots eagerly so queries after a write see it within the rebuild time.
    public func startWatching() throws {
        let conn = try store.connect()
        try conn.listen(changeChannel)
        lock.lock()
        stopping = false
        lock.unlock()
        let thread = Thread { [weak self] in
            var lastSeqs: [ExactName: Int64] = [:]
            while true {
                guard let self else { return }
                self.lock.lock()
                let stop = self.stopping
                self.lock.unlock()
                if stop { break }
                do {
                    let notes = try conn.notifications(timeout: 0.25)
                    let graphs = Set(notes.map { ExactName($0.payload) })
                    for g in graphs { self.refresh(g.text) }
                    if notes.isEmpty && !self.cachedGraphs.isEmpty {
                        // A fallback for a missed notification: compare change sequences, all in
                        // one query on this connection.
                        let seqs = try Store.changeSequences(on: conn)
                        for g in self.cachedGraphs {
                            let key = ExactName(g), seq = seqs[key]
                            if seq != lastSeqs[key] {
                                if lastSeqs[key] != nil { self.refresh(g) }
                                lastSeqs[key] = seq
                            }
                        }
                    }
                } catch {
                    // The connection broke: the next call reconnects (and re-LISTENs); anything
                    // missed meanwhile is caught by rebuilding everything.
                    self.invalidateAll()
                    Thread.sleep(forTimeInterval: 0.25)
                }
            }
            conn.close()
        }
        thread.name = "quiver-snapshot-watcher"
        watcher = thread
        thread.start()
    }

    public func stopWatching() {
        lock.lock()
        stopping = true
        lock.unlock()
    }

    private func refresh(_ name: String) {
        let graph = ExactName(name)
        lock.lock()
        let cached = entries[graph] != nil || building[graph] != nil
        lock.unlock()
        guard cached else { return }
        invalidate(name)
        // Rebuild until a build saw every change announced so far (a few rounds under a stream of writes).
        for _ in 0..<3 {
            _ = try? snapshot(of: name)
            lock.lock()
            let again = stale.contains(graph) && entries[graph] != nil
            lock.unlock()
            if !again { break }
        }
        onRefresh?(name)
    }
}
