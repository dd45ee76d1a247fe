import NIOCore
import QuiverProtocol

/// How `quiver serve` listens, whom it lets in and how much it takes on.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests); see `QuiverServer.boundPort`.
    public var port = 7379
    /// nil: no password. Then only loopback clients are served unless `protectedMode` is off.
    public var password: String?
    public var protectedMode = true
    /// The SPARQL endpoint's port (HTTP, on `host`); nil: no HTTP. 0 picks a free port.
    public var httpPort: Int?
    /// The largest HTTP request body (a query, an update, a graph for the graph store).
    public var maxHTTPBodyBytes = 64 << 20
    /// Queries and updates the HTTP port runs at once; more are answered 503.
    public var maxHTTPConcurrent = 64
    /// Origins browsers may call the endpoint from (CORS); "*" for any; empty: none.
    public var corsOrigins: [String] = []
    /// The Quiver graph that is the SPARQL default graph over HTTP (when a request names none).
    public var httpDefaultGraph = "default"
    public var limits = ProtocolLimits()
    /// What a client that has not authenticated may send: a few small words, as Redis allows
    /// (so nobody can make the server buffer a 512 MiB bulk string before AUTH).
    public var unauthenticatedLimits = ProtocolLimits(maxInlineBytes: 4096, maxBulkBytes: 4096, maxArguments: 16)
    public var maxClients = 10_000
    /// Seconds a client may stay silent before it is disconnected; nil: forever.
    public var idleTimeout: Int64?
    /// Threads that run queries off the event loops.
    public var workerThreads = max(2, System.coreCount)
    /// Threads kept for cheap commands (GRAPHS, STATS, INFO, DROP), so they answer while
    /// heavy queries occupy every worker.
    public var reservedWorkerThreads = 1
    /// The deadline of a command that gives no TIMEOUT, and the largest TIMEOUT a command may
    /// give, in milliseconds. A command past its deadline stops and answers what it has (marked
    /// truncated) or an error saying so.
    public var commandTimeoutMilliseconds = 30_000
    public var maxCommandTimeoutMilliseconds = 600_000
    /// The most rows one answer lists and about the most bytes one reply takes; answers over
    /// either are cut and marked truncated (EXPORT, which has no rows, is refused).
    public var maxResultRows = 100_000
    public var maxReplyBytes = 64 << 20
    /// Unsent reply bytes above which a connection's next command waits until the client has
    /// read (a client that never reads cannot make the server queue replies without bound).
    public var maxPendingOutputBytes = 4 << 20
    /// Unsent reply bytes over all connections above which heavy commands are answered BUSY, so
    /// that many clients that do not read cannot together fill the server's memory.
    public var maxServerPendingOutputBytes = 1 << 30
    /// Delay before answering a failed AUTH, so that guessing passwords is slow.
    public var failedAuthDelayMilliseconds = 200
    public var eventLoopThreads = max(1, System.coreCount)
    /// Jobs (big loads) running at once; more wait in a queue of `maxQueuedJobs`.
    public var maxJobs = 2
    public var maxQueuedJobs = 16
    /// LOAD payloads at least this big run as a job (as does `LOAD … ASYNC`).
    public var jobThresholdBytes = 16 * 1024 * 1024
    /// Seconds a LOAD may run (inline or as a job) before it is stopped and rolled back whole, so
    /// that no load holds a worker and its graph's lock forever; nil: no limit.
    public var loadTimeoutSeconds: Double? = 3600
    /// Server-side files for `LOAD … PATH p` must lie inside this directory; nil: refused.
    public var importDirectory: String?
    /// `AUGMENT … OUT name` writes its dataset to `<exportDirectory>/name`; nil: AUGMENT is refused.
    public var exportDirectory: String?
    /// Where graph snapshot files are read at first use and written after builds and
    /// compactions (the daemon restarts warm); nil: the store's default place; "none": no files.
    public var snapshotDirectory: String?
    /// A graph's delta is compacted past this fraction of its edges (at least 4,096 edges).
    public var compactionFraction = 0.01
    /// Commands slower than this are logged as slow queries.
    public var slowQueryMilliseconds = 100
    public var hopsCeiling = 16
    /// Seconds to let in-flight commands finish at shutdown.
    public var shutdownGracePeriod: Int64 = 10
    public var version = "0.1.0"

    public init() {}
}

