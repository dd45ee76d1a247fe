import QuiverCore
import QuiverGraph

/// `quiver ppr` / `PPR`: personalized PageRank, the options of `PPRQuery`.
public struct PPRRequest: Verb {
    public static let spec = VerbSpec(
        "ppr", summary: "Personalized PageRank from one or more seed nodes, following edges subject → object.",
        discussion: """
            --alpha is the teleport probability: each step jumps back to the seeds (uniformly) with
            probability alpha, else follows a uniformly chosen out-edge. Nodes without out-edges (among
            --relations) send their mass back to the seeds, so scores sum to 1.
            --method power iterates until the L1 change is below --tolerance (default 1e-7, at most
            1000 iterations) or exactly --iterations times; --method push (Andersen–Chung–Lang) stops
            when every residual is below --tolerance × out-degree (default 1e-7).
            """,
        positionals: [PositionalSpec("graph", "The graph."), PositionalSpec("seed", "The seed nodes.", .oneOrMore, noun: "seed node")],
        options: [
            OptionSpec("alpha", .number, value: "a", help: "Teleport probability, in (0, 1].", default: "0.15"),
            OptionSpec("top-k", .integer, value: "k", help: "How many nodes to answer.", default: "10"),
            OptionSpec("iterations", .integer, value: "n", help: "Run exactly N power iterations."),
            OptionSpec("tolerance", .number, value: "t", help: "Power: L1 change to stop at. Push: residual per out-edge."),
            OptionSpec("method", .choice(["power", "push"]), value: "m", help: "power or push.", default: "power"),
            OptionSpec("relations", .text, value: "r1,r2", help: "Follow only these relations (comma-separated)."),
            OptionSpec("threads", .integer, value: "n", help: "Worker threads for power iteration (default: all cores).", surfaces: .cli),
            OptionSpec("timing", .flag, help: "Report the kernel's time (\"kernel_seconds\") and edge updates (\"edges\").", surfaces: .cli),
            OptionSpec("timeout-ms", .integer, value: "ms", help: "Stop with an error after this many milliseconds.", aliases: ["timeout"]),
        ],
        examples: ["ppr nations usa", "ppr nations usa china --alpha 0.2 --top-k 5 --json",
                   "ppr nations usa --relations embassy,treaties --method push", "ppr g5m e1 --iterations 20 --timing --json"],
        exclusive: [["iterations", "tolerance"]])

    public var graph: String
    public var query: PPRQuery
    public var timing = false
    public var timeout: Duration?

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        query = PPRQuery(seeds: args.positionals("seed"))
        query.alpha = try args.number("alpha") ?? query.alpha
        query.topK = try args.integer("top-k") ?? query.topK
        query.iterations = try args.integer("iterations")
        query.tolerance = try args.number("tolerance")
        query.method = try args.choice("method", as: PPRQuery.Method.self) ?? .power
        query.relations = args.text("relations").map { $0.split(separator: ",").map(String.init) }
        query.threads = try args.integer("threads")
        timing = args.flag("timing")
        timeout = try args.milliseconds("timeout-ms")
        do { try query.validate() } catch { throw .usage(error.message) }
    }

    public func run(in context: any GraphContext) throws -> PPRJSON {
        let snapshot = try context.snapshot(graph)
        var q = query
        q.stop = try context.budget(timeout: timeout).stop
        return try q.run(on: snapshot, timing: timing)
    }

    public func text(_ out: PPRJSON) -> String {
        let width = max(4, out.results.map(\.node.count).max() ?? 0)
        var lines = out.results.map { $0.node.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(format: "%.6g", $0.score) }
        if timing, let seconds = out.kernel_seconds, let edges = out.edges {
            lines.append(String(format: "%@: %d %@, %@ edge updates in %.3f s (%.1fM/s)", out.method, out.iterations,
                                out.method == "push" ? "pushes" : "iterations", groupedCount(edges), seconds,
                                seconds > 0 ? Double(edges) / seconds / 1e6 : 0))
        }
        return lines.joined(separator: "\n")
    }
}
