import Foundation
import Testing
@testable import QuiverPostgres
import QuiverTestSupport

/// Starts, reuses and stops its own cluster (not the shared one), one step after another.
@Suite("Embedded cluster lifecycle", .serialized)
struct EmbeddedClusterLifecycleTests {
    @Test func lifecycle() throws {
        let directory = try TestCluster.makeTemporaryDirectory(prefix: "quiver-pg-lifecycle")
        let cluster = EmbeddedCluster(dataDirectory: directory)
        TestCleanup.register(cluster)
        defer { try? cluster.stop() }

        #expect(cluster.status() == .notInitialized)
        try cluster.stop()  // not running: no error

        // Two concurrent starts: one initialises and starts, the other reuses the server.
        let results = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            results.append(Result { try EmbeddedCluster(dataDirectory: directory).start() })
        }
        let conninfos = try results.values.map { try $0.get() }
        #expect(conninfos.count == 2 && conninfos[0] == conninfos[1])
        #expect(conninfos[0] == cluster.conninfo)

        guard case .running(let pid, let socketDirectory) = cluster.status() else {
            Issue.record("expected a running cluster, got \(cluster.status())")
            return
        }
        #expect(socketDirectory == directory + "/run")
        #expect(try cluster.start() == conninfos[0])
        // A second instance on the same directory uses the same server.
        let second = EmbeddedCluster(dataDirectory: directory)
        #expect(try second.start() == conninfos[0])
        #expect(second.status() == .running(pid: pid, socketDirectory: socketDirectory))

        let db = try PGConnection(conninfo: conninfos[0])
        #expect(try db.execute("SELECT current_user, current_database()").string(0, 0) == "quiver")
        let settings = try db.execute(
            "SELECT current_setting('wal_level'), current_setting('shared_buffers'), current_setting('listen_addresses'), current_setting('max_wal_senders')")
        #expect(settings.string(0, 0) == "minimal")
        #expect(settings.string(0, 1) == "256MB")
        #expect(settings.string(0, 2) == "")
        #expect(settings.string(0, 3) == "0")
        db.close()

        // Socket directory is private.
        var info = stat()
        #expect(stat(socketDirectory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)

        try cluster.stop()
        #expect(cluster.status() == .stopped)
        try cluster.stop()  // already stopped: no error

        // A stale postmaster.pid naming a dead process does not block the next start.
        let deadPID = try Self.deadPID()
        try "\(deadPID)\n\(directory)/pgdata\n1700000000\n5432\n\(socketDirectory)\n\n  0 0\nready\n"
            .write(toFile: directory + "/pgdata/postmaster.pid", atomically: true, encoding: .utf8)
        #expect(cluster.status() == .stopped)
        #expect(try cluster.start() == conninfos[0])
        guard case .running(let newPID, _) = cluster.status() else {
            Issue.record("expected a running cluster after the stale pid file")
            return
        }
        #expect(newPID != pid && newPID != deadPID)
        #expect(try PGConnection(conninfo: conninfos[0]).execute("SELECT 1").int(0, 0) == 1)
        try cluster.stop()
        #expect(cluster.status() == .stopped)
    }

    @Test func longDataDirectoryUsesAShortSocketDirectory() throws {
        let base = try TestCluster.makeTemporaryDirectory(prefix: "quiver-pg-long")
        let directory = base + "/" + String(repeating: "a-rather-long-directory-name-", count: 4) + "data"
        let cluster = EmbeddedCluster(dataDirectory: directory)
        TestCleanup.register(cluster)
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(atPath: base)
        }
        if geteuid() == 0 {
            // mkdtemp made `base` 0700 root-only: the server's user cannot reach the data directory.
            let error = #expect(throws: PGError.self) { try cluster.start() }
            #expect(error?.kind == .cluster)
            #expect(error?.message.contains("cannot reach") == true)
            chmod(base, 0o755)
        }
        let conninfo = try cluster.start()
        let socketDirectory = cluster.socketDirectory
        #expect(socketDirectory.hasPrefix("/tmp/quiver-"))
        #expect(conninfo.contains(socketDirectory))
        #expect(
            try String(contentsOfFile: directory + "/socket-directory", encoding: .utf8) == socketDirectory + "\n")
        guard case .running(_, let running) = cluster.status() else {
            Issue.record("expected a running cluster")
            return
        }
        #expect(running == socketDirectory)
        #expect(try PGConnection(conninfo: conninfo).execute("SELECT 1").int(0, 0) == 1)
        try cluster.stop()
        #expect(cluster.status() == .stopped)
    }

    /// A pid that no process has: a child that has already exited and been reaped.
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    final class ConcurrentResults: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Result<String, any Error>] = []
        func append(_ item: Result<String, any Error>) {
            lock.lock()
            items.append(item)
            lock.unlock()
        }
        var values: [Result<String, any Error>] {
            lock.lock()
            defer { lock.unlock() }
            return items
        }
    }
}
