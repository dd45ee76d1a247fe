/// Where the embedded cluster keeps its files, and the text of the files Quiver writes.
/// Pure: computing a layout touches nothing on disk.
struct ClusterLayout: Sendable, Equatable {
    /// The port number only names the socket file (`.s.PGSQL.5432`); no TCP port is opened.
    static let port = 5432
    static let superuser = "quiver"
    static let database = "quiver"
    /// `sizeof(sockaddr_un.sun_path)` is 108 on Linux (104 on macOS), including the NUL.
    static let maximumSocketPathLength = 103

    /// The absolute, normalised data directory given by the user.
    let root: String

    init(dataDirectory: String, currentDirectory: String) {
        root = ClusterLayout.absolutePath(dataDirectory, relativeTo: currentDirectory)
    }

    var pgdata: String { root + "/pgdata" }
    var logFile: String { root + "/postgres.log" }
    var lockFile: String { root + "/cluster.lock" }
    /// Records the socket directory when it is not `<root>/run`.
    var socketDirectoryRecord: String { root + "/socket-directory" }
    var pidFile: String { pgdata + "/postmaster.pid" }
    var versionFile: String { pgdata + "/PG_VERSION" }
    /// Settings Quiver rewrites before every start; included from postgresql.conf.
    var managedConfigFile: String { pgdata + "/quiver.conf" }
    var mainConfigFile: String { pgdata + "/postgresql.conf" }

    /// `<root>/run` when the socket path fits in `sun_path`, else a short directory under
    /// `temporaryDirectory` named by a stable hash of `root`.
    func socketDirectory(temporaryDirectory: String = "/tmp") -> String {
        let preferred = root + "/run"
        if ClusterLayout.socketPath(in: preferred).utf8.count <= ClusterLayout.maximumSocketPathLength {
            return preferred
        }
        return temporaryDirectory + "/quiver-" + ClusterLayout.stableHash(root)
    }

    static func socketPath(in directory: String) -> String {
        directory + "/.s.PGSQL.\(port)"
    }

    /// A libpq key=value connection string for the cluster's socket.
    static func conninfo(socketDirectory: String, database: String = database) -> String {
        "host=\(quoteConninfoValue(socketDirectory)) port=\(port) user=\(superuser) dbname=\(quoteConninfoValue(database))"
    }

    /// Quotes a value for a libpq key=value string: `'` and `\` are backslash-escaped.
    static func quoteConninfoValue(_ value: String) -> String {
        var out = "'"
        for character in value {
            if character == "'" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "'"
    }

    /// Quotes a value for postgresql.conf: single quotes doubled.
    static func quoteConfigValue(_ value: String) -> String {
        "'" + value.replacingAll("'", with: "''") + "'"
    }

    /// The server settings for Quiver's bulk-loading workload, socket-only access.
    static func managedConfig(socketDirectory: String) -> String {
        """
        # Written by Quiver before every start of the embedded cluster; edits here are lost.
        # Put your own settings in postgresql.auto.conf (ALTER SYSTEM) instead.
        listen_addresses = ''
        port = \(port)
        unix_socket_directories = \(quoteConfigValue(socketDirectory))
        unix_socket_permissions = 0700
        max_connections = 100
        shared_buffers = 256MB
        maintenance_work_mem = 512MB
        work_mem = 64MB
        max_wal_size = 4GB
        wal_level = minimal
        max_wal_senders = 0
        fsync = on
        synchronous_commit = on
        logging_collector = off
        log_destination = 'stderr'

        """
    }

    static let includeLine = "include_if_exists = 'quiver.conf'"

    /// Makes `path` absolute and removes `.`, `..` and repeated slashes.
    static func absolutePath(_ path: String, relativeTo base: String) -> String {
        let full = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// 64-bit FNV-1a as 16 hex digits: stable across processes (unlike `Hasher`).
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The contents of `postmaster.pid`, written by a running server.
struct PostmasterPidFile: Sendable, Equatable {
    var pid: Int32
    var dataDirectory: String?
    var port: Int?
    var socketDirectory: String?
    /// `starting`, `ready`, `stopping` or `standby` (absent early in startup).
    var status: String?

    /// Parses the file; nil when it does not start with a process id.
    init?(contents: String) {
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingWhitespace()
        }
        // A negative pid marks a single-user backend.
        guard let first = lines.first, let pid = Int32(first), pid != 0 else { return nil }
        self.pid = pid < 0 ? -pid : pid
        func line(_ number: Int) -> String? {
            lines.count >= number && !lines[number - 1].isEmpty ? lines[number - 1] : nil
        }
        dataDirectory = line(2)
        port = line(4).flatMap { Int($0) }
        socketDirectory = line(5)
        status = line(8)
    }
}

/// What `start()` must do, decided from what is on disk. Pure, so it is tested without a server.
enum ClusterLifecycle {
    enum StartAction: Equatable {
        /// No cluster yet: initdb, then start.
        case initializeAndStart
        /// Start the server (no pid file).
        case start
        /// A pid file names a process that is gone (or not a postmaster): remove it, then start.
        case removeStalePidFileAndStart
        /// A server is running: wait until it accepts connections and use it.
        case reuse(pid: Int32)
    }

    static func startAction(
        initialized: Bool, pidFile: PostmasterPidFile?, hasPidFile: Bool, isPostmasterAlive: (Int32) -> Bool
    ) -> StartAction {
        guard initialized else { return .initializeAndStart }
        guard hasPidFile else { return .start }
        guard let pidFile, isPostmasterAlive(pidFile.pid) else { return .removeStalePidFileAndStart }
        return .reuse(pid: pidFile.pid)
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var slice = self
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
