import ArgumentParser
import Foundation
import QuiverCore
import QuiverPaths
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore

/// Options every path command shares: direction, exclusions, provenance, limits.
struct SearchOptions: ParsableArguments {
    @Option(name: .customLong("dir"), help: "Follow edges out, in or both.") var direction: String = "out"
    @Option(name: .customLong("exclude-rel"), help: ArgumentHelp("A relation never followed (repeatable).", valueName: "R")) var excludeRelations: [String] = []
    @Option(name: .customLong("exclude-node"), help: ArgumentHelp("A node never entered (repeatable).", valueName: "N")) var excludeNodes: [String] = []
    @Option(name: .customLong("include"), help: ArgumentHelp("Provenances followed besides asserted: inferred,synthetic,corrupted.", valueName: "list")) var include: String?
    @Option(name: .customLong("max-hops"), help: "The most steps (default and ceiling: --hops-ceiling).") var maxHops: Int?
    @Option(name: .customLong("hops-ceiling"), help: "The highest --max-hops allowed.") var hopsCeiling = 16
    @Option(name: .customLong("limit"), help: "The most answers printed.") var limit = 100
    @Option(name: .customLong("timeout-ms"), help: "Stop after this many milliseconds, returning what was found.") var timeoutMs: Int?

    func pathOptions() throws -> PathOptions {
        var o = PathOptions()
        guard let d = Direction(rawValue: direction) else { throw CLIError(message: "--dir must be out, in or both, not '\(direction)'", code: 2) }
        o.direction = d
        o.excludedRelations = excludeRelations
        o.excludedNodes = excludeNodes
        if let include {
            for name in include.split(separator: ",") {
                guard let p = Provenance(name: String(name)) else { throw CLIError(message: "--include: unknown provenance '\(name)' (asserted, inferred, synthetic, corrupted)", code: 2) }
                o.provenances.insert(p)
            }
        }
        o.maxHops = maxHops
        // An answer is built whole before it is printed: past the CLI's row budget it is cut
        // (and says so) rather than filling memory.
        o.limit = ResultBudget.cli.rows(limit)
        if let timeoutMs {
            guard timeoutMs > 0 else { throw CLIError(message: "--timeout-ms must be a positive number of milliseconds", code: 2) }
            o.timeout = .milliseconds(timeoutMs)
        }
        return o
    }

    /// The CLI's answer budget, its deadline --timeout-ms from now: ask for it just before the
    /// query, and pass the query `apply(to:)`'s options, so that naming the rows found fits in
    /// the time too.
    func budget() -> ResultBudget {
        var b = ResultBudget.cli
        if let timeoutMs { b.stop = StopCondition(deadline: .after(milliseconds: timeoutMs)) }
        return b
    }

    func engine(graph: String, store: StoreOptions) throws -> PathEngine {
        let st = try store.open()
        let snapshot = try SnapshotLoader(store: st).build(graph: graph)
        let ontology = try st.ontology(graph: graph)
        return PathEngine(snapshot: snapshot, inverses: PathEngine.inverseMap(from: ontology, snapshot: snapshot), maxHopsCeiling: hopsCeiling)
    }
}

/// Runs a library call, turning its errors into Quiver's exit codes.
func runQuery<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as PathError { throw CLIError(message: e.description) }
}

typealias PathJSON = PathsJSON

/// A `--pairs --timing` line: the answer, its time ("micros") and the adjacency entries it scanned.
struct TimedPathJSON: Encodable {
    var result: PathJSON
    var edgesScanned: Int

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(edgesScanned, forKey: .edges_scanned)
    }

    enum Keys: String, CodingKey { case edges_scanned }
}

func dotQuote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

/// The union of the paths as a Graphviz digraph (edges drawn as stored, subject → object).
func dot(_ paths: [NamedPath]) -> String {
    var lines = ["digraph paths {"]
    var seen: Set<ExactName> = []  // lines naming NFC and NFD spellings are two edges
    for p in paths {
        for (i, e) in p.edges.enumerated() {
            let (a, b) = e.direction == .out ? (p.nodes[i], p.nodes[i + 1]) : (p.nodes[i + 1], p.nodes[i])
            let line = "  \(dotQuote(a)) -> \(dotQuote(b)) [label=\(dotQuote(e.relation))];"
            if seen.insert(ExactName(line)).inserted { lines.append(line) }
        }
    }
    if paths.count == 1 && paths[0].edges.isEmpty { lines.append("  \(dotQuote(paths[0].nodes[0]));") }
    lines.append("}")
    return lines.joined(separator: "\n")
}

struct Neighbors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The edges at a node, with relation and direction.",
        discussion: "Examples:\n  quiver neighbors nations usa --dir both\n  quiver neighbors nations usa --rel embassy --json")
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The node.") var node: String
    @Option(name: .customLong("rel"), help: "Only this relation (an ontology inverse name works too).") var relation: String?
    @OptionGroup var search: SearchOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let engine = try search.engine(graph: graph, store: store)
        let r = try runQuery { try engine.neighbors(of: node, relation: relation, options: try search.pathOptions()) }
        let out = NeighborsJSON(r, in: engine.snapshot)
        if output.json { try printJSON(out); return }
        for e in out.neighbors { print(e.direction == "out" ? "-\(e.relation)-> \(e.node)" : "<-\(e.relation)- \(e.node)") }
        if let reason = r.reason { print("… truncated (\(reason.rawValue))") }
    }
}

struct PathsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "Paths between two nodes: shortest, all shortest, k shortest, simple paths, trails, or their count.",
        discussion: """
            Paths are listed shortest first, then in name order step by step (node, relation, direction).
            --via takes a regular path expression: r1/r2, r1|r2, ^r, r*, r+, r?, r{m,n}, . and ( ).

            Examples:
              quiver paths nations usa china
              quiver paths nations usa china --mode k-shortest -k 5 --dir both
              quiver paths nations usa china --via 'embassy+/^treaties' --json
              quiver paths nations usa china --count --max-hops 3
              quiver paths nations --pairs pairs.tsv --timing
            """)
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The start node.") var from: String?
    @Argument(help: "The end node.") var to: String?
    @Option(name: .customLong("mode"), help: "shortest, all-shortest, k-shortest, simple or trail.") var mode: String = "shortest"
    @Option(name: .customShort("k"), help: "How many paths for k-shortest.") var k = 1
    @Option(name: .customLong("via"), help: "A regular path expression the relations must match.") var via: String?
    @Flag(name: .customLong("count"), help: "Print the number of walks of at most --max-hops steps instead of paths.") var count = false
    @Option(name: .customLong("pairs"), help: ArgumentHelp("A file of FROM<TAB>TO lines: one JSON result per line.", valueName: "file")) var pairs: String?
    @Flag(name: .customLong("timing"), help: "With --pairs: add each query's time in microseconds (\"micros\") and the adjacency entries it scanned (\"edges_scanned\").") var timing = false
    @Option(name: .customLong("format"), help: "text or dot (Graphviz).") var format: String = "text"
    @OptionGroup var search: SearchOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let m = PathMode(rawValue: mode) else { throw CLIError(message: "--mode must be one of \(PathMode.allCases.map(\.rawValue).joined(separator: ", ")), not '\(mode)'", code: 2) }
        guard format == "text" || format == "dot" else { throw CLIError(message: "--format must be text or dot", code: 2) }
        let options = try search.pathOptions()
        if let pairs {
            guard from == nil && to == nil else { throw CLIError(message: "give either FROM TO or --pairs FILE, not both", code: 2) }
            try runPairs(file: pairs, mode: m, options: options)
            return
        }
        guard let from, let to else { throw CLIError(message: "paths needs FROM and TO (or --pairs FILE)", code: 2) }
        let engine = try search.engine(graph: graph, store: store)
        if count {
            let c = try runQuery { try engine.countPaths(from: from, to: to, via: via, options: options) }
            if output.json {
                try printJSON(PathCountJSON(c))
            } else {
                print((c.saturated ? "≥ " : "") + String(c.total))
                if let reason = c.reason { print("… truncated (\(reason.rawValue))") }
            }
            return
        }
        let budget = search.budget()
        let r = try runQuery { try engine.paths(from: from, to: to, mode: m, k: budget.rows(k), via: via, options: budget.apply(to: options)) }
        let answer = PathJSON(r, in: engine.snapshot, budget: budget)
        if output.json {
            try printJSON(answer)
        } else if format == "dot" {
            print(dot(answer.paths))
        } else {
            if answer.paths.isEmpty { print("no path from \(from) to \(to)") }
            for p in answer.paths { print(p.text) }
            if let reason = answer.reason { print("… truncated (\(reason))") }
        }
    }

    func runPairs(file: String, mode: PathMode, options: PathOptions) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIError(message: "cannot read \(file)") }
        let engine = try search.engine(graph: graph, store: store)
        let scratch = SearchScratch()
        scratch.reserve(for: engine)
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 2 else { throw CLIError(message: "\(file):\(i + 1): expected FROM<TAB>TO") }
            let a = String(f[0]), b = String(f[1])
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let r = try engine.paths(from: a, to: b, mode: mode, k: k, via: via, options: options, scratch: scratch)
                let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
                let named = r.paths.map { NamedPath($0, in: engine.snapshot) }
                let out = PathJSON(paths: named, count: named.count, truncated: r.truncated, reason: r.reason?.rawValue,
                                   micros: timing ? micros : nil, from: a, to: b)
                if timing { try printJSON(TimedPathJSON(result: out, edgesScanned: r.stats.edgesScanned)) } else { try printJSON(out) }
            } catch let e as PathError {
                try printJSON(PathJSON(paths: [], count: 0, truncated: false, reason: nil, from: a, to: b, error: e.description))
            }
        }
    }
}

struct Reach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The nodes reachable from a node, with their hop distance.",
        discussion: "Examples:\n  quiver reach nations usa --max-hops 2 --count\n  quiver reach nations usa --via 'embassy/^embassy' --json\n  quiver reach nations --sources nodes.txt --max-hops 3 --timing")
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The start node.") var from: String?
    @Option(name: .customLong("via"), help: "A regular path expression the relations must match.") var via: String?
    @Flag(name: .customLong("count"), help: "Print only how many nodes are reachable.") var count = false
    @Option(name: .customLong("sources"), help: ArgumentHelp("A file of start nodes, one a line: one JSON line each with the count, edges scanned and states visited.", valueName: "file")) var sources: String?
    @Flag(name: .customLong("timing"), help: "With --sources: add each query's time in microseconds (\"micros\").") var timing = false
    @OptionGroup var search: SearchOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    struct SourceOut: Encodable {
        var from: String; var count: Int; var edges_scanned: Int; var states_visited: Int
        var truncated: Bool; var reason: String?; var micros: Double?; var error: String?
    }

    func run() throws {
        if let sources {
            guard from == nil else { throw CLIError(message: "give either FROM or --sources FILE, not both", code: 2) }
            try runSources(file: sources)
            return
        }
        guard let from else { throw CLIError(message: "reach needs FROM (or --sources FILE)", code: 2) }
        let engine = try search.engine(graph: graph, store: store)
        let r = try runQuery { try engine.reach(from: from, via: via, options: try search.pathOptions(), countOnly: count) }
        // With --count the limit does not apply to the count.
        let reason = count && r.reason == .limit ? nil : r.reason
        if output.json {
            try printJSON(ReachJSON(r, in: engine.snapshot, countOnly: count))
            return
        }
        let entries = ReachJSON(r, in: engine.snapshot, countOnly: false).endpoints ?? []
        if count { print(r.total) } else { for e in entries { print("\(e.distance)\t\(e.node)") } }
        if let reason { print("… truncated (\(reason.rawValue))") }
    }

    /// One snapshot, every start node of `file` in turn (for benchmarks: edges scanned per second).
    func runSources(file: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIError(message: "cannot read \(file)") }
        let options = try search.pathOptions()
        let engine = try search.engine(graph: graph, store: store)
        let scratch = SearchScratch()
        scratch.reserve(for: engine)
        for line in text.split(separator: "\n") where !line.isEmpty {
            let a = String(line)
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let r = try engine.reach(from: a, via: via, options: options, scratch: scratch, countOnly: true)
                let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
                let reason = r.reason == .limit ? nil : r.reason
                try printJSON(SourceOut(from: a, count: r.total, edges_scanned: r.stats.edgesScanned, states_visited: r.stats.statesVisited,
                                        truncated: reason != nil, reason: reason?.rawValue, micros: timing ? micros : nil))
            } catch let e as PathError {
                try printJSON(SourceOut(from: a, count: 0, edges_scanned: 0, states_visited: 0, truncated: false, reason: nil, error: e.description))
            }
        }
    }
}

struct Hop: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Composition: every tail t with HEAD -R1-> … -Rk-> t, with the bridge entities as witnesses.",
        discussion: "Examples:\n  quiver hop nations usa embassy ^treaties\n  quiver hop nations usa embassy embassy --json")
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The head node.") var head: String
    @Argument(help: "The relations, in order (r, ^r, or .).") var relations: [String]
    @OptionGroup var search: SearchOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let engine = try search.engine(graph: graph, store: store)
        let r = try runQuery { try engine.hop(from: head, relations: relations, options: try search.pathOptions()) }
        let out = HopJSON(r, in: engine.snapshot)
        if output.json { try printJSON(out); return }
        for e in out.tails {
            let w = e.witnesses.map { $0.isEmpty ? "(direct)" : $0.joined(separator: " → ") }
            print(e.tail + (relations.count > 1 ? "  via " + w.joined(separator: "; ") : ""))
        }
        if let reason = r.reason { print("… truncated (\(reason.rawValue))") }
    }
}
