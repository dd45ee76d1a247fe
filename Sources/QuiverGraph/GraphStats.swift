import QuiverCore

/// Counts and degree summary of a graph, as `quiver stats` and the daemon's `STATS` show them.
public struct GraphStats: Codable, Sendable, Equatable {
    public struct RelationCount: Codable, Sendable, Equatable {
        public var relation: String
        public var triples: Int
    }
    public struct DegreeSummary: Codable, Sendable, Equatable {
        public var min: Int
        public var max: Int
        public var mean: Double
        public var median: Int
        public var p99: Int
    }

    public var graph: String
    public var triples: Int
    public var entities: Int
    public var relations: Int
    public var perRelation: [RelationCount]
    public var outDegree: DegreeSummary
    public var inDegree: DegreeSummary
    /// Triples per provenance (asserted, inferred, synthetic, corrupted) and per split (train, valid, test, none).
    public var provenance: [String: Int]
    public var splits: [String: Int]

    enum CodingKeys: String, CodingKey {
        case graph, triples, entities, relations
        case perRelation = "per_relation"
        case outDegree = "out_degree"
        case inDegree = "in_degree"
        case provenance, splits
    }

    public init(_ snap: CSRSnapshot) {
        graph = snap.graph
        triples = snap.edgeCount
        entities = snap.nodeCount
        relations = snap.relationCount
        var perRel = [Int](repeating: 0, count: snap.relationCount)
        for r in snap.outRelations { perRel[Int(r)] += 1 }
        perRelation = perRel.enumerated()
            .map { RelationCount(relation: snap.relationName(Int32($0.offset)), triples: $0.element) }
            .sorted { $0.triples != $1.triples ? $0.triples > $1.triples : $0.relation < $1.relation }
        outDegree = Self.summary((0..<snap.nodeCount).map { snap.outDegree(Int32($0)) })
        inDegree = Self.summary((0..<snap.nodeCount).map { snap.inDegree(Int32($0)) })
        var prov = [Int](repeating: 0, count: Provenance.allCases.count)
        for p in snap.provenance { prov[Int(p)] += 1 }
        provenance = Dictionary(uniqueKeysWithValues: Provenance.allCases.map { ($0.description, prov[Int($0.rawValue)]) })
        var sp = [Int](repeating: 0, count: Split.allCases.count + 1)
        for s in snap.split { sp[s < 0 ? Split.allCases.count : Int(s)] += 1 }
        var splits = Dictionary(uniqueKeysWithValues: Split.allCases.map { ($0.description, sp[Int($0.rawValue)]) })
        splits["none"] = sp[Split.allCases.count]
        self.splits = splits
    }

    static func summary(_ degrees: [Int]) -> DegreeSummary {
        guard !degrees.isEmpty else { return DegreeSummary(min: 0, max: 0, mean: 0, median: 0, p99: 0) }
        let sorted = degrees.sorted()
        let total = sorted.reduce(0, +)
        return DegreeSummary(
            min: sorted[0], max: sorted[sorted.count - 1], mean: Double(total) / Double(sorted.count),
            median: sorted[sorted.count / 2], p99: sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }
}
