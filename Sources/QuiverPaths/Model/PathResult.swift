import QuiverGraph

/// One step of a path: the relation of the edge crossed and which way it was crossed.
public struct PathStep: Hashable, Sendable {
    public var relation: Int32
    public var direction: StepDirection
    public init(relation: Int32, direction: StepDirection) {
        self.relation = relation
        self.direction = direction
    }
}

/// A path as node ids and steps: `nodes.count == steps.count + 1`; step `i` goes from `nodes[i]` to
/// `nodes[i + 1]`.
public struct Path: Hashable, Sendable {
    public var nodes: [Int32]
    public var steps: [PathStep]

    public init(nodes: [Int32], steps: [PathStep]) {
        self.nodes = nodes
        self.steps = steps
    }

    public var length: Int { steps.count }
}

/// A path with names, ready to print.
public struct NamedPath: Hashable, Sendable, Codable {
    public struct Edge: Hashable, Sendable, Codable {
        public var relation: String
        public var direction: StepDirection
        public init(relation: String, direction: StepDirection) {
            self.relation = relation
            self.direction = direction
        }
    }

    public var nodes: [String]
    public var edges: [Edge]

    public init(nodes: [String], edges: [Edge]) {
        self.nodes = nodes
        self.edges = edges
    }

    public init(_ path: Path, in snapshot: CSRSnapshot) {
        nodes = path.nodes.map(snapshot.nodeName)
        edges = path.steps.map { Edge(relation: snapshot.relationName($0.relation), direction: $0.direction) }
    }

    /// The path on one line, each step as ` -r-> ` (out) or ` <-r- ` (in): `a -knows-> b <-likes- c`.
    public var text: String {
        var s = nodes.first ?? ""
        for (i, e) in edges.enumerated() {
            s += e.direction == .out ? " -\(e.relation)-> " : " <-\(e.relation)- "
            s += nodes[i + 1]
        }
        return s
    }
}

/// The answer to a path query.
public struct PathResult: Sendable {
    /// In path order (see `PathOrder`).
    public var paths: [Path]
    /// Set whenever more answers may exist than `paths` holds.
    public var truncated: Bool { reason != nil }
    public var reason: TruncationReason?
    public var stats: SearchStats

    public init(paths: [Path], reason: TruncationReason?, stats: SearchStats) {
        self.paths = paths
        self.reason = reason
        self.stats = stats
    }

    public var count: Int { paths.count }
}

/// One neighbour of a node.
public struct Neighbor: Hashable, Sendable {
    public var relation: Int32
    public var direction: StepDirection
    public var node: Int32
}

public struct NeighborResult: Sendable {
    /// Ordered by direction (out first), relation name, node name.
    public var neighbors: [Neighbor]
    public var reason: TruncationReason?
    public var truncated: Bool { reason != nil }
    public var stats: SearchStats
}

/// A node reached, with its hop distance.
public struct Reached: Hashable, Sendable {
    public var node: Int32
    public var distance: Int
}

public struct ReachResult: Sendable {
    /// Ordered by distance, then node name; at most `limit` entries.
    public var endpoints: [Reached]
    /// All endpoints found, even those past `limit`.
    public var total: Int
    public var reason: TruncationReason?
    public var truncated: Bool { reason != nil }
    public var stats: SearchStats
}

/// A tail of a composition query with the bridge entities that lead to it.
public struct HopTail: Hashable, Sendable {
    public var tail: Int32
    /// Each witness lists the k − 1 bridge nodes of one chain, in path order.
    public var witnesses: [[Int32]]
}

public struct HopResult: Sendable {
    /// Ordered by tail name.
    public var tails: [HopTail]
    public var reason: TruncationReason?
    public var truncated: Bool { reason != nil }
    public var stats: SearchStats
}

/// The number of walks between two nodes, counted without listing them.
public struct PathCount: Sendable {
    /// Walks of each length 0…maxHops (`perLength[k]` has length k).
    public var perLength: [UInt64]
    /// The sum of `perLength`.
    public var total: UInt64
    /// True when a count passed `UInt64.max` and was held there.
    public var saturated: Bool
    public var reason: TruncationReason?
    public var truncated: Bool { reason != nil }
    public var stats: SearchStats
}
