import ArgumentParser
import Foundation
import QuiverCore
import QuiverPaths
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
        o.limit = limit
        if let timeoutMs { o.timeout = .milliseconds(timeoutMs) }
        return o
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

struct PathJSON: Encodable {
    var paths: [NamedPath]
    var count: Int
    var truncated: Bool
    var reason: String?
    var micros: Int?
    var from: String?
    var to: String?
    var error: String?

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(paths, forKey: .paths)
        try c.encode(count, forKey: .count)
        try c.encode(truncated, forKey: .truncated)
        try c.encode(reason, forKey: .reason)  // explicit null
        try c.encodeIfPresent(micros, forKey: .micros)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encodeIfPresent(to, forKey: .to)
        try c.encodeIfPresent(error, forKey: .error)
    }

    enum CodingKeys: String, CodingKey { case paths, count, truncated, reason, micros, from, to, error }
}

func describe(_ p: NamedPath) -> String {
    var s = p.nodes[0]
    for (i, e) in p.edges.enumerated() {
        s += e.direction == .out ? " -\(e.relation)-> " : " <-\(e.relation)- "
        s += p.nodes[i + 1]
    }
    return s
}

func dotQuote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

/// The union of the paths as a Graphviz digraph (edges drawn as stored, subject → object).
func dot(_ paths: [NamedPath]) -> String {
    var lines = ["digraph paths {"]
    var seen: Set<String> = []
    for p in paths {
        for (i, e) in p.edges.enumerated() {
            let (a, b) = e.direction == .out ? (p.nodes[i], p.nodes[i + 1]) : (p.nodes[i + 1], p.nodes[i])
            let line = "  \(dotQuote(a)) -> \(dotQuote(b)) [label=\(dotQuote(e.relation))];"
            if seen.insert(line).inserted { lines.append(line) }
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

    struct Entry: Encodable { var relation: String; var direction: String; var node: String }
    struct Out: Encodable { var neighbors: [Entry]; var count: Int; var truncated: Bool; var reason: String? }

    func run() throws {
        let engine = try search.engine(graph: graph, store: store)
        let r = try runQuery { try engine.neighbors(of: node, relation: relation, options: try search.pathOptions()) }
        let snap = engine.snapshot
        let entries = r.neighbors.map { Entry(relation: snap.relationName($0.relation), direction: $0.direction.rawValue, node: snap.nodeName($0.node)) }
        if output.json { try printJSON(Out(neighbors: entries, count: entries.count, truncated: r.truncated, reason: r.reason?.rawValue)); return }
        for e in entries { print(e.direction == "out" ? "-\(e.relation)-> \(e.node)" : "<-\(e.relation)- \(e.node)") }
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
    @Flag(name: .customLong("timing"), help: "With --pairs: add each query's time in microseconds (\"micros\").") var timing = false
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
            struct Out: Encodable { var count: String; var per_length: [String]; var saturated: Bool; var truncated: Bool; var reason: String? }
            if output.json {
                try printJSON(Out(count: String(c.total), per_length: c.perLength.map { String($0) }, saturated: c.saturated, truncated: c.truncated, reason: c.reason?.rawValue))
            } else {
                print((c.saturated ? "≥ " : "") + String(c.total))
                if let reason = c.reason { print("… truncated (\(reason.rawValue))") }
            }
            return
        }
        let r = try runQuery { try engine.paths(from: from, to: to, mode: m, k: k, via: via, options: options) }
        let named = r.paths.map { NamedPath($0, in: engine.snapshot) }
        if output.json {
            try printJSON(PathJSON(paths: named, count: named.count, truncated: r.truncated, reason: r.reason?.rawValue))
        } else if format == "dot" {
            print(dot(named))
        } else {
            if named.isEmpty { print("no path from \(from) to \(to)") }
            for p in named { print(describe(p)) }
            if let reason = r.reason { print("… truncated (\(reason.rawValue))") }
        }
    }

    func runPairs(file: String, mode: PathMode, options: PathOptions) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIError(message: "cannot read \(file)") }
        let engine = try search.engine(graph: graph, store: store)
        let scratch = SearchScratch()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 2 else { throw CLIError(message: "\(file):\(i + 1): expected FROM<TAB>TO") }
            let a = String(f[0]), b = String(f[1])
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let r = try engine.paths(from: a, to: b, mode: mode, k: k, via: via, options: options, scratch: scratch)
                let micros = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
                let named = r.paths.map { NamedPath($0, in: engine.snapshot) }
                try printJSON(PathJSON(paths: named, count: named.count, truncated: r.truncated, reason: r.reason?.rawValue,
                                       micros: timing ? micros : nil, from: a, to: b))
            } catch let e as PathError {
                try printJSON(PathJSON(paths: [], count: 0, truncated: false, reason: nil, from: a, to: b, error: e.description))
            }
        }
    }
}

struct Reach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The nodes reachable from a node, with their hop distance.",
        discussion: "Examples:\n  quiver reach nations usa --max-hops 2 --count\n  quiver reach nations usa --via 'embassy/^embassy' --json")
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The start node.") var from: String
    @Option(name: .customLong("via"), help: "A regular path expression the relations must match.") var via: String?
    @Flag(name: .customLong("count"), help: "Print only how many nodes are reachable.") var count = false
    @OptionGroup var search: SearchOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    struct Entry: Encodable { var node: String; var distance: Int }
    struct Out: Encodable { var endpoints: [Entry]?; var count: Int; var truncated: Bool; var reason: String? }

    func run() throws {
        let engine = try search.engine(graph: graph, store: store)
        let r = try runQuery { try engine.reach(from: from, via: via, options: try search.pathOptions()) }
        // With --count the limit does not apply to the count.
        let reason = count && r.reason == .limit ? nil : r.reason
        let entries = r.endpoints.map { Entry(node: engine.snapshot.nodeName($0.node), distance: $0.distance) }
        if output.json {
            try printJSON(Out(endpoints: count ? nil : entries, count: r.total, truncated: reason != nil, reason: reason?.rawValue))
            return
        }
        if count { print(r.total) } else { for e in entries { print("\(e.distance)\t\(e.node)") } }
        if let reason { print("… truncated (\(reason.rawValue))") }
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

    struct Entry: Encodable { var tail: String; var witnesses: [[String]] }
    struct Out: Encodable { var tails: [Entry]; var count: Int; var truncated: Bool }

    func run() throws {
        let engine = try search.engine(graph: graph, store: store)
        let r = try runQuery { try engine.hop(from: head, relations: relations, options: try search.pathOptions()) }
        let snap = engine.snapshot
        let entries = r.tails.map { Entry(tail: snap.nodeName($0.tail), witnesses: $0.witnesses.map { $0.map(snap.nodeName) }) }
        if output.json { try printJSON(Out(tails: entries, count: entries.count, truncated: r.truncated)); return }
        for e in entries {
            let w = e.witnesses.map { $0.isEmpty ? "(direct)" : $0.joined(separator: " → ") }
            print(e.tail + (relations.count > 1 ? "  via " + w.joined(separator: "; ") : ""))
        }
        if let reason = r.reason { print("… truncated (\(reason.rawValue))") }
    }
}
