import Foundation
import QuiverCore
import QuiverParsers
import QuiverService
import QuiverSnapshot
import QuiverStore

/// What the graph commands run against in the daemon: the store, the snapshot and engine caches,
/// loaded models and the server's limits. Each command is a `Verb` (see `VerbDispatch`).
final class GraphBackend: Sendable {
    let store: Store
    let cache: SnapshotCache
    let engines: EngineCache
    let models = ModelCache()
    /// ADD and DEL from every connection, committed together.
    let writes: GroupCommit
    let configuration: ServerConfiguration

    init(store: Store, configuration: ServerConfiguration) {
        self.store = store
        // Reads are answered from memory; PostgreSQL only writes. Where both compete for the
        // cores, reads go first (see `Store.lowerServerPriority`).
        store.lowerServerPriority(nice: 10)
        let directory = configuration.snapshotDirectory ?? SnapshotFiles.defaultDirectory(for: store.location)
        let cache = SnapshotCache(
            store: store, files: directory == "none" ? nil : SnapshotFiles(directory: directory),
            compactionFraction: configuration.compactionFraction)
        self.cache = cache
        self.writes = GroupCommit(store: store, willCommit: { cache.localCommitBegins() }) { outcome in
            cache.localCommitsEnded(outcome.transactions, outcome.changes, terms: outcome.terms)
        }
        let engines = EngineCache(store: store, cache: cache, hopsCeiling: configuration.hopsCeiling)
        self.engines = engines
        cache.onNewBase { graph, base in engines.prepare(graph, base: base) }
        self.configuration = configuration
    }

    var snapshotBytes: Int { engines.snapshotBytes }

    /// COMPACT: merges the graph's delta now and waits for it.
    func compact(_ graph: String) throws -> (edges: Int, seconds: Double) {
        _ = try engines.engine(graph)
        return cache.compactNow(graph)
    }

    /// The budget of one command: rows and reply bytes from the configuration, a deadline of
    /// `timeout` (the command's TIMEOUT) or else the server's default, and the connection's
    /// cancellation token.
    func budget(timeout: Duration?, session: Session) throws(CommandError) -> ResultBudget {
        let c = configuration
        var milliseconds = c.commandTimeoutMilliseconds
        if let timeout {
            let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            guard ms <= Int64(c.maxCommandTimeoutMilliseconds) else {
                throw .wrongArgs("TIMEOUT must be at most \(c.maxCommandTimeoutMilliseconds) ms (the server's --max-timeout-ms), not \(ms)")
            }
            milliseconds = Int(ms)
        }
        return ResultBudget(maxRows: c.maxResultRows, maxBytes: c.maxReplyBytes,
                            stop: StopCondition(deadline: .after(milliseconds: milliseconds), token: session.cancellation))
    }

    /// A server-side file for LOAD, opened once: a regular file inside `--import-dir`, reached
    /// without `..` or links. The loader reads this descriptor; the name is never opened again,
    /// so the file cannot be swapped for a link between the checks and the read.
    func importFile(_ path: String) throws(CommandError) -> RegularFile {
        guard let dir = configuration.importDirectory else {
            throw CommandError.err("LOAD … PATH is off: start quiver serve with --import-dir DIR, or send the payload")
        }
        let outside = CommandError.err("'\(path)' is outside the import directory \(dir)")
        var relative = path
        if path.hasPrefix("/") {
            // An absolute path names a file inside the directory as configured or as resolved.
            let spellings = [dir, URL(fileURLWithPath: dir).standardizedFileURL.resolvingSymlinksInPath().path]
                .map { $0.hasSuffix("/") ? $0 : $0 + "/" }
            guard let root = spellings.first(where: { path.hasPrefix($0) }) else { throw outside }
            relative = String(path.dropFirst(root.count))
        }
        do {
            return try RegularFile(opening: relative, inside: dir)
        } catch .outsideDirectory {
            throw outside
        } catch {
            throw CommandError.err(error.description)
        }
    }
}
