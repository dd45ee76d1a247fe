import Foundation
import Logging
@testable import QuiverPostgres
import QuiverServer
import QuiverStore

/// A running server for one test, stopped at the end of `body`.
func withServer<T>(_ configure: (inout ServerConfiguration) -> Void = { _ in }, store: Store? = nil,
                   _ body: (Int) async throws -> T) async throws -> T {
    var config = ServerConfiguration()
    config.port = 0
    config.workerThreads = 4
    config.eventLoopThreads = 2
    // The test stores are databases named by URL, whose files would go to the user's cache
    // directory: none unless a test asks for a directory of its own.
    config.snapshotDirectory = "none"
    configure(&config)
    var logger = Logger(label: "quiver.test")
    logger.logLevel = .warning
    let server = QuiverServer(configuration: config, store: store, logger: logger)
    let port = try await server.start()
    do {
        let result = try await body(port)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

