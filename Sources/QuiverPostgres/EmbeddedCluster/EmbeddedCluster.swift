import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of an embedded cluster on disk.
public enum EmbeddedClusterStatus: Sendable, Equatable {
    /// No cluster has been initialised in the data directory yet.
    case notInitialized
    /// The cluster exists but no server is running.
    case stopped
    /// A server is running with this postmaster pid, listening on a socket in this directory.
    case running(pid: Int32, socketDirectory: String)
}

/// The private PostgreSQL server Quiver runs when the user gives no database URL.
///
/// The cluster lives in `<dataDirectory>/pgdata`, logs to `<dataDirectory>/postgres.log`, and
/// accepts connections only on a Unix socket in a directory only its owner can enter
/// (`<dataDirectory>/run`, or `/tmp/quiver-<hash>` when that path would be too long for a socket).
/// The server keeps running after the process that started it exits; any later process using the
/// same data directory finds it and connects. Starts and stops are serialised with a lock file.
///
/// When run as root, the server runs as user `postgres` (or `nobody`), since PostgreSQL refuses
/// to run as root; root can still connect to its socket.
///
/// ```swift
/// let cluster = EmbeddedCluster(dataDirectory: "./quiver-data")
/// let db = try PGConnection(conninfo: try cluster.start())
/// ```
public struct EmbeddedCluster: Sendable {
    /// The name of the database `start()` creates and connects to.
    public static let databaseName = ClusterLayout.database
    /// The superuser `initdb` creates.
    public static let superuserName = ClusterLayout.superuser

    let layout: ClusterLayout

    /// The absolute path of the data directory.
    public var dataDirectory: String { layout.root }
    /// The server's log file.
    public var logFile: String { layout.logFile }

    /// Describes the cluster in `dataDirectory` (relative paths are resolved now, against the
    /// current directory). Nothing is touched until `start()`.
    public init(dataDirectory: String) {
        layout = ClusterLayout(dataDirectory: dataDirectory, currentDirectory: POSIX.currentDirectory())
    }

    /// The directory holding the server's socket.
    public var socketDirectory: String {
        if let recorded = POSIX.readFile(layout.socketDirectoryRecord)?.split(separator: "\n").first,
            !recorded.isEmpty
        {
            return String(recorded)
        }
        return layout.socketDirectory()
    }

    /// The connection string for database `quiver` on the cluster's socket (whether or not the
    /// server is running).
    public var conninfo: String {
        ClusterLayout.conninfo(socketDirectory: socketDirectory)
    }

    // MARK: - Start

    /// Makes the cluster ready and returns its connection string.
    ///
    /// Initialises the cluster on first use, starts the server unless one is already running
    /// (a stale `postmaster.pid` is cleared), waits until it accepts connections, and creates
    /// database `quiver` if missing. Safe to call from several processes at once.
    ///
    /// - Throws: `PGError` of kind `.cluster` saying what to do (install PostgreSQL, fix
    ///   permissions, read the log) when the server cannot be made ready.
    @discardableResult
    public func start() throws -> String {
        // A cluster that is up and ready answers at once, without locating the server binaries
        // or checking directories (subprocesses, milliseconds): the case of every command after
        // the first. Anything less than a ready server that accepts a connection takes the
        // careful path below.
        if let text = POSIX.readFile(layout.pidFile), let running = PostmasterPidFile(contents: text),
           running.status == "ready", let socket = running.socketDirectory, POSIX.isPostmasterAlive(running.pid) {
            let conninfo = ClusterLayout.conninfo(socketDirectory: socket)
            if let probe = try? PGConnection(conninfo: conninfo) {
                probe.close()
                return conninfo
            }
        }
        let binaries = try EmbeddedCluster.findServerBinaries()
        try POSIX.makeDirectories(layout.root, mode: 0o700)
        let lock = try FileLock(path: layout.lockFile, timeoutSeconds: 300)
        defer { lock.unlock() }

        let user = try serverUser()
        let socketDirectory = try prepareSocketDirectory(for: user)
        let initialized = POSIX.exists(layout.versionFile)
        let pidText = POSIX.readFile(layout.pidFile)
        let action = ClusterLifecycle.startAction(
            initialized: initialized,
            pidFile: pidText.flatMap { PostmasterPidFile(contents: $0) },
            hasPidFile: pidText != nil,
            isPostmasterAlive: POSIX.isPostmasterAlive)

        switch action {
        case .initializeAndStart:
            try initialize(binaries: binaries, user: user)
            try launch(binaries: binaries, user: user, socketDirectory: socketDirectory)
        case .start:
            try launch(binaries: binaries, user: user, socketDirectory: socketDirectory)
        case .removeStalePidFileAndStart:
            // The process it names is gone: the server would refuse to start past it otherwise
            // only if the pid had been reused, but clearing it is always right here.
            unlink(layout.pidFile)
            try launch(binaries: binaries, user: user, socketDirectory: socketDirectory)
        case .reuse(let pid):
            let running = POSIX.readFile(layout.pidFile).flatMap { PostmasterPidFile(contents: $0) }
            let runningSocket = running?.socketDirectory ?? socketDirectory
            try waitUntilReady(socketDirectory: runningSocket, pid: pid)
            try ensureDatabase(socketDirectory: runningSocket)
            return ClusterLayout.conninfo(socketDirectory: runningSocket)
        }
        try ensureDatabase(socketDirectory: socketDirectory)
        return ClusterLayout.conninfo(socketDirectory: socketDirectory)
    }

    /// The account to run the server as: ourselves, or when we are root, the owner of an existing
    /// cluster, else `postgres`, else `nobody`.
    private func serverUser() throws -> ServerUser? {
        guard geteuid() == 0 else { return nil }
        if let owner = POSIX.owner(of: layout.pgdata), owner.uid != 0 {
            return ServerUser.withID(owner.uid) ?? ServerUser(name: "\(owner.uid)", uid: owner.uid, gid: owner.gid)
        }
        if let user = ServerUser.named("postgres") ?? ServerUser.named("nobody") { return user }
        throw PGError(
            kind: .cluster,
            message: "running as root, and there is no user postgres or nobody to run PostgreSQL as (it refuses to run as root)",
            hint: "create a system user named postgres, run Quiver as a non-root user, or pass --database with a server URL")
    }

    /// Creates the socket directory (mode 0700, owned by the server's user) and records it when it
    /// is not the default `<dataDirectory>/run`.
    private func prepareSocketDirectory(for user: ServerUser?) throws -> String {
        let directory = layout.socketDirectory()
        if let user {
            try POSIX.changeOwner(layout.root, to: user)
            if POSIX.exists(layout.logFile) { try POSIX.changeOwner(layout.logFile, to: user) }
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw PGError(kind: .cluster, message: "cannot create socket directory \(directory): \(POSIX.errorText())")
        }
        guard let owner = POSIX.owner(of: directory), POSIX.isDirectory(directory) else {
            throw PGError(kind: .cluster, message: "socket directory \(directory) is not a directory")
        }
        let expectedOwner = user?.uid ?? geteuid()
        if owner.uid != expectedOwner {
            if let user, owner.uid == 0 {
                try POSIX.changeOwner(directory, to: user)
            } else {
                throw PGError(
                    kind: .cluster,
                    message: "socket directory \(directory) belongs to another user (uid \(owner.uid))",
                    hint: "remove it, or choose a data directory with a shorter path")
            }
        }
        chmod(directory, 0o700)
        if directory != layout.root + "/run" {
            try POSIX.writeFile(layout.socketDirectoryRecord, directory + "\n", mode: 0o644)
        }
        if let user {
            // The user must be able to reach the data directory through every parent.
            let probe = try ChildProcess.run(
                "/bin/sh", ["-c", "test -w \"$1\" && test -x \"$1\"", "sh", layout.root], as: user)
            guard probe.succeeded else {
                throw PGError(
                    kind: .cluster,
                    message: "user \(user.name), which runs the embedded PostgreSQL server (it refuses to run as root), cannot reach \(layout.root)",
                    detail: probe.output.isEmpty ? nil : probe.output,
                    hint: "choose a data directory whose parents that user can enter (e.g. under /var/lib or /srv), run Quiver as a non-root user, or pass --database")
            }
        }
        return directory
    }

    private func initialize(binaries: String, user: ServerUser?) throws {
        let outcome = try ChildProcess.run(
            binaries + "/initdb",
            [
                "--pgdata=" + layout.pgdata, "--username=" + ClusterLayout.superuser, "--auth=trust",
                "--encoding=UTF8", "--locale=C", "--no-instructions",
            ],
            as: user, workingDirectory: layout.root)
        guard outcome.succeeded else {
            throw PGError(
                kind: .cluster,
                message: "initdb failed (exit code \(outcome.exitCode)) creating a cluster in \(layout.pgdata)",
                detail: POSIX.trimmedTail(outcome.output),
                hint: "fix the problem above; if \(layout.pgdata) is left half-created, remove it and try again")
        }
        try POSIX.appendToFile(layout.mainConfigFile, "\n# Quiver's settings\n\(ClusterLayout.includeLine)\n")
    }

    private func launch(binaries: String, user: ServerUser?, socketDirectory: String) throws {
        if let main = POSIX.readFile(layout.mainConfigFile), !main.contains(ClusterLayout.includeLine) {
            try POSIX.appendToFile(layout.mainConfigFile, "\n# Quiver's settings\n\(ClusterLayout.includeLine)\n")
        }
        try POSIX.writeFile(
            layout.managedConfigFile, ClusterLayout.managedConfig(socketDirectory: socketDirectory), mode: 0o600)
        if let user { try POSIX.changeOwner(layout.managedConfigFile, to: user) }
        let outcome = try ChildProcess.run(
            binaries + "/pg_ctl",
            ["start", "--pgdata=" + layout.pgdata, "--log=" + layout.logFile, "--wait", "--timeout=120", "--silent"],
            as: user, workingDirectory: layout.root)
        guard outcome.succeeded else {
            let log = POSIX.tail(of: layout.logFile).map { "\n--- \(layout.logFile) ---\n\($0)" } ?? ""
            throw PGError(
                kind: .cluster,
                message: "the embedded PostgreSQL server in \(layout.pgdata) did not start",
                detail: POSIX.trimmedTail(outcome.output) + log,
                hint: "see \(layout.logFile); or pass --database with the URL of another PostgreSQL server")
        }
        let pid = POSIX.readFile(layout.pidFile).flatMap { PostmasterPidFile(contents: $0) }?.pid ?? 0
        try waitUntilReady(socketDirectory: socketDirectory, pid: pid)
    }

    /// Waits until the server accepts connections (it may still be starting or recovering).
    private func waitUntilReady(socketDirectory: String, pid: Int32, timeoutSeconds: Int = 120) throws {
        let probe = ClusterLayout.conninfo(socketDirectory: socketDirectory, database: "postgres") + " connect_timeout=5"
        var waited = 0
        var delay = 10
        while true {
            if PQping(probe) == PQPING_OK { return }
            if pid > 0 && !POSIX.isPostmasterAlive(pid) {
                throw PGError(
                    kind: .cluster, message: "the embedded PostgreSQL server (pid \(pid)) exited while starting",
                    detail: POSIX.tail(of: layout.logFile), hint: "see \(layout.logFile)")
            }
            guard waited < timeoutSeconds * 1000 else {
                throw PGError(
                    kind: .cluster,
                    message: "the embedded PostgreSQL server is running but did not accept connections on \(socketDirectory) within \(timeoutSeconds) s",
                    detail: POSIX.tail(of: layout.logFile), hint: "see \(layout.logFile)")
            }
            POSIX.sleep(milliseconds: delay)
            waited += delay
            delay = min(delay * 2, 250)
        }
    }

    /// Creates database `quiver` unless it exists.
    private func ensureDatabase(socketDirectory: String) throws {
        let connection = try PGConnection(
            conninfo: ClusterLayout.conninfo(socketDirectory: socketDirectory, database: "postgres"))
        defer { connection.close() }
        let exists = try connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = $1", [.text(ClusterLayout.database)])
        guard exists.rowCount == 0 else { return }
        do {
            try connection.executeScript("CREATE DATABASE \(try PGConnection.quoteIdentifier(ClusterLayout.database))")
        } catch let error as PGError where error.sqlState == "42P04" {
            // Created meanwhile by a client that did not take the lock.
        }
    }

    // MARK: - Stop and status

    /// Stops the server with a fast shutdown (open sessions are disconnected, transactions rolled
    /// back) and waits for it to exit. Does nothing when it is not running; removes a stale
    /// `postmaster.pid`.
    public func stop() throws {
        guard POSIX.isDirectory(layout.root) else { return }
        let lock = try FileLock(path: layout.lockFile, timeoutSeconds: 300)
        defer { lock.unlock() }
        guard let text = POSIX.readFile(layout.pidFile) else { return }
        guard let pidFile = PostmasterPidFile(contents: text), POSIX.isPostmasterAlive(pidFile.pid) else {
            unlink(layout.pidFile)
            return
        }
        // SIGINT is PostgreSQL's fast shutdown; SIGQUIT its immediate shutdown.
        for (signal, seconds) in [(SIGINT, 60), (SIGQUIT, 10)] {
            guard kill(pidFile.pid, signal) == 0 || errno == ESRCH else {
                throw PGError(
                    kind: .cluster, message: "cannot signal the PostgreSQL server (pid \(pidFile.pid)): \(POSIX.errorText())")
            }
            var waited = 0
            while waited < seconds * 1000 {
                if !POSIX.isPostmasterAlive(pidFile.pid) { return }
                POSIX.sleep(milliseconds: 20)
                waited += 20
            }
        }
        throw PGError(
            kind: .cluster, message: "the PostgreSQL server (pid \(pidFile.pid)) did not stop",
            hint: "see \(layout.logFile)")
    }

    /// Whether the cluster exists and its server is running. Reads files only; does not wait.
    public func status() -> EmbeddedClusterStatus {
        guard POSIX.exists(layout.versionFile) else { return .notInitialized }
        guard let pidFile = POSIX.readFile(layout.pidFile).flatMap({ PostmasterPidFile(contents: $0) }),
            POSIX.isPostmasterAlive(pidFile.pid)
        else { return .stopped }
        return .running(pid: pidFile.pid, socketDirectory: pidFile.socketDirectory ?? socketDirectory)
    }

    // MARK: - Finding PostgreSQL

    /// The directory holding `initdb`, `pg_ctl` and `postgres`: `$QUIVER_PG_BINDIR`, else
    /// `pg_config --bindir`, else the newest `/usr/lib/postgresql/<version>/bin`, else `PATH`.
    public static func findServerBinaries() throws -> String {
        if let configured = getenv("QUIVER_PG_BINDIR").map({ String(cString: $0) }), !configured.isEmpty {
            guard hasServerBinaries(configured) else {
                throw PGError(
                    kind: .cluster,
                    message: "QUIVER_PG_BINDIR is \(configured), which does not contain initdb, pg_ctl and postgres",
                    hint: "point it at PostgreSQL's bin directory (see `pg_config --bindir`), or unset it")
            }
            return configured
        }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        let pathDirectories = path.split(separator: ":").map(String.init)
        if let pgConfig = pathDirectories.map({ $0 + "/pg_config" }).first(where: POSIX.isExecutable),
            let outcome = try? ChildProcess.run(pgConfig, ["--bindir"]), outcome.succeeded
        {
            let directory = Substring(outcome.output).trimmingWhitespace()
            if hasServerBinaries(directory) { return directory }
        }
        for directory in debianBinaryDirectories() where hasServerBinaries(directory) {
            return directory
        }
        if let directory = pathDirectories.first(where: hasServerBinaries) {
            return directory
        }
        throw PGError(
            kind: .cluster,
            message: "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found; the embedded database needs them",
            hint: "install them (Debian/Ubuntu: apt-get install postgresql-15; macOS: brew install postgresql@15), set QUIVER_PG_BINDIR to their directory, or pass --database with the URL of a PostgreSQL server")
    }

    static func hasServerBinaries(_ directory: String) -> Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy { POSIX.isExecutable(directory + "/" + $0) }
    }

    /// `/usr/lib/postgresql/<version>/bin`, newest version first.
    private static func debianBinaryDirectories() -> [String] {
        guard let directory = opendir("/usr/lib/postgresql") else { return [] }
        defer { closedir(directory) }
        var versions: [(number: Double, name: String)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let number = Double(name) { versions.append((number, name)) }
        }
        return versions.sorted { $0.number > $1.number }.map { "/usr/lib/postgresql/\($0.name)/bin" }
    }
}

extension POSIX {
    /// The last lines of a tool's output, for an error's detail.
    static func trimmedTail(_ output: String, lineCount: Int = 30) -> String {
        output.split(separator: "\n").suffix(lineCount).joined(separator: "\n")
    }
}
