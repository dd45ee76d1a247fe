import ArgumentParser
import Dispatch
import Foundation
import Logging
import QuiverPostgres
import QuiverProtocol
import QuiverServer
import QuiverStore
import ServiceLifecycle
import Synchronization

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the store over TCP, speaking Redis's protocol (redis-cli, redis-py and nc are clients).",
        discussion: """
            Commands are the CLI's, with the same names and options: GRAPHS, STATS g, ADD g s p o, DEL g s p o, LOAD g FORMAT tsv <payload>, EXPORT g, DROP g, NEIGHBORS, PATHS, REACH, HOP; FORMAT JSON on a read gives the CLI's --json text. Long loads run as jobs (JOB STATUS id, JOBS).

            Binds 127.0.0.1 by default. Without a password only loopback clients are served (protected mode). SIGTERM or SIGINT stop accepting, finish the commands in flight and stop the embedded PostgreSQL if this process started it.

            A config file holds one `option value` per line (long option names without --, # comments); options on the command line win.

            Examples:
              quiver serve
              quiver serve --port 7379 --requirepass-file /etc/quiver/password
              redis-cli -p 7379 PATHS demo grace france VIA 'born_in/located_in+'
            """)

    @Option(help: "TCP port (default 7379; 0 picks a free one and prints it).") var port: Int?
    @Option(help: "Address to listen on (default 127.0.0.1).") var bind: String?
    @Option(name: .customLong("http-port"), help: "Serve the SPARQL 1.1 Protocol over HTTP on this port too (/sparql, and a query page at /); 0 picks a free one. Same bind address, password (HTTP Basic) and protected mode as the RESP port.") var httpPort: Int?
    @Option(name: .customLong("http-default-graph"), help: ArgumentHelp("The Quiver graph that is the default graph of HTTP queries (default: default).", valueName: "graph")) var httpDefaultGraph: String?
    @Option(name: .customLong("cors-origin"), help: ArgumentHelp("Origins browser pages may query the HTTP port from, comma-separated, or * (default: none).", valueName: "origins")) var corsOrigin: String?
    @Option(name: .customLong("max-http-body-bytes"), help: "Largest HTTP request body (default 64 MiB).") var maxHTTPBodyBytes: Int?
    @Option(name: .customLong("max-http-concurrent"), help: "SPARQL requests the HTTP port runs at once; more are answered 503 (default 64).") var maxHTTPConcurrent: Int?
    @Option(help: ArgumentHelp("Password clients must send with AUTH. Visible to other users in `ps`: prefer --requirepass-file or the env QUIVER_REQUIREPASS.", valueName: "password")) var requirepass: String?
    @Option(name: .customLong("requirepass-file"), help: ArgumentHelp("Read the password from this file.", valueName: "file")) var requirepassFile: String?
    @Option(name: .customLong("protected-mode"), help: "yes (default): with no password, serve loopback clients only.") var protectedMode: String?
    @Option(name: .customLong("import-dir"), help: ArgumentHelp("Directory whose files LOAD … PATH may read.", valueName: "dir")) var importDir: String?
    @Option(name: .customLong("export-dir"), help: ArgumentHelp("Directory AUGMENT … OUT name writes datasets into.", valueName: "dir")) var exportDir: String?
    @Option(name: .customLong("snapshot-dir"), help: ArgumentHelp("Where graph snapshot files are kept, so that the daemon restarts warm (default: DATA-DIR/snapshots; with --database, ~/.cache/quiver/snapshots; 'none' for no files).", valueName: "dir")) var snapshotDir: String?
    @Option(name: .customLong("compact-at"), help: ArgumentHelp("Compact a graph's in-memory delta once it changed this fraction of its edges (default 0.01; at least 4,096 edges).", valueName: "fraction")) var compactAt: Double?
    @Option(name: .customLong("max-clients"), help: "Most clients connected at once (default 10000).") var maxClients: Int?
    @Option(name: .customLong("max-args"), help: "Most arguments in one command (default 1048576).") var maxArgs: Int?
    @Option(name: .customLong("max-bulk-bytes"), help: "Largest bulk string, e.g. a LOAD payload (default 512 MiB).") var maxBulkBytes: Int?
    @Option(name: .customLong("max-inline-bytes"), help: "Longest inline command line (default 64 KiB).") var maxInlineBytes: Int?
    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Close clients silent this many seconds (default: never).", valueName: "seconds")) var idleTimeout: Int?
    @Option(name: .customLong("max-jobs"), help: "Jobs running at once (default 2).") var maxJobs: Int?
    @Option(name: .customLong("job-threshold-bytes"), help: "LOAD payloads this big run as a job (default 16 MiB).") var jobThresholdBytes: Int?
    @Option(name: .customLong("load-timeout"), help: ArgumentHelp("Stop (and roll back) a LOAD running longer than this (default 3600; 0: no limit).", valueName: "seconds")) var loadTimeout: Double?
    @Option(name: .customLong("slowlog-ms"), help: "Log commands slower than this (default 100).") var slowlogMs: Int?
    @Option(name: .customLong("threads"), help: "Worker threads for queries (default: cores, at least 2).") var threads: Int?
    @Option(name: .customLong("io-threads"), help: "Event-loop threads (default: cores).") var ioThreads: Int?
    @Option(name: .customLong("hops-ceiling"), help: "The highest MAX-HOPS allowed (default 16).") var hopsCeiling: Int?
    @Option(name: .customLong("timeout-ms"), help: "Deadline of a command that gives no TIMEOUT (default 30000).") var timeoutMs: Int?
    @Option(name: .customLong("max-timeout-ms"), help: "The largest TIMEOUT a command may give (default 600000).") var maxTimeoutMs: Int?
    @Option(name: .customLong("max-result-rows"), help: "Most rows (paths, endpoints, tails) in one answer; more are cut and marked truncated (default 100000).") var maxResultRows: Int?
    @Option(name: .customLong("max-reply-bytes"), help: "About the largest reply; bigger answers are cut and marked truncated, a bigger EXPORT is refused (default 64 MiB).") var maxReplyBytes: Int?
    @Option(name: .customLong("max-pending-output"), help: "Unsent reply bytes over all clients above which queries are answered BUSY (default 1 GiB).") var maxPendingOutput: Int?
    @Option(name: .customLong("reserved-threads"), help: "Worker threads kept for cheap commands (GRAPHS, STATS, INFO, DROP) (default 1).") var reservedThreads: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (default info).") var logLevel: String?
    @Option(name: .customLong("config"), help: ArgumentHelp("A config file of `option value` lines.", valueName: "file")) var configFile: String?
    @Flag(name: .customLong("keep-database-running"), help: "Leave the embedded PostgreSQL running at shutdown.") var keepDatabase = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let file = try configFile.map(Self.readConfig) ?? [:]
        func int(_ value: Int?, _ key: String) throws -> Int? {
            if let value { return value }
            guard let text = file[key] else { return nil }
            guard let n = Int(text) else { throw CLIError(message: "\(configFile ?? ""): \(key) must be an integer, not '\(text)'", code: 2) }
            return n
        }
        let env = ProcessInfo.processInfo.environment
        var config = ServerConfiguration()
        config.version = quiverVersion
        config.port = try int(port, "port") ?? 7379
        config.host = bind ?? file["bind"] ?? "127.0.0.1"
        config.httpPort = try int(httpPort, "http-port")
        if let p = config.httpPort, !(0...65535).contains(p) { throw CLIError(message: "--http-port must be 0…65535", code: 2) }
        if let g = httpDefaultGraph ?? file["http-default-graph"] { config.httpDefaultGraph = g }
        if let origins = corsOrigin ?? file["cors-origin"] {
            config.corsOrigins = origins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let n = try int(maxHTTPBodyBytes, "max-http-body-bytes") { config.maxHTTPBodyBytes = n }
        if let n = try int(maxHTTPConcurrent, "max-http-concurrent") { config.maxHTTPConcurrent = n }
        if let path = requirepassFile ?? file["requirepass-file"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError(message: "cannot read password file '\(path)'") }
            config.password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if config.password?.isEmpty == true { throw CLIError(message: "password file '\(path)' is empty; put the password in it, or leave --requirepass-file out to run without one", code: 2) }
        } else {
            config.password = requirepass ?? file["requirepass"] ?? env["QUIVER_REQUIREPASS"]
            // An empty password would read as "no password" and silently turn authentication off.
            if config.password?.isEmpty == true { throw CLIError(message: "--requirepass (or QUIVER_REQUIREPASS) is empty; give a password, or leave it out to run without one", code: 2) }
        }
        switch (protectedMode ?? file["protected-mode"] ?? "yes").lowercased() {
        case "yes", "on", "true": config.protectedMode = true
        case "no", "off", "false": config.protectedMode = false
        case let other: throw CLIError(message: "--protected-mode must be yes or no, not '\(other)'", code: 2)
        }
        config.importDirectory = importDir ?? file["import-dir"]
        config.exportDirectory = exportDir ?? file["export-dir"]
        config.snapshotDirectory = snapshotDir ?? file["snapshot-dir"]
        if let text = compactAt.map({ "\($0)" }) ?? file["compact-at"] {
            guard let f = Double(text), f.isFinite, f >= 0, f <= 1 else {
                throw CLIError(message: "--compact-at must be a fraction of the edges between 0 and 1, not '\(text)'", code: 2)
            }
            config.compactionFraction = f
        }
        if let n = try int(maxClients, "max-clients") { config.maxClients = n }
        if let n = try int(maxArgs, "max-args") { config.limits.maxArguments = n }
        if let n = try int(maxBulkBytes, "max-bulk-bytes") { config.limits.maxBulkBytes = n }
        if let n = try int(maxInlineBytes, "max-inline-bytes") { config.limits.maxInlineBytes = n }
        if let n = try int(idleTimeout, "idle-timeout"), n > 0 { config.idleTimeout = Int64(n) }
        if let n = try int(maxJobs, "max-jobs") { config.maxJobs = n }
        if let n = try int(jobThresholdBytes, "job-threshold-bytes") { config.jobThresholdBytes = n }
        if let n = try int(slowlogMs, "slowlog-ms") { config.slowQueryMilliseconds = n }
        if let text = loadTimeout.map({ "\($0)" }) ?? file["load-timeout"] {
            guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
                throw CLIError(message: "--load-timeout must be a number of seconds (0: no limit), not '\(text)'", code: 2)
            }
            config.loadTimeoutSeconds = seconds > 0 ? seconds : nil
        }
        if let n = try int(threads, "threads") { config.workerThreads = max(1, n) }
        if let n = try int(ioThreads, "io-threads") { config.eventLoopThreads = max(1, n) }
        if let n = try int(hopsCeiling, "hops-ceiling") { config.hopsCeiling = n }
        if let n = try int(timeoutMs, "timeout-ms") { config.commandTimeoutMilliseconds = n }
        if let n = try int(maxTimeoutMs, "max-timeout-ms") { config.maxCommandTimeoutMilliseconds = n }
        if let n = try int(maxResultRows, "max-result-rows") { config.maxResultRows = n }
        if let n = try int(maxReplyBytes, "max-reply-bytes") { config.maxReplyBytes = n }
        if let n = try int(reservedThreads, "reserved-threads") { config.reservedWorkerThreads = max(1, n) }
        if let n = try int(maxPendingOutput, "max-pending-output") { config.maxServerPendingOutputBytes = n }
        for (name, value) in [("--timeout-ms", config.commandTimeoutMilliseconds), ("--max-timeout-ms", config.maxCommandTimeoutMilliseconds),
                              ("--max-result-rows", config.maxResultRows), ("--max-http-body-bytes", config.maxHTTPBodyBytes), ("--max-http-concurrent", config.maxHTTPConcurrent), ("--max-reply-bytes", config.maxReplyBytes),
                              ("--max-pending-output", config.maxServerPendingOutputBytes)] where value < 1 {
            throw CLIError(message: "\(name) must be at least 1, not \(value)", code: 2)
        }
        guard (0...65535).contains(config.port) else { throw CLIError(message: "--port must be 0…65535", code: 2) }

        let level = Logger.Level(rawValue: (logLevel ?? file["log-level"] ?? "info").lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "quiver.serve")

        let location = store.location
        let embedded = location.databaseURL == nil
        let cluster = EmbeddedCluster(dataDirectory: location.dataDirectory)
        var startedDatabase = false
        if embedded, case .running = cluster.status() {} else if embedded { startedDatabase = true }
        let st = try store.open()
        let server = QuiverServer(configuration: config, store: st, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))

        let outcome = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await group.run() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if embedded && startedDatabase && !keepDatabase {
            logger.info("stopping the embedded PostgreSQL in \(location.dataDirectory)")
            try? cluster.stop()
        }
        if let error = outcome.error { throw CLIError(message: "serve: \(error)") }
    }

    /// `option value` lines; `#` starts a comment.
    static func readConfig(_ path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError(message: "cannot read config file '\(path)'") }
        var values: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let parts = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw CLIError(message: "\(path):\(number + 1): expected `option value`", code: 2) }
            values[parts[0].hasPrefix("--") ? String(parts[0].dropFirst(2)) : parts[0]] = parts[1]
        }
        return values
    }
}

/// The server task's error, handed to the thread that waits for it.
private final class ResultBox: Sendable {
    private let stored = Mutex<(any Error)?>(nil)
    func set(_ e: any Error) { stored.withLock { $0 = e } }
    var error: (any Error)? { stored.withLock { $0 } }
}
