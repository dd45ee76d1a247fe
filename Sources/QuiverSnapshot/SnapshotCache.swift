import Foundation
import QuiverCore
import QuiverGraph
import QuiverPostgres
import QuiverStore
import Synchronization

/// Keeps one current version per graph for a long-running process (the daemon), in step with the
/// store, without rebuilding on writes:
///
/// - this process's own writes are applied to the graph's version as soon as they commit
///   (`apply`), before the writer is answered;
/// - writes by other processes NOTIFY on `changeChannel`; the cache reads what they changed from
///   the change log and applies that (`catchUp`);
/// - only what the log cannot tell (a load, a stretch pruned from the log) makes a full rebuild,
///   in the background, while readers keep the version they have;
/// - past `compactionThreshold` changed edges, or once a graph has been idle a while, the delta
///   is merged into a new base on a thread of its own; writes applied meanwhile are applied again
///   to the merged base before it is published.
///
/// Readers are never blocked by a write or a compaction: a version is immutable, and publishing
/// the next one is one assignment under the lock. Graphs are keyed by their exact bytes
/// (`ExactName`): the NFC and NFD spellings of a name are two graphs.
///
/// ```swift
/// let cache = SnapshotCache(store: store)
/// try cache.startWatching()
/// let snap = try cache.snapshot(of: "nations")   // built once, then kept current
/// ```
public final class SnapshotCache: Sendable {
    public let store: Store
    private let loader: SnapshotLoader
    /// Changed edges (added plus deleted) past which a version's delta is compacted: 1% of the
    /// base's edges, at least `minimumCompaction`.
    let compactionFraction: Double
    let minimumCompaction: Int
    /// A graph whose delta has not changed for this long is compacted.
    let idleCompaction: Duration

    /// Per-graph counters for INFO.
    public struct GraphStatistics: Sendable, Equatable {
        public var graph: String
        public var changeSeq: Int64
        public var edges: Int
        public var deltaAdded: Int
        public var deltaDeleted: Int
        public var deltaBytes: Int
        public var baseBytes: Int
        /// Changes applied to the version in memory (this process's writes and others' from the log).
        public var changesApplied: Int
        public var compactions: Int
        /// Builds from the tables (the first one included).
        public var rebuilds: Int
        /// Opens from the snapshot file.
        public var fileOpens: Int
        public var lastCompactionSeconds: Double
    }

    private struct Entry: Sendable {
        var version: CSRSnapshot
        var graphID: Int32
        /// While a compaction runs: the changes applied since it started, to apply again to its result.
        var sinceCompaction: [GraphChange]?
        var lastChange: ContinuousClock.Instant = .now
    }

    private struct Counters: Sendable {
        var fileOpens = 0
        var changesApplied = 0
        var compactions = 0
        var rebuilds = 0
        var lastCompactionSeconds = 0.0
    }

    private struct State: Sendable {
        var entries: [ExactName: Entry] = [:]
        var stale: Set<ExactName> = []
        /// Builds in progress; callers that want the same graph wait on its condition.
        var building: [ExactName: NSCondition] = [:]
        /// Bumped by every invalidation: a build that started at an older version is stale on arrival.
        var generations: [ExactName: Int] = [:]
        var counters: [ExactName: Counters] = [:]
        /// When each graph's snapshot file was last written by a compaction.
        var fileWritten: [ExactName: ContinuousClock.Instant] = [:]
        var stopping = false
    }
    private let state = Mutex(State())
    private let catchingUp = Mutex(())
    /// Commits of this process under way (`localCommitBegins` … `localCommitEnded`): the
    /// notification of one reaches the watcher about when its committer applies it.
    private let localCommits = Atomic<Int>(0)
    private let newBaseHandler = Mutex<(@Sendable (String, CSRSnapshot) -> Void)?>(nil)

    /// Called with a new base (of a compaction or a background rebuild) on the thread that made
    /// it, before it is published: what readers derive from a base (the daemon's path engine) is
    /// made there, so that the first query after a compaction does not make it.
    public func onNewBase(_ handler: @escaping @Sendable (String, CSRSnapshot) -> Void) {
        newBaseHandler.withLock { $0 = handler }
    }

    private func prepareNewBase(_ name: String, _ base: CSRSnapshot) {
        if let handler = newBaseHandler.withLock({ $0 }) { handler(name, base) }
    }

    public init(store: Store, files: SnapshotFiles? = nil, compactionFraction: Double = 0.01, minimumCompaction: Int = 4096,
                idleCompaction: Duration = .seconds(30)) {
        self.store = store
        self.loader = SnapshotLoader(store: store, files: files)
        self.compactionFraction = compactionFraction
        self.minimumCompaction = minimumCompaction
        self.idleCompaction = idleCompaction
    }

    private enum Next {
        case cached(CSRSnapshot)
        case wait(NSCondition)
        case build(NSCondition, generation: Int)
    }

    /// The graph's current version, built on first use or after an invalidation.
    public func snapshot(of name: String) throws -> CSRSnapshot {
        let graph = ExactName(name)
        while true {
            let next: Next = state.withLock { s in
                if let entry = s.entries[graph], !s.stale.contains(graph) { return .cached(entry.version) }
                // Another caller is building it: wait for that build instead of repeating it.
                if let pending = s.building[graph] { return .wait(pending) }
                let condition = NSCondition()
                s.building[graph] = condition
                s.stale.remove(graph)
                return .build(condition, generation: s.generations[graph, default: 0])
            }
            switch next {
            case .cached(let snap):
                return snap
            case .wait(let pending):
                pending.lock()
                pending.wait(until: Date().addingTimeInterval(0.05))
                pending.unlock()
                continue
            case .build(let condition, let generation):
                defer {
                    state.withLock { $0.building[graph] = nil }
                    condition.broadcast()
                }
                do {
                    let (snap, id, source) = try loader.open(graph: name)
                    state.withLock { s in
                        s.entries[graph] = Entry(version: snap, graphID: id)
                        switch source {
                        case .rebuilt: s.counters[graph, default: Counters()].rebuilds += 1
                        case .file: s.counters[graph, default: Counters()].fileOpens += 1
                        case .fileAndChanges(let n):
                            s.counters[graph, default: Counters()].fileOpens += 1
                            s.counters[graph, default: Counters()].changesApplied += n
                        }
                        // A change announced while this build read the store may be missing from it.
                        if s.generations[graph, default: 0] != generation { s.stale.insert(graph) }
                    }
                    return snap
                } catch StoreError.graphNotFound(let missing) {
                    state.withLock { _ = $0.entries.removeValue(forKey: graph) }
                    throw StoreError.graphNotFound(missing)
                } catch {
                    // A build that failed (a drop between its reads, a lost connection) proves
                    // nothing about the version held: the next caller builds again.
                    state.withLock { _ = $0.stale.insert(graph) }
                    throw error
                }
            }
        }
    }

    /// The version held for a graph, if any, without building or checking it.
    public func heldVersion(of name: String) -> CSRSnapshot? {
        state.withLock { $0.entries[ExactName(name)]?.version }
    }

    /// Marks a graph's version out of date; the next `snapshot(of:)` rebuilds it.
    public func invalidate(_ name: String) {
        let graph = ExactName(name)
        state.withLock { s in
            s.generations[graph, default: 0] += 1
            s.stale.insert(graph)
        }
    }

    /// Marks every version out of date (after the change feed was interrupted).
    public func invalidateAll() {
        state.withLock { s in
            for g in s.entries.keys { s.generations[g, default: 0] += 1 }
            for g in s.building.keys { s.generations[g, default: 0] += 1 }
            s.stale.formUnion(s.entries.keys)
            s.stale.formUnion(s.building.keys)
        }
    }

    /// The graphs with a version in memory, in byte order.
    public var cachedGraphs: [String] {
        state.withLock { $0.entries.keys.sorted().map(\.text) }
    }

    public var statistics: [GraphStatistics] {
        state.withLock { s in
            s.entries.keys.sorted().compactMap { g in
                guard let e = s.entries[g] else { return nil }
                let c = s.counters[g] ?? Counters(), v = e.version
                return GraphStatistics(
                    graph: g.text, changeSeq: v.changeSeq, edges: v.edgeCount, deltaAdded: v.delta.addedCount,
                    deltaDeleted: v.delta.deletedCount, deltaBytes: v.delta.bytes, baseBytes: v.adjacencyBytes - v.delta.bytes,
                    changesApplied: c.changesApplied, compactions: c.compactions, rebuilds: c.rebuilds,
                    fileOpens: c.fileOpens, lastCompactionSeconds: c.lastCompactionSeconds)
            }
        }
    }

    // MARK: Writes

    /// Applies writes this process committed (`Store.commitRecording`) to the versions held, so
    /// that every later reader sees them. A graph whose version cannot take them (a change by
    /// another process in between, read from the log here) is caught up or, failing that, rebuilt
    /// by its next reader.
    public func apply(_ committed: [(graph: String, change: GraphChange)], terms: [Int64: Term]) {
        var byGraph: [ExactName: [GraphChange]] = [:]
        var order: [ExactName] = []
        for (graph, change) in committed {
            let key = ExactName(graph)
            if byGraph[key] == nil { order.append(key) }
            byGraph[key, default: []].append(change)
        }
        for g in order where !catchUp(g.text, given: byGraph[g]!, terms: terms) { invalidate(g.text) }
    }

    /// A commit of this process's writes starts; `localCommitEnded` follows it, committed or not.
    public func localCommitBegins() { localCommits.add(1, ordering: .relaxed) }

    /// Commits of this process ended (`commits` of them, each begun by `localCommitBegins`):
    /// applies what they `committed` (as `apply`).
    public func localCommitsEnded(_ commits: Int, _ committed: [(graph: String, change: GraphChange)], terms: [Int64: Term]) {
        apply(committed, terms: terms)
        localCommits.subtract(commits, ordering: .releasing)
    }

    /// Brings a held version up to the store's state by applying changes: `given` ones, and
    /// whatever the change log has before or after them. True when the version is current (or
    /// none is held, or the graph is gone); false when only a rebuild can make it current.
    @discardableResult
    public func catchUp(_ name: String, given: [GraphChange] = [], terms: [Int64: Term] = [:]) -> Bool {
        // One catch-up at a time: two racing to publish from the same version would each read the
        // log and then find the other's version published, and under a stream of writes could
        // keep losing. Held across the log's read, which is short.
        catchingUp.withLock { _ in catchUpAlone(name, given: given, terms: terms) }
    }

    private func catchUpAlone(_ name: String, given: [GraphChange], terms: [Int64: Term]) -> Bool {
        let graph = ExactName(name)
        for _ in 0..<4 {
            guard let (current, graphID) = state.withLock({ s in s.entries[graph].map { ($0.version, $0.graphID) } }) else { return true }
            var pending = given.filter { $0.seq > current.changeSeq }
            if given.isEmpty || pending.first?.seq != current.changeSeq + 1 || !isContiguous(pending) {
                // Someone else's change comes first (or nothing was given): read the log.
                switch (try? store.changes(of: name, graphID: graphID, after: current.changeSeq)) ?? .rebuild {
                case .changes(let fromLog): pending = fromLog
                case .rebuild: return false
                case .graphNotFound:
                    state.withLock { _ = $0.entries.removeValue(forKey: graph) }
                    return true
                }
            }
            if pending.isEmpty { return true }
            var known = terms
            let unknown = current.unknownTermIDs(in: pending).filter { known[$0] == nil }
            if !unknown.isEmpty {
                guard let fetched = try? store.terms(of: name, ids: unknown) else { return false }
                known.merge(fetched) { a, _ in a }
            }
            guard let next = try? current.applying(pending, terms: known) else { return false }
            let published = state.withLock { s -> Bool in
                guard var e = s.entries[graph], e.version === current else { return false }
                e.version = next
                e.lastChange = .now
                if e.sinceCompaction != nil { e.sinceCompaction! += pending }
                s.entries[graph] = e
                s.counters[graph, default: Counters()].changesApplied += pending.count
                return true
            }
            if published {
                compactIfDue(name, next)
                return true
            }
            // Another thread published first: start again from its version.
        }
        return false
    }

    private func isContiguous(_ changes: [GraphChange]) -> Bool {
        zip(changes, changes.dropFirst()).allSatisfy { $1.seq == $0.seq + 1 }
    }

    // MARK: Compaction

    /// Changed edges past which `version` is compacted.
    func compactionThreshold(_ version: CSRSnapshot) -> Int {
        max(minimumCompaction, Int(Double(version.baseEdgeCount) * compactionFraction))
    }

    private func compactIfDue(_ name: String, _ version: CSRSnapshot, idle: Bool = false) {
        let changed = version.delta.addedCount + version.delta.deletedCount
        guard changed >= compactionThreshold(version) || (idle && !version.delta.isEmpty) else { return }
        compact(name, writeFile: false)
    }

    /// Merges a graph's delta now and waits until the merged version is published (or a running
    /// compaction finished). Returns the changed edges merged and the seconds the merge took.
    public func compactNow(_ name: String) -> (edges: Int, seconds: Double) {
        let graph = ExactName(name)
        let before = state.withLock { s in (s.counters[graph]?.compactions ?? 0, s.entries[graph]?.version.delta) }
        let edges = (before.1?.addedCount ?? 0) + (before.1?.deletedCount ?? 0)
        compact(name, writeFile: true)
        while true {
            let (done, running, seconds) = state.withLock { s in
                (s.counters[graph]?.compactions ?? 0, s.entries[graph]?.sinceCompaction != nil, s.counters[graph]?.lastCompactionSeconds ?? 0)
            }
            if done > before.0 { return (edges, seconds) }
            // Nothing to merge, or the merge was discarded (the base was replaced meanwhile).
            if !running { return (0, 0) }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    /// Merges a graph's delta into a new base on a thread of its own; readers keep their versions.
    /// Returns at once; false when there is nothing to do or a compaction is running already.
    @discardableResult
    public func compact(_ name: String, writeFile: Bool = false) -> Bool {
        let graph = ExactName(name)
        let start: CSRSnapshot? = state.withLock { s in
            guard var e = s.entries[graph], e.sinceCompaction == nil, !e.version.delta.isEmpty else { return nil }
            e.sinceCompaction = []
            s.entries[graph] = e
            return e.version
        }
        guard let start else { return false }
        // Background QoS (nice 10 on Linux): a compaction takes a core for a second or so on a
        // 5M-edge graph, and readers keep their version meanwhile, so it yields to everything.
        DispatchQueue.global(qos: .background).async { [self] in
            let began = ContinuousClock.now
            let merged = start.compacted()
            prepareNewBase(name, merged)
            let took = ContinuousClock.now - began
            let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
            state.withLock { s in
                guard var e = s.entries[graph] else { return }
                let since = e.sinceCompaction ?? []
                e.sinceCompaction = nil
                // Published only over a later version of the same base; the writes applied since
                // the merge began are applied to it again (their new terms are in that version).
                if e.version.baseIdentity == start.baseIdentity,
                   let next = try? merged.applying(since, terms: e.version.delta.newTerms) {
                    e.version = next
                    s.counters[graph, default: Counters()].compactions += 1
                    s.counters[graph, default: Counters()].lastCompactionSeconds = seconds
                }
                s.entries[graph] = e
            }
            // Writing a 5M-edge graph's file (200 MB, flushed) competes with the store's
            // commits for the disk: compactions that come on their own write it at most once a
            // minute; COMPACT always does.
            let due = state.withLock { s -> Bool in
                let last = s.fileWritten[graph]
                if writeFile || last == nil || ContinuousClock.now - last! > .seconds(60) {
                    s.fileWritten[graph] = .now
                    return true
                }
                return false
            }
            if due { saveFile(name, merged) }
        }
        return true
    }

    /// Writes a base's snapshot file (a cache: a failure only costs the next start a rebuild).
    private func saveFile(_ name: String, _ base: CSRSnapshot) {
        guard let files = loader.files, base.delta.isEmpty,
              let id = state.withLock({ $0.entries[ExactName(name)]?.graphID }),
              let identity = try? loader.fileIdentity(graphID: id, graph: name) else { return }
        try? files.write(base, identity: identity)
    }

    // MARK: Watching

    /// Listens for changes on a connection of its own, on a background thread, and applies other
    /// processes' writes from the change log (or rebuilds in the background when it cannot).
    public func startWatching() throws {
        let conn = try store.connect()
        try conn.listen(changeChannel)
        state.withLock { $0.stopping = false }
        let thread = Thread { [weak self] in
            var lastSeqs: [ExactName: Int64] = [:]
            while true {
                guard let self else { return }
                if self.state.withLock({ $0.stopping }) { break }
                do {
                    // The fallback below bounds how late a change is seen when a notification
                    // comes before its commit is visible (or not at all): 50 ms.
                    let notes = try conn.notifications(timeout: 0.05)
                    var newest: [ExactName: Int64] = [:]
                    for note in notes {
                        let (seq, graph) = parseChangeNotice(note.payload)
                        newest[ExactName(graph)] = max(newest[ExactName(graph)] ?? -1, seq ?? -1)
                    }
                    for (g, seq) in newest { self.follow(g.text, to: seq) }
                    if notes.isEmpty && !self.cachedGraphs.isEmpty {
                        // A fallback for a missed notification: compare change sequences, all in
                        // one query on this connection.
                        let seqs = try Store.changeSequences(on: conn)
                        for g in self.cachedGraphs {
                            let key = ExactName(g), seq = seqs[key]
                            if seq != lastSeqs[key] {
                                if lastSeqs[key] != nil, seq != self.heldVersion(of: g)?.changeSeq, !self.catchUp(g) {
                                    self.rebuildInBackground(g)
                                }
                                lastSeqs[key] = seq
                            }
                        }
                        self.compactIdleGraphs()
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

    /// Catches a graph up to the change `seq` a notification announced. The notification can
    /// arrive a moment before another connection's snapshot sees the commit: the log is read
    /// again, briefly, until it has the change (else the fallback poll finds it up to 50 ms later).
    private func follow(_ name: String, to seq: Int64) {
        // Mostly this process's own commit, applied by its committer in a moment: wait for that
        // (briefly) rather than read the log again and queue behind the committer's apply.
        for _ in 0..<20 {
            if seq > 0, let held = heldVersion(of: name), held.changeSeq >= seq { return }
            guard localCommits.load(ordering: .acquiring) > 0 else { break }
            Thread.sleep(forTimeInterval: 0.0005)
        }
        for _ in 0..<20 {
            guard catchUp(name) else { rebuildInBackground(name); return }
            guard seq > 0, let held = heldVersion(of: name), held.changeSeq < seq else { return }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    public func stopWatching() {
        state.withLock { $0.stopping = true }
    }

    private func compactIdleGraphs() {
        let idle: [(String, CSRSnapshot)] = state.withLock { s in
            s.entries.compactMap { g, e in
                e.sinceCompaction == nil && !e.version.delta.isEmpty && ContinuousClock.now - e.lastChange > idleCompaction
                    ? (g.text, e.version) : nil
            }
        }
        for (name, version) in idle { compactIfDue(name, version, idle: true) }
    }

    /// Builds a graph anew from the tables while readers keep the version they have, then
    /// publishes it (and applies whatever was committed during the build).
    private func rebuildInBackground(_ name: String) {
        let graph = ExactName(name)
        guard state.withLock({ $0.entries[graph] != nil && $0.building[graph] == nil }) else { return }
        do {
            let (snap, id) = try loader.buildWithID(graph: name)
            prepareNewBase(name, snap)
            state.withLock { s in
                guard var e = s.entries[graph], snap.changeSeq >= e.version.changeSeq else { return }
                e.version = snap
                e.graphID = id
                e.sinceCompaction = nil
                s.entries[graph] = e
                s.counters[graph, default: Counters()].rebuilds += 1
            }
            _ = catchUp(name)
            saveFile(name, snap)
        } catch StoreError.graphNotFound {
            state.withLock { _ = $0.entries.removeValue(forKey: graph) }
        } catch {
            invalidate(name)
        }
    }
}
