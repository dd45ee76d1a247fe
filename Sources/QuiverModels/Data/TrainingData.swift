import QuiverCore
import QuiverGraph

/// One fact as the models see it: dense entity and relation indices.
public struct IndexedTriple: Sendable, Hashable {
    public var head: Int32
    public var relation: Int32
    public var tail: Int32

    public init(_ head: Int32, _ relation: Int32, _ tail: Int32) {
        self.head = head
        self.relation = relation
        self.tail = tail
    }
}

/// A query `(head, relation, ?)` with the answer it is trained or ranked on. Relations at or above
/// `relationCount` are reciprocal: `(t, r + R, ?)` asks for the head of `(?, r, t)`.
public struct Query: Sendable, Hashable {
    public var head: Int32
    public var relation: Int32
    public var answer: Int32

    public init(head: Int32, relation: Int32, answer: Int32) {
        self.head = head
        self.relation = relation
        self.answer = answer
    }
}

/// A graph's facts split into train, valid and test by their stored split labels, with the
/// snapshot's node and relation numbering. Edges without a split label take no part.
///
/// Every model ranks over all `entityCount` nodes and uses `2 · relationCount` relations: each
/// relation and its reciprocal.
public struct TrainingData: Sendable {
    public let graph: String
    public let entityCount: Int
    public let relationCount: Int
    public let train: [IndexedTriple]
    public let valid: [IndexedTriple]
    public let test: [IndexedTriple]
    /// Stable identities of the numbering (term ids), saved with a model so that it can be mapped
    /// onto a later snapshot of the graph, whose numbering may differ.
    public let entityTermIDs: [Int64]
    public let relationTermIDs: [Int64]
    public let entityNames: [String]
    public let relationNames: [String]

    /// Why a graph cannot be trained on.
    public struct Unusable: PresentableError, Sendable {
        public var message: ErrorMessage
        public var category: ErrorCategory { .invalidInput }
    }

    public init(snapshot s: CSRSnapshot) {
        var train: [IndexedTriple] = [], valid: [IndexedTriple] = [], test: [IndexedTriple] = []
        for u in 0 ..< s.nodeCount {
            for e in s.outEdges(of: Int32(u)) {
                let t = IndexedTriple(Int32(u), s.outRelations[e], s.outTargets[e])
                switch s.split[e] {
                case Int8(Split.train.rawValue): train.append(t)
                case Int8(Split.valid.rawValue): valid.append(t)
                case Int8(Split.test.rawValue): test.append(t)
                default: break
                }
            }
        }
        self.init(graph: s.graph, entityCount: s.nodeCount, relationCount: s.relationCount,
                  train: train, valid: valid, test: test,
                  entityTermIDs: s.nodeTermIDs.array, relationTermIDs: s.relationTermIDs.array,
                  entityNames: s.nodeNames, relationNames: s.relationNames)
    }

    public init(graph: String, entityCount: Int, relationCount: Int, train: [IndexedTriple], valid: [IndexedTriple],
                test: [IndexedTriple], entityTermIDs: [Int64]? = nil, relationTermIDs: [Int64]? = nil,
                entityNames: [String]? = nil, relationNames: [String]? = nil) {
        self.graph = graph
        self.entityCount = entityCount
        self.relationCount = relationCount
        self.train = train
        self.valid = valid
        self.test = test
        self.entityTermIDs = entityTermIDs ?? (0 ..< entityCount).map(Int64.init)
        self.relationTermIDs = relationTermIDs ?? (0 ..< relationCount).map(Int64.init)
        self.entityNames = entityNames ?? (0 ..< entityCount).map { "e\($0)" }
        self.relationNames = relationNames ?? (0 ..< relationCount).map { "r\($0)" }
    }

    /// Throws unless there is something to train on.
    public func checkTrainable() throws(Unusable) {
        if train.isEmpty {
            // No example command line: an option inside one could be spelled for one surface only.
            throw Unusable(message: "graph '\(graph)' has no facts labelled split=train; load them with \(command: "load", graph) "
                + "and \(option: "split") train")
        }
    }

    public func triples(of split: Split) -> [IndexedTriple] {
        switch split {
        case .train: train
        case .valid: valid
        case .test: test
        }
    }

    /// Both queries of every triple: `(h, r, ?) → t` and `(t, r⁻¹, ?) → h`.
    public func queries(_ triples: [IndexedTriple]) -> [Query] {
        var out: [Query] = []
        out.reserveCapacity(triples.count * 2)
        for t in triples {
            out.append(Query(head: t.head, relation: t.relation, answer: t.tail))
            out.append(Query(head: t.tail, relation: t.relation + Int32(relationCount), answer: t.head))
        }
        return out
    }

    /// Every known answer of every query over train, valid and test: what the filtered protocol
    /// removes before ranking.
    public func knownAnswers() -> KnownAnswers {
        var k = KnownAnswers(relationCount: relationCount * 2)
        for split in [train, valid, test] {
            for q in queries(split) { k.insert(q) }
        }
        k.finish()
        return k
    }
}

/// The true answers of each `(head, relation)` pair, sorted.
public struct KnownAnswers: Sendable {
    let relationCount: Int
    private var answers: [Int64: [Int32]] = [:]

    init(relationCount: Int) { self.relationCount = relationCount }

    @inline(__always) private func key(_ head: Int32, _ relation: Int32) -> Int64 {
        Int64(head) * Int64(relationCount) + Int64(relation)
    }

    mutating func insert(_ q: Query) { answers[key(q.head, q.relation), default: []].append(q.answer) }

    mutating func finish() {
        for (k, v) in answers { answers[k] = Array(Set(v)).sorted() }
    }

    public func answers(head: Int32, relation: Int32) -> [Int32] { answers[key(head, relation)] ?? [] }
}
