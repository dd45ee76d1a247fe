import QuiverCore
import QuiverGraph

/// One atomic fact by dense ids, with where it came from.
public struct Fact: Hashable, Sendable {
    public var head: Int32
    public var relation: Int32
    public var tail: Int32
    public var provenance: Provenance
    public var split: Split?

    public init(_ head: Int32, _ relation: Int32, _ tail: Int32, provenance: Provenance = .asserted, split: Split? = nil) {
        self.head = head
        self.relation = relation
        self.tail = tail
        self.provenance = provenance
        self.split = split
    }
}

/// The atomic facts a dataset is built from: dense entity and relation ids with their names, facts
/// grouped by head and ordered by (relation, tail). Fact `i` is `(heads[i], relations[i], tails[i])`.
///
/// ```swift
/// let g = FactGraph(entityNames: ["a", "b", "c"], relationNames: ["p", "q"],
///                   facts: [Fact(0, 0, 1), Fact(1, 1, 2)])
/// g.tails(of: 0, relation: 0)   // [1]
/// ```
public struct FactGraph: Sendable {
    public private(set) var entityNames: [String]
    public private(set) var relationNames: [String]
    public private(set) var offsets: [Int]
    public private(set) var heads: [Int32]
    public private(set) var relations: [Int32]
    public private(set) var tails: [Int32]
    public private(set) var provenance: [Provenance]
    public private(set) var splits: [Split?]

    public var entityCount: Int { entityNames.count }
    public var relationCount: Int { relationNames.count }
    public var factCount: Int { tails.count }

    /// Sorts the facts by (head, relation, tail); a triple given twice is kept once (the first).
    public init(entityNames: [String], relationNames: [String], facts: [Fact]) {
        self.entityNames = entityNames
        self.relationNames = relationNames
        var sorted = facts
        sorted.sort { ($0.head, $0.relation, $0.tail) < ($1.head, $1.relation, $1.tail) }
        var unique: [Fact] = []
        unique.reserveCapacity(sorted.count)
        for f in sorted {
            if let last = unique.last, last.head == f.head, last.relation == f.relation, last.tail == f.tail { continue }
            unique.append(f)
        }
        heads = unique.map(\.head)
        relations = unique.map(\.relation)
        tails = unique.map(\.tail)
        provenance = unique.map(\.provenance)
        splits = unique.map(\.split)
        var off = [Int](repeating: 0, count: entityNames.count + 1)
        for h in heads { off[Int(h) + 1] += 1 }
        for i in 0..<entityNames.count { off[i + 1] += off[i] }
        offsets = off
    }

    /// Facts of a snapshot, optionally only one split and some provenances. Entities and relations
    /// keep the snapshot's dense ids, so tokens are stable for a graph.
    public init(snapshot: CSRSnapshot, split: Split? = nil, provenances: Set<Provenance>? = nil) {
        var facts: [Fact] = []
        facts.reserveCapacity(snapshot.edgeCount)
        for u in 0..<Int32(snapshot.nodeCount) {
            for e in snapshot.outEdges(of: u) {
                let s = snapshot.split[e] >= 0 ? Split(rawValue: Int16(snapshot.split[e])) : nil
                if let split, s != split { continue }
                let p = Provenance(rawValue: Int16(snapshot.provenance[e])) ?? .asserted
                if let provenances, !provenances.contains(p) { continue }
                facts.append(Fact(u, snapshot.outRelations[e], snapshot.outTargets[e], provenance: p, split: s))
            }
        }
        self.init(entityNames: snapshot.nodeNames, relationNames: snapshot.relationNames, facts: facts)
    }

    public var facts: [Fact] {
        (0..<factCount).map { Fact(heads[$0], relations[$0], tails[$0], provenance: provenance[$0], split: splits[$0]) }
    }

    @inline(__always) public func factRange(of head: Int32) -> Range<Int> { offsets[Int(head)] ..< offsets[Int(head) + 1] }

    /// The facts `(head, relation, ·)`, by binary search in the head's range.
    public func factRange(of head: Int32, relation r: Int32) -> Range<Int> {
        let range = factRange(of: head)
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi { let m = (lo + hi) / 2; if relations[m] < r { lo = m + 1 } else { hi = m } }
        var end = lo
        while end < range.upperBound && relations[end] == r { end += 1 }
        return lo ..< end
    }

    public func tails(of head: Int32, relation: Int32) -> [Int32] { factRange(of: head, relation: relation).map { tails[$0] } }

    /// The index of fact `(h, r, t)`, if present.
    public func factIndex(_ h: Int32, _ r: Int32, _ t: Int32) -> Int? {
        factRange(of: h, relation: r).first { tails[$0] == t }
    }

    /// True when no (head, relation) has two tails: every composition input then has one answer.
    public var isFunctional: Bool {
        for i in 1..<max(1, factCount) where heads[i] == heads[i - 1] && relations[i] == relations[i - 1] { return false }
        return true
    }

    /// Facts per relation.
    public var relationCounts: [Int] {
        var c = [Int](repeating: 0, count: relationCount)
        for r in relations { c[Int(r)] += 1 }
        return c
    }

    /// The graph without the facts whose (head, relation) has more than one tail, and how many went.
    public func functionalPart() -> (graph: FactGraph, dropped: Int) {
        var kept: [Fact] = []
        var dropped = 0
        var i = 0
        while i < factCount {
            var j = i + 1
            while j < factCount && heads[j] == heads[i] && relations[j] == relations[i] { j += 1 }
            if j - i == 1 {
                kept.append(Fact(heads[i], relations[i], tails[i], provenance: provenance[i], split: splits[i]))
            } else {
                dropped += j - i
            }
            i = j
        }
        return (FactGraph(entityNames: entityNames, relationNames: relationNames, facts: kept), dropped)
    }

    /// This graph with more facts (and entities and relations named after the existing ones).
    public func adding(entities newEntities: [String] = [], relations newRelations: [String] = [], facts extra: [Fact]) -> FactGraph {
        FactGraph(entityNames: entityNames + newEntities, relationNames: relationNames + newRelations, facts: facts + extra)
    }
}
