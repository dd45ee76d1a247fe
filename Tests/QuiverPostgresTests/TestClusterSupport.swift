import Foundation
@testable import QuiverPostgres

/// The one embedded cluster shared by this test process, started on first use.
///
/// It lives in a fresh `/tmp/quiver-pg-tests-XXXXXX` directory and is stopped (and the
/// directory removed) by an `atexit` handler when the test process exits normally.
/// Cleanup note: if a test run is killed, a server may be left behind; stop it with
/// `runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl stop -D /tmp/quiver-pg-tests-*/pgdata`
/// (or as yourself when not root) and remove the directory.
enum TestCluster {
    struct Shared: Sendable {
        let cluster: EmbeddedCluster?
        let conninfo: Result<String, PGError>
    }

    static let shared: Shared = {
        do {
            let directory = try makeTemporaryDirectory(prefix: "quiver-pg-tests")
            let cluster = EmbeddedCluster(dataDirectory: directory)
            registerCleanup(cluster)
            return Shared(cluster: cluster, conninfo: Result { try cluster.start() }.mapError { error in
                error as? PGError ?? PGError(kind: .cluster, message: "\(error)")
            })
        } catch {
            return Shared(cluster: nil, conninfo: .failure(error as? PGError ?? PGError(kind: .cluster, message: "\(error)")))
        }
    }()

    /// Connection string for database `quiver` on the shared cluster.
    static func conninfo() throws -> String {
        try shared.conninfo.get()
    }

    /// A new connection to the shared cluster.
    static func connect() throws -> PGConnection {
        try PGConnection(conninfo: conninfo())
    }

    static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }
        }
        guard created != nil else {
            throw PGError(kind: .cluster, message: "mkdtemp failed: errno \(errno)")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Directories of clusters to stop and remove when the process exits.
    private static let cleanupList = LockedList()

    final class LockedList: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [EmbeddedCluster] = []
        func withLock<R>(_ body: (inout [EmbeddedCluster]) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(&items)
        }
    }

    static func registerCleanup(_ cluster: EmbeddedCluster) {
        let first = cleanupList.withLock { list in
            list.append(cluster)
            return list.count == 1
        }
        if first {
            atexit {
                TestCluster.cleanUp()
            }
        }
    }

    static func cleanUp() {
        let clusters = cleanupList.withLock { $0 }
        for cluster in clusters {
            try? cluster.stop()
            try? FileManager.default.removeItem(atPath: cluster.dataDirectory)
            let socketDirectory = cluster.layout.socketDirectory()
            if socketDirectory.hasPrefix("/tmp/quiver-") {
                try? FileManager.default.removeItem(atPath: socketDirectory)
            }
        }
    }
}
