import Foundation
import QuiverCore
import QuiverPaths

/// `quiver paths` / `PATHS`: paths between two nodes, or their count.
public struct PathsRequest: Verb {
    public static let spec = VerbSpec(
        "paths", summary: "Paths between two nodes: shortest, all shortest, k shortest, simple paths, trails, or their count.",
        discussion: """
            Paths are listed shortest first, then in name order step by step (node, relation, direction).
            --via takes a regular path expression: r1/r2, r1|r2, ^r, r*, r+, r?, r{m,n}, . and ( ).
            """,
        positionals: [PositionalSpec("graph", "The graph."), PositionalSpec("from", "The start node.", .optional, daemon: .one, noun: "start node"),
                      PositionalSpec("to", "The end node.", .optional, daemon: .one, noun: "end node")],
        options: [
            OptionSpec("mode", .choice(PathMode.allCases.map(\.rawValue)), value: "m", help: "Which paths.", default: "shortest", bareValue: true),
            OptionSpec("k", .integer, value: "n", help: "How many paths for k-shortest.", default: "1", short: "k"),
            OptionSpec("via", .text, value: "expr", help: "A regular path expression the relations must match."),
            OptionSpec("count", .flag, help: "The number of walks of at most --max-hops steps instead of paths."),
            OptionSpec("pairs", .text, value: "file", help: "A file of FROM<TAB>TO lines: one JSON result per line.", surfaces: .cli),
            OptionSpec("timing", .flag, help: "With --pairs: add each query's time in microseconds (\"micros\") and the adjacency entries it scanned (\"edges_scanned\").", surfaces: .cli),
        ] + SearchOptions.specs,
        examples: [
            "paths nations usa china", "paths nations usa china --mode k-shortest -k 5 --dir both",
            "paths nations usa china --via 'embassy+/^treaties' --json", "paths nations usa china --count --max-hops 3",
            "paths nations --pairs pairs.tsv --timing",
        ],
        outputs: [.json, .dot])

    public var graph: String
    public var from: String?
    public var to: String?
    public var mode = PathMode.shortest
    public var k = 1
    public var via: String?
    public var count = false
    /// CLI only: a batch of pairs, answered one JSON line each (see the CLI's `paths`).
    public var pairs: String?
    public var timing = false
    public var search: SearchOptions
    public var timeout: Duration? { search.timeout }

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        from = args.positional("from")
        to = args.positional("to")
        mode = try args.choice("mode", as: PathMode.self) ?? .shortest
        k = try args.integer("k") ?? 1
        via = args.text("via")
        count = args.flag("count")
        pairs = args.text("pairs")
        timing = args.flag("timing")
        search = try SearchOptions(args)
        if pairs != nil {
            guard from == nil && to == nil else { throw .usage("give either FROM TO or \(option: "pairs") FILE, not both") }
        } else if from == nil || to == nil {
            throw .usage(args.surface == .cli ? "paths needs FROM and TO (or --pairs FILE)" : "PATHS needs from and to")
        }
    }

    public func run(in context: any GraphContext) throws -> PathsAnswer {
        let engine = try context.engine(graph)
        let budget = try context.budget(timeout: timeout)
        let options = search.applying(budget)
        if count {
            return .count(PathCountJSON(try engine.countPaths(from: from ?? "", to: to ?? "", via: via, options: options)))
        }
        let r = try engine.paths(from: from ?? "", to: to ?? "", mode: mode, k: budget.rows(k), via: via, options: options)
        return .paths(PathsJSON(r, in: engine.snapshot, budget: budget))
    }

    /// `--pairs FILE`: one snapshot, every FROM<TAB>TO line of the file in turn, one JSON line
    /// each (with `--timing`, its time and the adjacency entries it scanned: for benchmarks).
    public func runBatch(in context: any GraphContext, emit: (String) throws -> Void) throws -> Bool {
        guard let file = pairs else { return false }
        let (text, engine, scratch, options) = try search.batch(file, graph: graph, timeout: timeout, in: context)
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 2 else { throw RequestError.invalid("\(file):\(i + 1): expected FROM<TAB>TO") }
            let a = String(f[0]), b = String(f[1])
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let r = try engine.paths(from: a, to: b, mode: mode, k: k, via: via, options: options, scratch: scratch)
                let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
                let named = r.paths.map { NamedPath($0, in: engine.snapshot) }
                let out = PathsJSON(paths: named, count: named.count, truncated: r.truncated, reason: r.reason?.rawValue,
                                    micros: timing ? micros : nil, from: a, to: b)
                try emit(timing ? try jsonLine(TimedPathJSON(result: out, edges_scanned: r.stats.edgesScanned)) : try jsonLine(out))
            } catch let e as PathError {
                try emit(try jsonLine(PathsJSON(paths: [], count: 0, truncated: false, reason: nil, from: a, to: b, error: e.description)))
            }
        }
        return true
    }

    public func text(_ answer: PathsAnswer) -> String {
        switch answer {
        case .count(let c):
            return ([(c.saturated ? "≥ " : "") + c.count] + truncationLine(c.reason)).joined(separator: "\n")
        case .paths(let p):
            let lines = p.paths.isEmpty ? ["no path from \(from ?? "") to \(to ?? "")"] : p.paths.map(\.text)
            return (lines + truncationLine(p.reason)).joined(separator: "\n")
        }
    }

    public func dot(_ answer: PathsAnswer) -> String? {
        guard case .paths(let p) = answer else { return nil }
        return PathsRequest.dot(p.paths)
    }

    /// The union of the paths as a Graphviz digraph (edges drawn as stored, subject → object).
    public static func dot(_ paths: [NamedPath]) -> String {
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["digraph paths {"]
        var seen: Set<ExactName> = []  // lines naming NFC and NFD spellings are two edges
        for p in paths {
            for (i, e) in p.edges.enumerated() {
                let (a, b) = e.direction == .out ? (p.nodes[i], p.nodes[i + 1]) : (p.nodes[i + 1], p.nodes[i])
                let line = "  \(quote(a)) -> \(quote(b)) [label=\(quote(e.relation))];"
                if seen.insert(ExactName(line)).inserted { lines.append(line) }
            }
        }
        if paths.count == 1 && paths[0].edges.isEmpty { lines.append("  \(quote(paths[0].nodes[0]));") }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}

/// A `--pairs --timing` line: the answer, its time ("micros") and the adjacency entries it scanned.
struct TimedPathJSON: Encodable {
    var result: PathsJSON
    var edges_scanned: Int

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(edges_scanned, forKey: .edges_scanned)
    }

    enum Keys: String, CodingKey { case edges_scanned }
}

/// PATHS answers paths, or with COUNT their count: one JSON shape or the other.
public enum PathsAnswer: Encodable, Sendable {
    case paths(PathsJSON)
    case count(PathCountJSON)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .paths(let p): try p.encode(to: encoder)
        case .count(let c): try c.encode(to: encoder)
        }
    }
}
