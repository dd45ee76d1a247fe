import Foundation
import QuiverCore
import QuiverPaths

/// `quiver reach` / `REACH`: the nodes reachable from a node, with their hop distance.
public struct ReachRequest: Verb {
    public static let spec = VerbSpec(
        "reach", summary: "The nodes reachable from a node, with their hop distance.",
        positionals: [PositionalSpec("graph", "The graph."), PositionalSpec("from", "The start node.", .optional, daemon: .one)],
        options: [
            OptionSpec("via", .text, value: "expr", help: "A regular path expression the relations must match."),
            OptionSpec("count", .flag, help: "Only how many nodes are reachable."),
            OptionSpec("sources", .text, value: "file", help: "A file of start nodes, one a line: one JSON line each with the count, edges scanned and states visited.", surfaces: .cli),
            OptionSpec("timing", .flag, help: "With --sources: add each query's time in microseconds (\"micros\").", surfaces: .cli),
        ] + SearchOptions.specs,
        examples: ["reach nations usa --max-hops 2 --count", "reach nations usa --via 'embassy/^embassy' --json",
                   "reach nations --sources nodes.txt --max-hops 3 --timing"])

    public var graph: String
    public var from: String?
    public var via: String?
    public var count = false
    /// CLI only: a batch of start nodes (see the CLI's `reach`).
    public var sources: String?
    public var timing = false
    public var search: SearchOptions
    public var timeout: Duration? { search.timeout }

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        from = args.positional("from")
        via = args.text("via")
        count = args.flag("count")
        sources = args.text("sources")
        timing = args.flag("timing")
        search = try SearchOptions(args)
        if sources != nil {
            guard from == nil else { throw .usage("give either FROM or \(option: "sources") FILE, not both") }
        } else if from == nil {
            throw .usage(args.surface == .cli ? "reach needs FROM (or --sources FILE)" : "REACH needs from")
        }
    }

    public func run(in context: any GraphContext) throws -> ReachJSON {
        let engine = try context.engine(graph)
        let budget = try context.budget(timeout: timeout)
        let r = try engine.reach(from: from ?? "", via: via, options: search.applying(budget), countOnly: count)
        return ReachJSON(r, in: engine.snapshot, countOnly: count, budget: budget)
    }

    /// `--sources FILE`: one snapshot, every start node of the file in turn, one JSON line each
    /// with the count, edges scanned and states visited (for benchmarks: edges per second).
    public func runBatch(in context: any GraphContext, emit: (String) throws -> Void) throws -> Bool {
        guard let file = sources else { return false }
        let (text, engine, scratch, options) = try search.batch(file, graph: graph, timeout: timeout, in: context)
        for line in text.split(separator: "\n") where !line.isEmpty {
            let a = String(line)
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let r = try engine.reach(from: a, via: via, options: options, scratch: scratch, countOnly: true)
                let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
                let reason = r.reason == .limit ? nil : r.reason
                try emit(try jsonLine(SourceLine(from: a, count: r.total, edges_scanned: r.stats.edgesScanned, states_visited: r.stats.statesVisited,
                                                 truncated: reason != nil, reason: reason?.rawValue, micros: timing ? micros : nil)))
            } catch let e as PathError {
                try emit(try jsonLine(SourceLine(from: a, count: 0, edges_scanned: 0, states_visited: 0, truncated: false, reason: nil, error: e.description)))
            }
        }
        return true
    }

    /// A `--sources` line.
    struct SourceLine: Encodable {
        var from: String; var count: Int; var edges_scanned: Int; var states_visited: Int
        var truncated: Bool; var reason: String?; var micros: Double?; var error: String?
    }

    public func text(_ j: ReachJSON) -> String {
        let lines = count ? [String(j.count)] : (j.endpoints ?? []).map { "\($0.distance)\t\($0.node)" }
        return (lines + truncationLine(j.reason)).joined(separator: "\n")
    }
}

