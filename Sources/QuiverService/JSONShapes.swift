import QuiverPaths
import QuiverGraph
import QuiverSnapshot
import QuiverStore

// The JSON shapes of the CLI's `--json` and the daemon's `FORMAT JSON`: one definition for both,
// so a script can switch between them without noticing.

/// `quiver graphs --json` / `GRAPHS`: `{"graphs":[{"name":…,"triples":…,"change_seq":…}]}`.
public struct GraphListJSON: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var name: String
        public var triples: Int64
        public var change_seq: Int64
        public init(name: String, triples: Int64, change_seq: Int64) {
            self.name = name
            self.triples = triples
            self.change_seq = change_seq
        }
    }
    public var graphs: [Entry]
    public init(_ graphs: [GraphInfo]) {
        self.graphs = graphs.map { Entry(name: $0.name, triples: $0.tripleCount, change_seq: $0.changeSeq) }
    }
}

/// `quiver stats --timing --json`: the stats plus the snapshot's build time and size.
public struct TimedStatsJSON: Encodable, Sendable {
    public var stats: GraphStats
    public var snapshot_seconds: Double
    public var snapshot_adjacency_bytes: Int
    public init(stats: GraphStats, snapshot_seconds: Double, snapshot_adjacency_bytes: Int) {
        self.stats = stats
        self.snapshot_seconds = snapshot_seconds
        self.snapshot_adjacency_bytes = snapshot_adjacency_bytes
    }
    public func encode(to encoder: Encoder) throws {
        try stats.encode(to: encoder)
        enum Keys: String, CodingKey { case snapshot_seconds, snapshot_adjacency_bytes }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(snapshot_seconds, forKey: .snapshot_seconds)
        try c.encode(snapshot_adjacency_bytes, forKey: .snapshot_adjacency_bytes)
    }
}

/// `quiver drop --json` / `DROP … FORMAT JSON`.
public struct DroppedJSON: Encodable, Sendable {
    public var graph: String
    public var dropped = true
    public init(graph: String) { self.graph = graph }
}

/// `quiver load --json` / `LOAD`: the committed figures of a load.
public struct LoadReportJSON: Encodable, Sendable {
    public var graph: String
    public var read: Int
    public var new: Int
    public var duplicates: Int
    public var new_terms: Int
    public var seconds: Double
    public var triples_per_second: Double
    /// A dataset load (N-Quads, TriG): each graph's own counts.
    public var graphs: [LoadReportJSON]?
    /// A dataset load's totals, under its default graph's name, with each graph's report.
    public init(dataset graph: String, _ reports: [LoadReportJSON]) {
        self.graph = graph
        read = reports.reduce(0) { $0 + $1.read }
        new = reports.reduce(0) { $0 + $1.new }
        duplicates = reports.reduce(0) { $0 + $1.duplicates }
        new_terms = reports.reduce(0) { $0 + $1.new_terms }
        seconds = reports.first?.seconds ?? 0
        triples_per_second = seconds > 0 ? Double(read) / seconds : 0
        graphs = reports
    }

    public init(_ report: LoadReport) {
        graph = report.graph
        read = report.read
        new = report.new
        duplicates = report.duplicates
        new_terms = report.newTerms
        seconds = report.seconds
        triples_per_second = report.triplesPerSecond
    }
}

/// `quiver neighbors --json` / `NEIGHBORS`.
public struct NeighborsJSON: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var relation: String
        public var direction: String
        public var node: String
    }
    public var neighbors: [Entry]
    public var count: Int
    public var truncated: Bool
    public var reason: String?
    public init(_ r: NeighborResult, in snap: CSRSnapshot, budget: ResultBudget = .unlimited) {
        let (named, cut) = budget.fit(r.neighbors) { n in
            let e = Entry(relation: snap.relationName(n.relation), direction: n.direction.rawValue, node: snap.nodeName(n.node))
            return (e, e.relation.utf8.count + e.node.utf8.count + 48)
        }
        neighbors = named
        count = neighbors.count
        truncated = cut != nil || r.truncated
        reason = (cut ?? r.reason)?.rawValue
    }
}

/// `quiver paths --json` / `PATHS`: the paths, named; with `--pairs`, also the pair, time and error.
public struct PathsJSON: Encodable, Sendable {
    public var paths: [NamedPath]
    public var count: Int
    public var truncated: Bool
    public var reason: String?
    /// The query's own time in microseconds (to the nanosecond), with `--timing`.
    public var micros: Double?
    public var from: String?
    public var to: String?
    public var error: String?

    public init(paths: [NamedPath], count: Int, truncated: Bool, reason: String?, micros: Double? = nil,
                from: String? = nil, to: String? = nil, error: String? = nil) {
        self.paths = paths
        self.count = count
        self.truncated = truncated
        self.reason = reason
        self.micros = micros
        self.from = from
        self.to = to
        self.error = error
    }

    public init(_ r: PathResult, in snap: CSRSnapshot, budget: ResultBudget = .unlimited) {
        let (named, cut) = budget.fit(r.paths) { p in
            let n = NamedPath(p, in: snap)
            return (n, n.nodes.reduce(24) { $0 + $1.utf8.count + 3 } + n.edges.reduce(0) { $0 + $1.relation.utf8.count + 40 })
        }
        let reason = cut ?? r.reason
        self.init(paths: named, count: named.count, truncated: reason != nil, reason: reason?.rawValue)
    }

    public func encode(to encoder: Encoder) throws {
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

/// `quiver paths --count --json` / `PATHS … COUNT`: counts as decimal strings (they may exceed 2^53).
public struct PathCountJSON: Encodable, Sendable {
    public var count: String
    public var per_length: [String]
    public var saturated: Bool
    public var truncated: Bool
    public var reason: String?
    public init(_ c: PathCount) {
        count = String(c.total)
        per_length = c.perLength.map { String($0) }
        saturated = c.saturated
        truncated = c.truncated
        reason = c.reason?.rawValue
    }
}

/// `quiver reach --json` / `REACH`. With `count`, the endpoints are left out and a `limit`
/// truncation is not one (the count is complete).
public struct ReachJSON: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var node: String
        public var distance: Int
    }
    public var endpoints: [Entry]?
    public var count: Int
    public var truncated: Bool
    public var reason: String?
    public init(_ r: ReachResult, in snap: CSRSnapshot, countOnly: Bool, budget: ResultBudget = .unlimited) {
        var reason = countOnly && r.reason == .limit ? nil : r.reason
        if countOnly {
            endpoints = nil
        } else {
            let (named, cut) = budget.fit(r.endpoints) { e in
                let entry = Entry(node: snap.nodeName(e.node), distance: e.distance)
                return (entry, entry.node.utf8.count + 32)
            }
            endpoints = named
            reason = cut ?? reason
        }
        count = r.total
        truncated = reason != nil
        self.reason = reason?.rawValue
    }
}

/// `quiver hop --json` / `HOP`.
public struct HopJSON: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var tail: String
        public var witnesses: [[String]]
    }
    public var tails: [Entry]
    public var count: Int
    public var truncated: Bool
    public init(_ r: HopResult, in snap: CSRSnapshot, budget: ResultBudget = .unlimited) {
        let (named, cut) = budget.fit(r.tails) { t in
            let e = Entry(tail: snap.nodeName(t.tail), witnesses: t.witnesses.map { $0.map(snap.nodeName) })
            return (e, e.witnesses.reduce(e.tail.utf8.count + 32) { $0 + $1.reduce(4) { $0 + $1.utf8.count + 3 } })
        }
        tails = named
        count = tails.count
        truncated = cut != nil || r.truncated
    }
}
