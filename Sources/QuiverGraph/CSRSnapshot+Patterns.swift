import QuiverCore
/// A version's edges as SPARQL's triple patterns read them: every live edge whose subject,
/// relation and object equal the bound ones, from whichever index serves the bound positions
/// (the forward rows for a bound subject, the reverse rows for a bound object, a per-relation
/// index for a bound relation alone), base entries skipping tombstones, then the delta's.
///
/// ```swift
/// snapshot.matchEdges(subject: erin, relation: nil, object: nil) { s, r, o in print(r, o); return true }
/// snapshot.estimatedMatches(subject: nil, relation: bornIn, object: nil)   // edges of born_in
/// ```
extension CSRSnapshot {
    /// Calls `body(subject, relation, object)` for each live edge matching the bound positions
    /// (nil: any), until it returns false. Each edge comes once. Returns false when `body` stopped.
    @discardableResult
    public func matchEdges(subject: Int32?, relation: Int32?, object: Int32?, _ body: (Int32, Int32, Int32) -> Bool) -> Bool {
        if let s = subject { return matchOut(s, relation, object, body) }
        if let o = object { return matchIn(o, relation, body) }
        if let r = relation { return matchRelation(r, body) }
        for s in 0..<Int32(nodeCount) where !matchOut(s, nil, nil, body) { return false }
        return true
    }

    /// About how many edges `matchEdges` visits, for a planner: from degrees and per-relation
    /// counts, without a scan where one is not needed. Never below the true count; above it only
    /// by the deleted base edges of a bound subject's or object's row.
    public func estimatedMatches(subject: Int32?, relation: Int32?, object: Int32?) -> Int {
        if let s = subject {
            if relation == nil && object == nil { return baseRow(out: true, s).count + deltaRows(out: true).row(s).count }
            var n = 0
            matchOut(s, relation, object) { _, _, _ in n += 1; return true }
            return n
        }
        if let o = object {
            if relation == nil { return baseRow(out: false, o).count + deltaRows(out: false).row(o).count }
            var n = 0
            matchIn(o, relation) { _, _, _ in n += 1; return true }
            return n
        }
        if let r = relation {
            let i = Int(r)
            let base = i < baseRelationCount ? self.base.relationCounts(self)[i] : 0
            return base + (i < delta.relationNet.count ? delta.relationNet[i] : 0)
        }
        return edgeCount
    }

    private func baseRow(out: Bool, _ u: Int32) -> Range<Int> {
        guard Int(u) < baseNodeCount, u >= 0 else { return 0..<0 }
        return out ? outEdges(of: u) : inEdgeRange(of: u)
    }

    /// The first entry in `range` of `relations` (sorted there) not below `r`.
    private func lowerBound(_ relations: Column<Int32>, _ range: Range<Int>, _ r: Int32) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if relations[mid] < r { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @discardableResult
    private func matchOut(_ s: Int32, _ relation: Int32?, _ object: Int32?, _ body: (Int32, Int32, Int32) -> Bool) -> Bool {
        let rows = deltaRows(out: true)
        let row = baseRow(out: true, s)
        // A row is sorted by (relation, object): a bound relation is a run of it.
        var e = relation.map { lowerBound(outRelations, row, $0) } ?? row.lowerBound
        while e < row.upperBound {
            let r = outRelations[e], o = outTargets[e]
            if let relation, r != relation { break }
            if !rows.isDeleted(e), object == nil || object == o, !body(s, r, o) { return false }
            e += 1
        }
        for j in rows.row(s) {
            let r = rows.relations[j], o = rows.columns[j]
            if relation == nil || relation == r, object == nil || object == o, !body(s, r, o) { return false }
        }
        return true
    }

    @discardableResult
    private func matchIn(_ o: Int32, _ relation: Int32?, _ body: (Int32, Int32, Int32) -> Bool) -> Bool {
        let rows = deltaRows(out: false)
        let row = baseRow(out: false, o)
        var i = relation.map { lowerBound(inRelations, row, $0) } ?? row.lowerBound
        while i < row.upperBound {
            let r = inRelations[i]
            if let relation, r != relation { break }
            if !rows.isDeleted(i), !body(inSources[i], r, o) { return false }
            i += 1
        }
        for j in rows.row(o) {
            let r = rows.relations[j]
            if relation == nil || relation == r, !body(rows.columns[j], r, o) { return false }
        }
        return true
    }

    private func matchRelation(_ r: Int32, _ body: (Int32, Int32, Int32) -> Bool) -> Bool {
        if Int(r) < baseRelationCount {
            let index = base.relationIndex(self), rows = deltaRows(out: true)
            for k in index.entries(of: r) {
                let e = Int(index.edges[k])
                if !rows.isDeleted(e), !body(index.sources[k], r, outTargets[e]) { return false }
            }
        }
        let d = delta
        for k in 0..<d.addedCount where d.relation[k] == r {
            if !body(d.source[k], r, d.target[k]) { return false }
        }
        return true
    }
}

/// A base's forward edges grouped by relation (then by source): for patterns that bind only
/// the relation. About 8 bytes an edge, made once per base on first use.
final class RelationIndex: Sendable {
    let starts: [Int]
    /// Per entry: the forward position of the edge, and its source.
    let edges: [Int32]
    let sources: [Int32]

    init(_ snapshot: CSRSnapshot) {
        let relations = snapshot.baseRelationCount, m = snapshot.baseEdgeCount
        var starts = [Int](repeating: 0, count: relations + 1)
        for e in 0..<m { starts[Int(snapshot.outRelations[e]) + 1] += 1 }
        for r in 0..<relations { starts[r + 1] += starts[r] }
        var next = starts
        var edges = [Int32](repeating: 0, count: m), sources = [Int32](repeating: 0, count: m)
        for s in 0..<snapshot.baseNodeCount {
            for e in snapshot.outEdges(of: Int32(s)) {
                let r = Int(snapshot.outRelations[e])
                edges[next[r]] = Int32(e)
                sources[next[r]] = Int32(s)
                next[r] += 1
            }
        }
        self.starts = starts
        self.edges = edges
        self.sources = sources
    }

    func entries(of r: Int32) -> Range<Int> { starts[Int(r)]..<starts[Int(r) + 1] }
}

extension CSRSnapshot {
    /// Hands `body` every live triple of this version, as stored (plain names, not IRIs).
    public func forEachTriple(_ body: (Triple) -> Void) {
        _ = matchEdges(subject: nil, relation: nil, object: nil) { s, r, o in
            body(Triple(nodeTerm(s), relationTerm(r), nodeTerm(o)))
            return true
        }
    }
}
