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

/// The one embedded PostgreSQL cluster of this test process, in a fresh temp directory, stopped
/// and removed at exit.
enum ServerTestCluster {
    static let dataDirectory: Result<String, any Error> = Result {
        var template = Array("/tmp/quiver-server-tests-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { throw TestError("mkdtemp failed") }
        let dir = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(dir, 0o755)  // as root, PostgreSQL runs as another user that must traverse it
        atexit {
            if case .success(let dir) = ServerTestCluster.dataDirectory {
                try? EmbeddedCluster(dataDirectory: dir).stop()
                try? FileManager.default.removeItem(atPath: dir)
            }
        }
        return dir
    }

    static let store: Result<Store, any Error> = Result {
        try Store.open(StoreLocation(dataDirectory: try dataDirectory.get()))
    }
}

func uniqueName(_ prefix: String) -> String { "\(prefix)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))" }
