import Foundation
import Logging
import NIOCore
import Synchronization

/// What all connections share: configuration, counters for INFO, the graph backend and the jobs.
public final class ServerState: @unchecked Sendable {
    public let configuration: ServerConfiguration
    /// nil in protocol-only tests: graph commands then answer an error.
    let backend: GraphBackend?
    let jobs: JobRegistry
    let logger: Logger
    let started = Date()

    private let lock = NSLock()
    private var nextClientID: Int64 = 0
    private var _connected = 0
    private var _totalConnections = 0
    private var _rejected = 0
    /// Counted on every command from every event loop: an atomic, not the lock.
    private let commands = Atomic<Int>(0)
    /// Commands running on the query workers now (cheap commands are not counted).
    private let working = Atomic<Int>(0)
    private var _slowQueries = 0
    private var _failedAuth = 0
    private var channels: [ObjectIdentifier: Channel] = [:]

    func track(_ channel: Channel) {
        lock.lock()
        channels[ObjectIdentifier(channel)] = channel
        lock.unlock()
    }

    func untrack(_ channel: Channel) {
        lock.lock()
        channels[ObjectIdentifier(channel)] = nil
        lock.unlock()
    }

    var openChannels: [Channel] {
        lock.lock()
        defer { lock.unlock() }
        return Array(channels.values)
    }

    init(configuration: ServerConfiguration, backend: GraphBackend?, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.jobs = JobRegistry(maxRunning: configuration.maxJobs, maxQueued: configuration.maxQueuedJobs)
        self.logger = logger
    }

    /// Admits a new client unless `maxClients` are connected; returns its id.
    func admit() -> Int64? {
        lock.lock()
        defer { lock.unlock() }
        _totalConnections += 1
        guard _connected < configuration.maxClients else { _rejected += 1; return nil }
        _connected += 1
        nextClientID += 1
        return nextClientID
    }

    func reject() {
        lock.lock()
        _rejected += 1
        lock.unlock()
    }

    func release() {
        lock.lock()
        _connected -= 1
        lock.unlock()
    }

    func countCommand() {
        commands.add(1, ordering: .relaxed)
    }

    /// Runs a command's work, counted in INFO's `commands_running`.
    func working<T>(_ body: () throws -> T) rethrows -> T {
        working.add(1, ordering: .relaxed)
        defer { working.subtract(1, ordering: .relaxed) }
        return try body()
    }

    var commandsRunning: Int { working.load(ordering: .relaxed) }

    func countSlowQuery() {
        lock.lock()
        _slowQueries += 1
        lock.unlock()
    }

    func countFailedAuth() {
        lock.lock()
        _failedAuth += 1
        lock.unlock()
    }

    struct Counters { var connected, totalConnections, rejected, commands, slowQueries, failedAuth: Int }

    var counters: Counters {
        lock.lock()
        defer { lock.unlock() }
        return Counters(connected: _connected, totalConnections: _totalConnections, rejected: _rejected,
                        commands: commands.load(ordering: .relaxed), slowQueries: _slowQueries, failedAuth: _failedAuth)
    }
}
