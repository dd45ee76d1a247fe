import Foundation
import QuiverPostgres
import QuiverStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The one embedded PostgreSQL cluster every test of this process shares, started on first use in
/// a fresh `/tmp/quiver-tests-XXXXXX` directory and stopped (directory removed) when the process
/// exits normally. Tests keep out of each other's way with their own graph names, or with their
/// own database on this cluster (`isolatedStore`) when they look at database-wide state.
///
/// If a run is killed, stop the leftover server with
/// `runuser -u postgres -- pg_ctl stop -D /tmp/quiver-tests-*/pgdata` and remove the directory.
public enum TestCluster {
    struct Shared: Sendable {
        let cluster: EmbeddedCluster?
        let dataDirectory: String
        let conninfo: Result<String, PGError>
    }

    static let shared: Shared = {
        do {
            let directory = try makeTemporaryDirectory(prefix: "quiver-tests")
            chmod(directory, 0o755)  // as root, PostgreSQL runs as another user that must traverse it
            let cluster = EmbeddedCluster(dataDirectory: directory)
            TestCleanup.register(cluster)
            return Shared(cluster: cluster, dataDirectory: directory, conninfo: Result { try cluster.start() }.mapError { error in
                error as? PGError ?? PGError(kind: .cluster, message: "\(error)")
            })
        } catch {
            return Shared(cluster: nil, dataDirectory: "", conninfo: .failure(error as? PGError ?? PGError(kind: .cluster, message: "\(error)")))
        }
    }()

    /// The shared cluster itself (nil when it could not be created).
    public static var cluster: EmbeddedCluster? { shared.cluster }

    /// Its data directory (what `--data-dir` / `StoreLocation(dataDirectory:)` take).
    public static var dataDirectory: String { shared.dataDirectory }

    /// Connection string for database `quiver` on the shared cluster.
    public static func conninfo() throws -> String { try shared.conninfo.get() }

    /// A new connection to database `quiver`.
    public static func connect() throws -> PGConnection { try PGConnection(conninfo: conninfo()) }

    /// A store on database `quiver` of the shared cluster.
    public static func store() throws -> Store { try Store.open(StoreLocation(databaseURL: conninfo())) }

    private static let creating = Mutex(())

    /// Creates an empty database on the shared cluster and returns its connection string.
    public static func freshDatabase(_ prefix: String) throws -> String {
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PGConnection(conninfo: conninfo())
        defer { admin.close() }
        // Concurrent CREATE DATABASE from the same template can trip over each other.
        try creating.withLock { _ in try admin.executeScript("CREATE DATABASE \(try PGConnection.quoteIdentifier(name))") }
        // libpq lets a later keyword override an earlier one.
        return try conninfo() + " dbname=\(name)"
    }

    /// A store on a database of its own, for tests that check database-wide state.
    public static func isolatedStore(_ prefix: String) throws -> Store {
        try Store.open(StoreLocation(databaseURL: freshDatabase(prefix)))
    }

    /// A new directory `/tmp/PREFIX-XXXXXX`, readable by its owner only (not removed at exit; see
    /// `scratchDirectory`).
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }
        }
        guard created != nil else { throw PGError(kind: .cluster, message: "mkdtemp failed: errno \(errno)") }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Clusters and scratch directories to stop and remove when the test process exits.
public enum TestCleanup {
    private struct Pending: Sendable {
        var clusters: [EmbeddedCluster] = []
        var directories: [String] = []
        var installed = false
    }
    private static let pending = Mutex(Pending())

    public static func register(_ cluster: EmbeddedCluster) { add { $0.clusters.append(cluster) } }

    public static func register(directory: String) { add { $0.directories.append(directory) } }

    private static func add(_ change: (inout Pending) -> Void) {
        let first = pending.withLock { p in
            change(&p)
            defer { p.installed = true }
            return !p.installed
        }
        if first { atexit { TestCleanup.cleanUp() } }
    }

    public static func cleanUp() {
        let (clusters, directories) = pending.withLock { p in
            defer { p.clusters = []; p.directories = [] }
            return (p.clusters, p.directories)
        }
        for cluster in clusters {
            try? cluster.stop()
            try? FileManager.default.removeItem(atPath: cluster.dataDirectory)
            let socketDirectory = cluster.socketDirectory
            if socketDirectory.hasPrefix("/tmp/quiver-") { try? FileManager.default.removeItem(atPath: socketDirectory) }
        }
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// A fresh directory, removed when the test process exits.
public func scratchDirectory(_ prefix: String) throws -> String {
    let dir = try TestCluster.makeTemporaryDirectory(prefix: prefix)
    TestCleanup.register(directory: dir)
    return dir
}

/// A name no other test uses (graphs, databases, files).
public func uniqueName(_ prefix: String) -> String { "\(prefix)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))" }
