import Testing
@testable import QuiverPostgres

@Suite("Embedded cluster layout and lifecycle decisions")
struct ClusterLayoutTests {
    @Test func shortDataDirectoryKeepsItsSocketInside() {
        let layout = ClusterLayout(dataDirectory: "quiver-data", currentDirectory: "/srv/app")
        #expect(layout.root == "/srv/app/quiver-data")
        #expect(layout.pgdata == "/srv/app/quiver-data/pgdata")
        #expect(layout.socketDirectory() == "/srv/app/quiver-data/run")
    }

    @Test func longDataDirectoryGetsAStableShortSocketDirectory() {
        let deep = "/data/" + String(repeating: "very-long-directory-name/", count: 5) + "quiver-data"
        let layout = ClusterLayout(dataDirectory: deep, currentDirectory: "/")
        let socketDirectory = layout.socketDirectory()
        #expect(socketDirectory.hasPrefix("/tmp/quiver-"))
        #expect(socketDirectory.utf8.count == "/tmp/quiver-".utf8.count + 16)
        #expect(ClusterLayout.socketPath(in: socketDirectory).utf8.count <= ClusterLayout.maximumSocketPathLength)
        // Same path, same directory, in any process; a different path, a different directory.
        #expect(ClusterLayout(dataDirectory: deep, currentDirectory: "/").socketDirectory() == socketDirectory)
        #expect(ClusterLayout(dataDirectory: deep + "2", currentDirectory: "/").socketDirectory() != socketDirectory)
    }

    @Test func pathsAreNormalised() {
        #expect(ClusterLayout.absolutePath("./a//b/../c/", relativeTo: "/x/y") == "/x/y/a/c")
        #expect(ClusterLayout.absolutePath("/abs/./p", relativeTo: "/ignored") == "/abs/p")
    }

    @Test func stableHashIsFNV1a() {
        #expect(ClusterLayout.stableHash("") == "cbf29ce484222325")
        #expect(ClusterLayout.stableHash("a") == "af63dc4c8601ec8c")
    }

    @Test func conninfoQuotesValues() {
        #expect(
            ClusterLayout.conninfo(socketDirectory: "/tmp/it's here")
                == #"host='/tmp/it\'s here' port=5432 user=quiver dbname='quiver'"#)
    }

    @Test func managedConfigHasTheBulkLoadSettings() {
        let config = ClusterLayout.managedConfig(socketDirectory: "/d/o'k")
        for line in [
            "listen_addresses = ''", "unix_socket_directories = '/d/o''k'", "unix_socket_permissions = 0700",
            "shared_buffers = 256MB", "maintenance_work_mem = 512MB", "work_mem = 64MB", "max_wal_size = 4GB",
            "wal_level = minimal", "max_wal_senders = 0", "fsync = on", "synchronous_commit = on",
            "max_connections = 100",
        ] {
            #expect(config.contains(line + "\n"), "missing \(line)")
        }
    }

    @Test func parsesPostmasterPidFile() throws {
        let text = "4242\n/data/pgdata\n1700000000\n5432\n/data/run\n\n  1234567     98304\nready   \n"
        let file = try #require(PostmasterPidFile(contents: text))
        #expect(file.pid == 4242)
        #expect(file.dataDirectory == "/data/pgdata")
        #expect(file.port == 5432)
        #expect(file.socketDirectory == "/data/run")
        #expect(file.status == "ready")
        #expect(PostmasterPidFile(contents: "") == nil)
        #expect(PostmasterPidFile(contents: "garbage\n") == nil)
        #expect(PostmasterPidFile(contents: "77\n")?.socketDirectory == nil)
    }

    @Test func startDecisions() {
        let file = PostmasterPidFile(contents: "99\n")
        #expect(
            ClusterLifecycle.startAction(initialized: false, pidFile: nil, hasPidFile: false) { _ in true }
                == .initializeAndStart)
        #expect(
            ClusterLifecycle.startAction(initialized: true, pidFile: nil, hasPidFile: false) { _ in true } == .start)
        #expect(
            ClusterLifecycle.startAction(initialized: true, pidFile: file, hasPidFile: true) { _ in true }
                == .reuse(pid: 99))
        #expect(
            ClusterLifecycle.startAction(initialized: true, pidFile: file, hasPidFile: true) { _ in false }
                == .removeStalePidFileAndStart)
        #expect(
            ClusterLifecycle.startAction(initialized: true, pidFile: nil, hasPidFile: true) { _ in true }
                == .removeStalePidFileAndStart)
    }

    @Test func errorDescriptionsCarryWhatToDo() {
        let error = PGError(
            kind: .server, message: "duplicate key value violates unique constraint \"t_pkey\"", sqlState: "23505",
            detail: "Key (id)=(1) already exists.")
        #expect(
            error.description
                == "ERROR 23505: duplicate key value violates unique constraint \"t_pkey\" (detail: Key (id)=(1) already exists.)")
        #expect(!error.isConnectionLost)
        #expect(PGError(kind: .server, message: "x", sqlState: "57P01").isConnectionLost)
        #expect(PGError(kind: .server, message: "x", sqlState: "08006").isConnectionLost)
    }

    @Test func findsServerBinaries() throws {
        let directory = try EmbeddedCluster.findServerBinaries()
        #expect(EmbeddedCluster.hasServerBinaries(directory))
    }
}
