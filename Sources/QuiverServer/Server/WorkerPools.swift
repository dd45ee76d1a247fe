import NIOPosix

/// The threads that run commands off the event loops: one pool for queries and other heavy work,
/// and a few threads of their own for cheap commands, so that two long queries cannot make a
/// `STATS` or `GRAPHS` wait behind them.
final class WorkerPools: Sendable {
    let queries: NIOThreadPool
    let cheap: NIOThreadPool

    init(queryThreads: Int, cheapThreads: Int) {
        queries = NIOThreadPool(numberOfThreads: max(1, queryThreads))
        cheap = NIOThreadPool(numberOfThreads: max(1, cheapThreads))
    }

    func pool(for kind: WorkPool) -> NIOThreadPool {
        switch kind {
        case .queries: queries
        case .cheap: cheap
        }
    }

    func start() {
        queries.start()
        cheap.start()
    }

    func shutdown() async {
        try? await queries.shutdownGracefully()
        try? await cheap.shutdownGracefully()
    }
}
