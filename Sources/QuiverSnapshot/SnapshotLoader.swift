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
    /// Where snapshot files are kept; nil: none are read or written.
    public let files: SnapshotFiles?

    public init(store: Store, files: SnapshotFiles? = nil) {
        self.store = store
        self.files = files
    }

    /// How `open` got the graph.
    public enum Source: Sendable, Equatable {
        /// The snapshot file was current.
        case file
        /// The snapshot file, with this many changes from the change log applied.
        case fileAndChanges(Int)
        /// Built from the tables (and the file written, when files are kept).
        case rebuilt
    }

    /// The graph's current version, the cheapest way: its snapshot file, memory-mapped, with
    /// whatever the change log has since; else a build from the tables, written to the file for
    /// next time. A file that is stale past the log, damaged or foreign is never used.
    public func open(graph name: String) throws -> (snapshot: CSRSnapshot, graphID: Int32, source: Source) {
        guard let files else {
            let (snap, id) = try buildWithID(graph: name)
            return (snap, id, .rebuilt)
        }
        guard let info = try store.graph(named: name) else { throw StoreError.graphNotFound(name) }
        let identity = try fileIdentity(graphID: info.id, graph: name)
        let path = SnapshotFile.path(in: files.directory, for: identity)
        if let base = try? SnapshotFile.read(path, expecting: identity), base.changeSeq <= info.changeSeq {
            if base.changeSeq == info.changeSeq { return (base, info.id, .file) }
            if case .changes(let changes) = try store.changes(of: name, graphID: info.id, after: base.changeSeq) {
                let unknown = base.unknownTermIDs(in: changes)
                if let terms = try? store.terms(of: name, ids: unknown), let version = try? base.applying(changes, terms: terms) {
                    // A long way behind: the merged version is written, so the next open is quick.
                    if version.delta.addedCount + version.delta.deletedCount > files.rewriteAfter {
                        try? files.write(version.compacted(), identity: identity)
                    }
                    return (version, info.id, .fileAndChanges(changes.count))
                }
            }
        }
        let (snap, id) = try buildWithID(graph: name)
        try? files.write(snap, identity: SnapshotFile.Identity(database: identity.database, graphID: id, graph: name))
        return (snap, id, .rebuilt)
    }

    /// What a snapshot file of this graph must match: this database, this graph id and name.
    public func fileIdentity(graphID: Int32, graph name: String) throws -> SnapshotFile.Identity {
        SnapshotFile.Identity(database: try store.databaseIdentity(), graphID: graphID, graph: name)
    }

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

/// The directory where a process keeps snapshot files: a cache, never the truth (the store is).
public struct SnapshotFiles: Sendable {
    public let directory: String
    /// Changes applied on open past which the merged version is written back.
    public let rewriteAfter: Int

    public init(directory: String, rewriteAfter: Int = 4096) {
        self.directory = directory
        self.rewriteAfter = rewriteAfter
    }

    /// The default place: `snapshots/` in the embedded store's data directory; for a database
    /// named by URL, the user's cache directory (`$XDG_CACHE_HOME/quiver/snapshots`, else
    /// `~/.cache/quiver/snapshots`): a cache local to this machine.
    public static func defaultDirectory(for location: StoreLocation) -> String {
        if location.databaseURL?.isEmpty ?? true { return location.dataDirectory + "/snapshots" }
        let env = ProcessInfo.processInfo.environment
        if let cache = env["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/quiver/snapshots" }
        return (env["HOME"] ?? NSTemporaryDirectory()) + "/.cache/quiver/snapshots"
    }

    /// Writes a base snapshot's file (atomically; see `SnapshotFile.write`).
    public func write(_ snapshot: CSRSnapshot, identity: SnapshotFile.Identity) throws {
        try SnapshotFile.write(snapshot, identity: identity, to: SnapshotFile.path(in: directory, for: identity))
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
