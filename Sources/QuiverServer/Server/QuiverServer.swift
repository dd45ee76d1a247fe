import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import QuiverStore
import ServiceLifecycle

/// The daemon: listens, serves connections, and shuts down gracefully (stop accepting, let
/// in-flight commands finish, close). Run it under a `ServiceGroup` to get SIGTERM/SIGINT
/// handling, or call `start()` / `stop()` directly (tests).
///
/// ```swift
/// let server = QuiverServer(configuration: config, store: try Store.open(location), logger: logger)
/// let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
public actor QuiverServer: Service {
    enum Phase { case idle, running([Channel]), stopped }

    public nonisolated let state: ServerState
    private let group: MultiThreadedEventLoopGroup
    private let pools: WorkerPools
    private var phase = Phase.idle
    /// The SPARQL endpoint's port once started (the chosen one when the configuration says 0).
    public private(set) var httpPort: Int?

    public init(configuration: ServerConfiguration, store: Store?, logger: Logger) {
        let backend = store.map { GraphBackend(store: $0, configuration: configuration) }
        self.state = ServerState(configuration: configuration, backend: backend, logger: logger)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        self.pools = WorkerPools(queryThreads: configuration.workerThreads, cheapThreads: configuration.reservedWorkerThreads)
    }

    /// Binds and starts serving; returns the port (the chosen one when the configuration says 0).
    @discardableResult
    public func start() async throws -> Int {
        guard case .idle = phase else { throw CommandError.err("server already started") }
        pools.start()
        if let backend = state.backend { try backend.cache.startWatching() }
        let state = self.state, pools = self.pools
        let configuration = state.configuration
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 511)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let idle = configuration.idleTimeout, idle > 0 {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .seconds(idle)))
                    }
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(state: state, pools: pools))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        var listeners = [channel]
        let port = channel.localAddress?.port ?? configuration.port
        state.logger.info("quiver serve listening on \(configuration.host):\(port)")
        if let wanted = configuration.httpPort {
            let endpoint = HTTPEndpoint(state: state)
            do {
                let http = try await ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: 511)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let idle = configuration.idleTimeout, idle > 0 {
                                try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .seconds(idle)))
                            }
                            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                            try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(responder: endpoint, pools: pools))
                        }
                    }
                    .bind(host: configuration.host, port: wanted)
                    .get()
                listeners.append(http)
                httpPort = http.localAddress?.port ?? wanted
                state.logger.info("SPARQL endpoint on http://\(configuration.host):\(httpPort ?? wanted)/sparql")
            } catch {
                try? await channel.close()
                throw error
            }
        }
        phase = .running(listeners)
        return port
    }

    /// Stops accepting, lets each connection finish its command in flight (up to the grace
    /// period), closes them, and releases the threads.
    public func stop() async {
        guard case .running(let listeners) = phase else { return }
        phase = .stopped
        state.logger.info("shutting down: no new connections; finishing commands in flight")
        for listener in listeners { try? await listener.close() }
        let open = state.openChannels
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(DrainEvent()) }
        // One deadline for all: connections close as their commands finish; at the deadline the
        // rest are closed, which completes their close futures too.
        let loop = group.next()
        let everyClose = EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: loop)
        let cutoff = loop.scheduleTask(in: .seconds(state.configuration.shutdownGracePeriod)) {
            for channel in open where channel.isActive { channel.close(promise: nil) }
        }
        try? await everyClose.get()
        cutoff.cancel()
        state.backend?.cache.stopWatching()
        await pools.shutdown()
        try? await group.shutdownGracefully()
        state.logger.info("stopped")
    }

    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }
}
