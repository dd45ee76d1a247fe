import Foundation
import QuiverCore
import QuiverGraph
import QuiverPostgres
import QuiverStore
import Synchronization

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
public final class SnapshotCache: Sendable {
    public let store: Store
    private let loader: SnapshotLoader

    private struct State: Sendable {
        var entries: [ExactName: CSRSnapshot] = [:]
        var stale: Set<ExactName> = []
        /// Builds in progress; callers that want the same graph wait on its condition.
        var building: [ExactName: NSCondition] = [:]
        /// Bumped by every invalidation: a build that started at an older version is stale on arrival.
        var versions: [ExactName: Int] = [:]
        var stopping = false
    }
    private let state = Mutex(State())

    public init(store: Store) {
        self.store = store
        self.loader = SnapshotLoader(store: store)
    }

    private enum Next {
        case cached(CSRSnapshot)
        case wait(NSCondition)
        case build(NSCondition, version: Int)
    }

    /// The graph's current snapshot, built on first use or after a change.
    public func snapshot(of name: String) throws -> CSRSnapshot {
        let graph = ExactName(name)
        while true {
            let next: Next = state.withLock { s in
                if let snap = s.entries[graph], !s.stale.contains(graph) { return .cached(snap) }
                // Another caller is building it: wait for that build instead of repeating it.
                if let pending = s.building[graph] { return .wait(pending) }
                let condition = NSCondition()
                s.building[graph] = condition
                s.stale.remove(graph)
                return .build(condition, version: s.versions[graph, default: 0])
            }
            switch next {
            case .cached(let snap):
                return snap
            case .wait(let pending):
                pending.lock()
                pending.wait(until: Date().addingTimeInterval(0.05))
                pending.unlock()
                continue
            case .build(let condition, let version):
                defer {
                    state.withLock { $0.building[graph] = nil }
                    condition.broadcast()
                }
                do {
                    let snap = try loader.build(graph: name)
                    state.withLock { s in
                        s.entries[graph] = snap
                        // A change announced while this build read the store may be missing from it.
                        if s.versions[graph, default: 0] != version { s.stale.insert(graph) }
                    }
                    return snap
                } catch StoreError.graphNotFound(let missing) {
                    state.withLock { _ = $0.entries.removeValue(forKey: graph) }
                    throw StoreError.graphNotFound(missing)
                } catch {
                    // A build that failed (a drop between its reads, a lost connection) proves
                    // nothing about the snapshot held: the next caller builds again.
                    state.withLock { _ = $0.stale.insert(graph) }
                    throw error
                }
            }
        }
    }

    /// Marks a graph's snapshot out of date; the next `snapshot(of:)` rebuilds it.
    public func invalidate(_ name: String) {
        let graph = ExactName(name)
        state.withLock { s in
            s.versions[graph, default: 0] += 1
            s.stale.insert(graph)
        }
    }

    /// Marks every snapshot out of date (after the change feed was interrupted).
    public func invalidateAll() {
        state.withLock { s in
            for g in s.entries.keys { s.versions[g, default: 0] += 1 }
            for g in s.building.keys { s.versions[g, default: 0] += 1 }
            s.stale.formUnion(s.entries.keys)
            s.stale.formUnion(s.building.keys)
        }
    }

    /// The graphs with a snapshot in memory, in byte order.
    public var cachedGraphs: [String] {
        state.withLock { $0.entries.keys.sorted().map(\.text) }
    }

    /// Listens for changes on a connection of its own, on a background thread, and rebuilds changed
    /// snapshots eagerly so queries after a write see it within the rebuild time.
    public func startWatching() throws {
        let conn = try store.connect()
        try conn.listen(changeChannel)
        state.withLock { $0.stopping = false }
        let thread = Thread { [weak self] in
            var lastSeqs: [ExactName: Int64] = [:]
            // Eager rebuilds, at most one a second per graph: under a stream of writes the graph is
            // marked stale at once (a reader rebuilds it if it needs it first) and rebuilt in the
            // background once a second, not once per write.
            var lastRebuild: [ExactName: UInt64] = [:]
            var due: Set<ExactName> = []
            let interval: UInt64 = 1_000_000_000
            while true {
                guard let self else { return }
                if self.state.withLock({ $0.stopping }) { break }
                do {
                    let notes = try conn.notifications(timeout: 0.25)
                    for g in Set(notes.map { ExactName($0.payload) }) {
                        self.invalidate(g.text)
                        due.insert(g)
                    }
                    let now = DispatchTime.now().uptimeNanoseconds
                    for g in due where now >= (lastRebuild[g] ?? 0) &+ interval {
                        due.remove(g)
                        lastRebuild[g] = now
                        self.refresh(g.text)
                    }
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
        thread.start()
    }

    public func stopWatching() {
        state.withLock { $0.stopping = true }
    }

    private func refresh(_ name: String) {
        let graph = ExactName(name)
        let cached = state.withLock { $0.entries[graph] != nil || $0.building[graph] != nil }
        guard cached else { return }
        invalidate(name)
        // Rebuild until a build saw every change announced so far (a few rounds under a stream of writes).
        for _ in 0..<3 {
            _ = try? snapshot(of: name)
            let again = state.withLock { $0.stale.contains(graph) && $0.entries[graph] != nil }
            if !again { break }
        }
    }
}
