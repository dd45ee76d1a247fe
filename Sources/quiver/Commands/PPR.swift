import ArgumentParser
import Foundation
import QuiverService
import QuiverGraph
import QuiverSnapshot

struct PPR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppr",
        abstract: "Personalized PageRank from one or more seed nodes, following edges subject → object.",
        discussion: """
            --alpha is the teleport probability: each step jumps back to the seeds (uniformly) with
            probability alpha, else follows a uniformly chosen out-edge. Nodes without out-edges (among
            --relations) send their mass back to the seeds, so scores sum to 1.
            --method power iterates until the L1 change is below --tolerance (default 1e-7, at most
            1000 iterations) or exactly --iterations times; --method push (Andersen–Chung–Lang) stops
            when every residual is below --tolerance × out-degree (default 1e-7).

            Examples:
              quiver ppr nations usa
              quiver ppr nations usa china --alpha 0.2 --top-k 5 --json
              quiver ppr nations usa --relations embassy,treaties --method push
              quiver ppr g5m e1 --iterations 20 --timing --json
            """)
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The seed nodes.") var seeds: [String] = []
    @Option(name: .customLong("alpha"), help: "Teleport probability, in (0, 1].") var alpha = 0.15
    @Option(name: .customLong("top-k"), help: "How many nodes to print.") var topK = 10
    @Option(name: .customLong("iterations"), help: "Run exactly N power iterations.") var iterations: Int?
    @Option(name: .customLong("tolerance"), help: "Power: L1 change to stop at. Push: residual per out-edge.") var tolerance: Double?
    @Option(name: .customLong("method"), help: "power or push.") var method = "power"
    @Option(name: .customLong("relations"), help: ArgumentHelp("Follow only these relations (comma-separated).", valueName: "r1,r2")) var relations: String?
    @Option(name: .customLong("threads"), help: "Worker threads for power iteration (default: all cores).") var threads: Int?
    @Flag(name: .customLong("timing"), help: "Report the kernel's time (\"kernel_seconds\") and edge updates (\"edges\").") var timing = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    var query: PPRQuery {
        var q = PPRQuery(seeds: seeds)
        q.alpha = alpha
        q.topK = topK
        q.iterations = iterations
        q.tolerance = tolerance
        q.method = PPRQuery.Method(rawValue: method) ?? .power
        q.relations = relations.map { $0.split(separator: ",").map(String.init) }
        q.threads = threads
        return q
    }

    func validate() throws {
        guard method == "power" || method == "push" else { throw ValidationError("--method must be power or push, not '\(method)'") }
        do { try query.validate() } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let snapshot = try SnapshotLoader(store: store.open()).build(graph: graph)
        let out: PPRJSON
        do { out = try query.run(on: snapshot, timing: timing) } catch { throw CLIError(message: error.description) }
        if output.json {
            try printJSON(out)
            return
        }
        let width = max(4, out.results.map(\.node.count).max() ?? 0)
        for e in out.results { print(e.node.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(format: "%.6g", e.score)) }
        if timing, let seconds = out.kernel_seconds, let edges = out.edges {
            print(String(format: "%@: %d %@, %@ edge updates in %.3f s (%.1fM/s)", method, out.iterations,
                         method == "push" ? "pushes" : "iterations", grouped(edges), seconds,
                         seconds > 0 ? Double(edges) / seconds / 1e6 : 0))
        }
    }
}
