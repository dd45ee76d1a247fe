import QuiverCore

/// An immutable in-memory view of one graph: forward and reverse adjacency in compressed sparse row
/// form, with the relation, provenance and split of every edge, and dense 32-bit node and relation
/// ids mapped to their terms.
///
/// Out-edges of node `u` are `outOffsets[u] ..< outOffsets[u + 1]` in `outTargets` / `outRelations`,
/// ordered by (relation, target); in-edges likewise in `inSources` / `inRelations`, ordered by
/// (relation, source), with `inEdges` giving each in-edge's index in the forward arrays.
///
/// ```swift
/// let snap = try SnapshotLoader(store: store).build(graph: "nations")
/// let usa = snap.node(named: "usa")!
/// for e in snap.outEdges(of: usa) { print(snap.relationName(snap.outRelations[e]), snap.nodeName(snap.outTargets[e])) }
/// ```
public final class CSRSnapshot: Sendable {
    public let graph: String
    /// The graph's change sequence when this snapshot was read; newer writes make it stale.
    public let changeSeq: Int64

    public let nodeTerms: [Term]
    public let relationTerms: [Term]
    public let nodeTermIDs: [Int64]
    public let relationTermIDs: [Int64]

    public let outOffsets: [Int]
    public let outTargets: [Int32]
    public let outRelations: [Int32]
    /// Per forward edge: `Provenance.rawValue`.
    public let provenance: [UInt8]
    /// Per forward edge: `Split.rawValue`, or -1 for none.
    public let split: [Int8]

    public let inOffsets: [Int]
    public let inSources: [Int32]
    public let inRelations: [Int32]
    public let inEdges: [Int32]

    private let nodeIndex: [String: Int32]
    private let relationIndex: [String: Int32]

    public var nodeCount: Int { nodeTerms.count }
    public var relationCount: Int { relationTerms.count }
    public var edgeCount: Int { outTargets.count }

    init(
        graph: String, changeSeq: Int64, nodeTerms: [Term], relationTerms: [Term], nodeTermIDs: [Int64],
        relationTermIDs: [Int64], outOffsets: [Int], outTargets: [Int32], outRelations: [Int32],
        provenance: [UInt8], split: [Int8], inOffsets: [Int], inSources: [Int32], inRelations: [Int32],
        inEdges: [Int32]
    ) {
        self.graph = graph
        self.changeSeq = changeSeq
        self.nodeTerms = nodeTerms
        self.relationTerms = relationTerms
        self.nodeTermIDs = nodeTermIDs
        self.relationTermIDs = relationTermIDs
        self.outOffsets = outOffsets
        self.outTargets = outTargets
        self.outRelations = outRelations
        self.provenance = provenance
        self.split = split
        self.inOffsets = inOffsets
        self.inSources = inSources
        self.inRelations = inRelations
        self.inEdges = inEdges
        var ni: [String: Int32] = [:]
        ni.reserveCapacity(nodeTerms.count)
        for (i, t) in nodeTerms.enumerated() { ni[t.displayName] = Int32(i) }
        nodeIndex = ni
        var ri: [String: Int32] = [:]
        for (i, t) in relationTerms.enumerated() { ri[t.displayName] = Int32(i) }
        relationIndex = ri
    }

    // MARK: Names

    /// The node whose display name is `name` (a plain name, an IRI with or without `<>`, `_:label`,
    /// or a literal in N-Triples form).
    public func node(named name: String) -> Int32? {
        if let n = nodeIndex[name] { return n }
        if name.hasPrefix("<"), name.hasSuffix(">"), name.count >= 2 { return nodeIndex[String(name.dropFirst().dropLast())] }
        return nil
    }

    public func relation(named name: String) -> Int32? {
        if let r = relationIndex[name] { return r }
        if name.hasPrefix("<"), name.hasSuffix(">"), name.count >= 2 { return relationIndex[String(name.dropFirst().dropLast())] }
        return nil
    }

    public func nodeName(_ n: Int32) -> String { nodeTerms[Int(n)].displayName }
    public func relationName(_ r: Int32) -> String { relationTerms[Int(r)].displayName }

    /// All node display names (for suggestions and listings).
    public var nodeNames: Dictionary<String, Int32>.Keys { nodeIndex.keys }
    public var relationNames: Dictionary<String, Int32>.Keys { relationIndex.keys }

    // MARK: Adjacency

    @inline(__always) public func outEdges(of u: Int32) -> Range<Int> {
        outOffsets[Int(u)] ..< outOffsets[Int(u) + 1]
    }

    @inline(__always) public func inEdgeRange(of v: Int32) -> Range<Int> {
        inOffsets[Int(v)] ..< inOffsets[Int(v) + 1]
    }

    public func outDegree(_ u: Int32) -> Int { outOffsets[Int(u) + 1] - outOffsets[Int(u)] }
    public func inDegree(_ v: Int32) -> Int { inOffsets[Int(v) + 1] - inOffsets[Int(v)] }

    /// The source node of forward edge `e` (found by binary search over the offsets).
    public func source(ofEdge e: Int) -> Int32 {
        var lo = 0, hi = nodeCount
        while lo + 1 < hi {
            let mid = (lo + hi) / 2
            if outOffsets[mid] <= e { lo = mid } else { hi = mid }
        }
        return Int32(lo)
    }

    /// Bytes held by the adjacency arrays and id maps (names not counted).
    public var adjacencyBytes: Int {
        outOffsets.count * 8 + inOffsets.count * 8 + outTargets.count * 4 + outRelations.count * 4
            + provenance.count + split.count + inSources.count * 4 + inRelations.count * 4 + inEdges.count * 4
            + nodeTermIDs.count * 8 + relationTermIDs.count * 8
    }
}

extension Term {
    /// How Quiver shows a term: plain names and IRIs bare, blank nodes as `_:label`, literals in
    /// N-Triples form (`"chat"@fr`, `"1"^^<http://www.w3.org/2001/XMLSchema#integer>`).
    public var displayName: String {
        switch self {
        case .name(let v), .iri(let v): return v
        case .blank(let v): return "_:" + v
        case .literal(let v, let dt, let lang):
            var s = "\"" + escapeLiteral(v) + "\""
            if let lang { s += "@" + lang } else if let dt { s += "^^<" + dt + ">" }
            return s
        }
    }
}

private func escapeLiteral(_ v: String) -> String {
    var out = ""
    out.reserveCapacity(v.utf8.count)
    for ch in v.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}
