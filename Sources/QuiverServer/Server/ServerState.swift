import Foundation
import Logging
import NIOCore
import Synchronization

/// What all connections share: configuration, counters for INFO, the graph backend and the jobs.
public final class ServerState: Sendable {
    public let configuration: ServerConfiguration
    /// nil in protocol-only tests: graph commands then answer an error.
    let backend: GraphBackend?
    let jobs: JobRegistry
    let logger: Logger
    let started = Date()

    struct Counters: Sendable {
        var connected = 0, totalConnections = 0, rejected = 0, commands = 0, slowQueries = 0, failedAuth = 0
    }

    private struct Shared: Sendable {
        var counters = Counters()
        var nextClientID: Int64 = 0
        var channels: [ObjectIdentifier: Channel] = [:]
    }

    private let shared = Mutex(Shared())
    /// Counted on every command from every event loop: an atomic, not the mutex.
    private let commands = Atomic<Int>(0)
    /// Commands running on the query workers now (cheap commands are not counted).
    private let working = Atomic<Int>(0)
    /// Reply bytes handed to connections and not yet taken by their sockets, over all clients.
    private let unsent = Atomic<Int>(0)

    init(configuration: ServerConfiguration, backend: GraphBackend?, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.jobs = JobRegistry(maxRunning: configuration.maxJobs, maxQueued: configuration.maxQueuedJobs)
        self.logger = logger
    }

    func track(_ channel: Channel) {
        shared.withLock { $0.channels[ObjectIdentifier(channel)] = channel }
    }

    func untrack(_ channel: Channel) {
        shared.withLock { $0.channels[ObjectIdentifier(channel)] = nil }
    }

    var openChannels: [Channel] { shared.withLock { Array($0.channels.values) } }

    /// Admits a new client unless `maxClients` are connected; returns its id.
    func admit() -> Int64? {
        shared.withLock { s in
            s.counters.totalConnections += 1
            guard s.counters.connected < configuration.maxClients else {
                s.counters.rejected += 1
                return nil
            }
            s.counters.connected += 1
            s.nextClientID += 1
            return s.nextClientID
        }
    }

    func reject() { shared.withLock { $0.counters.rejected += 1 } }

    func release() { shared.withLock { $0.counters.connected -= 1 } }

    func countCommand() { commands.add(1, ordering: .relaxed) }

    func countSlowQuery() { shared.withLock { $0.counters.slowQueries += 1 } }

    func countFailedAuth() { shared.withLock { $0.counters.failedAuth += 1 } }

    /// Runs a command's work, counted in INFO's `commands_running`.
    func working<T>(_ body: () throws -> T) rethrows -> T {
        working.add(1, ordering: .relaxed)
        defer { working.subtract(1, ordering: .relaxed) }
        return try body()
    }

    var commandsRunning: Int { working.load(ordering: .relaxed) }

    func queuedOutput(_ bytes: Int) { unsent.add(bytes, ordering: .relaxed) }
    func sentOutput(_ bytes: Int) { unsent.subtract(bytes, ordering: .relaxed) }
    var pendingOutputBytes: Int { unsent.load(ordering: .relaxed) }
    /// True when new heavy commands must wait for clients to read what they were sent.
    var outputIsOverBudget: Bool { pendingOutputBytes > configuration.maxServerPendingOutputBytes }

    var counters: Counters {
        var c = shared.withLock { $0.counters }
        c.commands = commands.load(ordering: .relaxed)
        return c
    }
}
