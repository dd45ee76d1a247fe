import QuiverCore
import Synchronization

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
///
/// A snapshot is also a *version* of a live graph: the arrays above are its base, shared by every
/// version made from it, and `delta` holds what writes changed since (see `applying`). The name
/// lookups and counts account for the delta; the raw arrays do not, so code that reads them
/// directly takes `compacted()` (the same graph with an empty delta) first. The path searches
/// read the delta through `deltaRows`.
public final class CSRSnapshot: Sendable {
    public let graph: String
    /// The graph's change sequence this version is at; newer writes make it stale.
    public let changeSeq: Int64
    /// What changed since the base arrays were built.
    public let delta: GraphDelta
    /// Shared by every version of one base.
    let base: BaseInfo
    private let compactedVersion = Mutex<CSRSnapshot?>(nil)

    public let nodeTerms: TermTable
    public let relationTerms: TermTable
    public let nodeTermIDs: Column<Int64>
    public let relationTermIDs: Column<Int64>

    public let outOffsets: Column<Int>
    public let outTargets: Column<Int32>
    public let outRelations: Column<Int32>
    /// Per forward edge: `Provenance.rawValue`.
    public let provenance: Column<UInt8>
    /// Per forward edge: `Split.rawValue`, or -1 for none.
    public let split: Column<Int8>

    public let inOffsets: Column<Int>
    public let inSources: Column<Int32>
    public let inRelations: Column<Int32>
    public let inEdges: Column<Int32>

    /// Nodes, relations and edges of this version (base and delta).
    public var nodeCount: Int { baseNodeCount + delta.newNodeIDs.count }
    public var relationCount: Int { baseRelationCount + delta.newRelationIDs.count }
    public var edgeCount: Int { outTargets.count - delta.deletedCount + delta.addedCount }
    /// Nodes, relations and edges of the base arrays. Counted from the id columns: a term
    /// table's count copies the table (a retain per array), and every id lookup asks this.
    @inline(__always) public var baseNodeCount: Int { nodeTermIDs.count }
    @inline(__always) public var baseRelationCount: Int { relationTermIDs.count }
    public var baseEdgeCount: Int { outTargets.count }
    /// The same for every version made from one base: a new one after each build or compaction.
    public var baseIdentity: ObjectIdentifier { ObjectIdentifier(base) }

    convenience init(
        graph: String, changeSeq: Int64, nodeTerms: [Term], relationTerms: [Term], nodeTermIDs: [Int64],
        relationTermIDs: [Int64], outOffsets: [Int], outTargets: [Int32], outRelations: [Int32],
        provenance: [UInt8], split: [Int8], inOffsets: [Int], inSources: [Int32], inRelations: [Int32],
        inEdges: [Int32]
    ) {
        self.init(
            graph: graph, changeSeq: changeSeq, nodeTerms: TermTable(nodeTerms), relationTerms: TermTable(relationTerms),
            nodeTermIDs: Column(nodeTermIDs), relationTermIDs: Column(relationTermIDs), outOffsets: Column(outOffsets),
            outTargets: Column(outTargets), outRelations: Column(outRelations), provenance: Column(provenance),
            split: Column(split), inOffsets: Column(inOffsets), inSources: Column(inSources), inRelations: Column(inRelations),
            inEdges: Column(inEdges))
    }

    /// A base snapshot from its columns (a snapshot file's).
    public convenience init(
        graph: String, changeSeq: Int64, nodeTerms: TermTable, relationTerms: TermTable, nodeTermIDs: Column<Int64>,
        relationTermIDs: Column<Int64>, outOffsets: Column<Int>, outTargets: Column<Int32>, outRelations: Column<Int32>,
        provenance: Column<UInt8>, split: Column<Int8>, inOffsets: Column<Int>, inSources: Column<Int32>,
        inRelations: Column<Int32>, inEdges: Column<Int32>
    ) {
        self.init(graph: graph, changeSeq: changeSeq, nodeTerms: nodeTerms, relationTerms: relationTerms,
                  nodeTermIDs: nodeTermIDs, relationTermIDs: relationTermIDs, outOffsets: outOffsets, outTargets: outTargets,
                  outRelations: outRelations, provenance: provenance, split: split, inOffsets: inOffsets, inSources: inSources,
                  inRelations: inRelations, inEdges: inEdges, delta: .empty, base: nil)
    }

    init(
        graph: String, changeSeq: Int64, nodeTerms: TermTable, relationTerms: TermTable, nodeTermIDs: Column<Int64>,
        relationTermIDs: Column<Int64>, outOffsets: Column<Int>, outTargets: Column<Int32>, outRelations: Column<Int32>,
        provenance: Column<UInt8>, split: Column<Int8>, inOffsets: Column<Int>, inSources: Column<Int32>,
        inRelations: Column<Int32>, inEdges: Column<Int32>, delta: GraphDelta, base: BaseInfo?
    ) {
        self.graph = graph
        self.changeSeq = changeSeq
        self.delta = delta
        self.base = base ?? BaseInfo(nodeTermIDs: nodeTermIDs)
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
    }

    // MARK: Names

    /// The node whose display name is `name`: a plain name, an IRI with or without `<>`, `_:label`,
    /// or a literal in N-Triples form (`"chat"@fr`, `"1"^^<…#integer>`). Found by the term's id, with
    /// a binary search over the id-ordered nodes: no string index is kept.
    /// A node whose every edge was deleted is not found, as in a snapshot rebuilt from the store.
    public func node(named name: String) -> Int32? {
        for term in Term.candidates(forDisplayName: name) {
            if let n = node(termID: term.id.rawValue) { return n }
        }
        return nil
    }

    /// The relation whose display name is `name` (as for `node(named:)`).
    public func relation(named name: String) -> Int32? {
        for term in Term.candidates(forDisplayName: name) {
            if let r = relation(termID: term.id.rawValue) { return r }
        }
        return nil
    }

    /// The node with this term id in this version, or nil (also when all its edges were deleted).
    public func node(termID id: Int64) -> Int32? {
        guard let n = anyNode(termID: id) else { return nil }
        return isLive(node: n) ? n : nil
    }

    /// The relation with this term id in this version, or nil (also when all its edges were deleted).
    public func relation(termID id: Int64) -> Int32? {
        guard let r = anyRelation(termID: id) else { return nil }
        return isLive(relation: r) ? r : nil
    }

    /// The term with this id among the version's nodes and relations, whether or not it has an
    /// edge left (naming a value costs two binary searches, not the liveness check of `node(termID:)`).
    public func term(termID id: Int64) -> Term? {
        if let n = anyNode(termID: id) { return nodeTerm(n) }
        return anyRelation(termID: id).map(relationTerm)
    }

    /// `term(termID:)`, also telling whether the id is a relation's: a query's answer names the
    /// same few relations over and over, so a caller may keep those.
    public func termAndRole(termID id: Int64) -> (term: Term, isRelation: Bool)? {
        if let n = anyNode(termID: id) { return (nodeTerm(n), false) }
        return anyRelation(termID: id).map { (relationTerm($0), true) }
    }

    /// The dense id of a term in the base or the delta, whether or not it has an edge left.
    func anyNode(termID id: Int64) -> Int32? {
        if let i = base.nodeIDs.position(of: id, in: nodeTermIDs) { return Int32(i) }
        return delta.newNode(termID: id)
    }

    func anyRelation(termID id: Int64) -> Int32? {
        if let i = Self.search(relationTermIDs, id) { return Int32(i) }
        return delta.newRelation(termID: id)
    }

    /// Whether node `n` has an edge in this version. Base nodes have one until edges are deleted;
    /// new nodes come with an edge and lose it only to a delete.
    public func isLive(node n: Int32) -> Bool {
        let i = Int(n)
        if delta.deletedCount == 0 && i < baseNodeCount { return true }
        let outRows = delta.rows(out: true), inRows = delta.rows(out: false)
        if !outRows.row(n).isEmpty || !inRows.row(n).isEmpty { return true }
        guard i < baseNodeCount else { return false }
        for e in outOffsets[i]..<outOffsets[i + 1] where !outRows.isDeleted(e) { return true }
        for e in inOffsets[i]..<inOffsets[i + 1] where !inRows.isDeleted(e) { return true }
        return false
    }

    /// Whether relation `r` has an edge in this version.
    public func isLive(relation r: Int32) -> Bool {
        let i = Int(r)
        if delta.deletedCount == 0 && i < baseRelationCount { return true }
        let net = i < delta.relationNet.count ? delta.relationNet[i] : 0
        return (i < baseRelationCount ? base.relationCounts(self)[i] : 0) + net > 0
    }

    /// The position of `id` in `ids` (sorted), looked for within `range` (all of it by default).
    static func search(_ ids: Column<Int64>, _ id: Int64, in range: Range<Int>? = nil) -> Int? {
        let range = range ?? 0..<ids.count
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < range.upperBound && ids[lo] == id ? lo : nil
    }

    public func nodeTerm(_ n: Int32) -> Term {
        Int(n) < baseNodeCount ? nodeTerms[Int(n)] : delta.newNodeTerms[Int(n) - baseNodeCount]
    }
    public func relationTerm(_ r: Int32) -> Term {
        Int(r) < baseRelationCount ? relationTerms[Int(r)] : delta.newRelationTerms[Int(r) - baseRelationCount]
    }

    /// The term id of node `n` (the key that joins it with other graphs and with constants).
    @inline(__always) public func nodeTermID(_ n: Int32) -> Int64 {
        Int(n) < baseNodeCount ? nodeTermIDs[Int(n)] : delta.newNodeIDs[Int(n) - baseNodeCount]
    }
    @inline(__always) public func relationTermID(_ r: Int32) -> Int64 {
        Int(r) < baseRelationCount ? relationTermIDs[Int(r)] : delta.newRelationIDs[Int(r) - baseRelationCount]
    }

    public func nodeName(_ n: Int32) -> String { nodeTerm(n).displayName }
    public func relationName(_ r: Int32) -> String { relationTerm(r).displayName }

    /// All node display names, in dense id order (for suggestions and listings).
    public var nodeNames: [String] { (Array(nodeTerms) + Array(delta.newNodeTerms)).map(\.displayName) }
    /// All relation display names, in dense id order.
    public var relationNames: [String] { (Array(relationTerms) + Array(delta.newRelationTerms)).map(\.displayName) }

    /// One direction of the delta as the searches read it (empty for a snapshot without one).
    public func deltaRows(out: Bool) -> DeltaRows { delta.rows(out: out) }

    // MARK: Adjacency (of the base arrays)

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
        var lo = 0, hi = baseNodeCount
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
            + nodeTermIDs.count * 8 + relationTermIDs.count * 8 + delta.bytes
    }

    /// This version with its delta merged into new base arrays (itself when the delta is empty),
    /// made once per version. The arrays are those a build from the store would give.
    public func compacted() -> CSRSnapshot {
        if delta.isEmpty { return self }
        if let done = compactedVersion.withLock({ $0 }) { return done }
        let made = merged()
        compactedVersion.withLock { $0 = made }
        return made
    }

    /// A version at `changeSeq` with this one's arrays and `delta`.
    func with(delta: GraphDelta, changeSeq: Int64) -> CSRSnapshot {
        CSRSnapshot(
            graph: graph, changeSeq: changeSeq, nodeTerms: nodeTerms, relationTerms: relationTerms,
            nodeTermIDs: nodeTermIDs, relationTermIDs: relationTermIDs, outOffsets: outOffsets, outTargets: outTargets,
            outRelations: outRelations, provenance: provenance, split: split, inOffsets: inOffsets, inSources: inSources,
            inRelations: inRelations, inEdges: inEdges, delta: delta, base: base)
    }
}

/// What the versions of one base share: its identity, the buckets that find a node by its term
/// id, and the per-relation edge counts, counted when a delete first needs them.
final class BaseInfo: Sendable {
    let nodeIDs: TermIDBuckets

    init(nodeTermIDs: Column<Int64>) {
        nodeIDs = TermIDBuckets(nodeTermIDs)
    }

    private let counts = Mutex<[Int]?>(nil)
    private let byRelation = Mutex<RelationIndex?>(nil)

    /// The base's edges grouped by relation, made when a pattern first binds only the relation.
    func relationIndex(_ snapshot: CSRSnapshot) -> RelationIndex {
        if let index = byRelation.withLock({ $0 }) { return index }
        let made = RelationIndex(snapshot)
        byRelation.withLock { $0 = made }
        return made
    }

    func relationCounts(_ snapshot: CSRSnapshot) -> [Int] {
        if let c = counts.withLock({ $0 }) { return c }
        var c = [Int](repeating: 0, count: snapshot.baseRelationCount)
        for r in snapshot.outRelations { c[Int(r)] += 1 }
        counts.withLock { $0 = c }
        return c
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

extension Term {
    /// The terms a user may mean by a display name: a plain name or IRI, `<iri>`, `_:label`, or a
    /// literal in N-Triples form. The marks are matched and cut as bytes: `<` followed by a
    /// combining mark is one `Character` that is not `<`, yet it opens an IRI's display name.
    static func candidates(forDisplayName name: String) -> [Term] {
        let bytes = name.utf8
        if bytes.count >= 2, bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">") {
            return [.iri(String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self))]
        }
        if bytes.starts(with: "_:".utf8) { return [.blank(String(decoding: bytes.dropFirst(2), as: UTF8.self)), .name(name)] }
        if bytes.first == UInt8(ascii: "\""), let literal = parseLiteral(name) { return [literal, .name(name)] }
        return [.name(name), .iri(name)]
    }

    private static func parseLiteral(_ text: String) -> Term? {
        let chars = Array(text.unicodeScalars)
        var value = String.UnicodeScalarView()
        var i = 1
        while i < chars.count && chars[i] != "\"" {
            if chars[i] == "\\", i + 1 < chars.count {
                switch chars[i + 1] {
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                default: value.append(chars[i + 1])
                }
                i += 2
            } else {
                value.append(chars[i])
                i += 1
            }
        }
        guard i < chars.count else { return nil }
        let rest = chars[(i + 1)...]
        let lexical = String(value)
        if rest.isEmpty { return .literal(lexical, datatype: nil, language: nil) }
        if rest.first == "@" { return .literal(lexical, datatype: nil, language: String(String.UnicodeScalarView(rest.dropFirst()))) }
        if rest.starts(with: ["^", "^", "<"]), rest.count >= 4, rest.last == ">" {
            return .literal(lexical, datatype: String(String.UnicodeScalarView(rest.dropFirst(3).dropLast())), language: nil)
        }
        return nil
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

/// Finds an id in a sorted column of term ids in a few probes: term ids are hashes, spread evenly,
/// so the ids under each value of their top bits form a short run (about 8), and the run is
/// searched instead of the whole column. A binary search over a million ids took about 20 probes,
/// most of them cache misses, on every bound variable of every row of a SPARQL join. Ids bunched
/// under some top bits only make those runs longer: the answer stays exact.
struct TermIDBuckets: Sendable {
    /// Bucket b's ids are at starts[b]..<starts[b + 1].
    private let starts: [Int32]
    private let shift: UInt64

    init(_ ids: Column<Int64>) {
        var bits = 0
        while bits < 20 && (1 << bits) * 8 < ids.count { bits += 1 }
        shift = UInt64(64 - bits)
        var starts = [Int32](repeating: 0, count: (1 << bits) + 1)
        for id in ids { starts[Int(Self.key(id) >> shift) + 1] += 1 }
        for b in 0..<(1 << bits) { starts[b + 1] += starts[b] }
        self.starts = starts
    }

    /// The id's bits in the ids' order (signed), as an unsigned number.
    @inline(__always) private static func key(_ id: Int64) -> UInt64 { UInt64(bitPattern: id) ^ (1 << 63) }

    /// The position of `id` in `ids` (the column these buckets were made from), or nil.
    @inline(__always) func position(of id: Int64, in ids: Column<Int64>) -> Int? {
        // shift is 64 with one bucket: a shift by the width gives 0 for Swift's `>>`.
        let b = Int(Self.key(id) >> shift)
        return CSRSnapshot.search(ids, id, in: Int(starts[b])..<Int(starts[b + 1]))
    }
}
