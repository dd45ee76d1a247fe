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

    /// About how many edges `matchEdges` visits, for a planner: from degrees, per-relation
    /// counts and binary searches over the sorted rows (a scan of the shorter row only for a bound
    /// subject and object with any relation). Never below the true count; above it only by
    /// deleted base edges.
    public func estimatedMatches(subject: Int32?, relation: Int32?, object: Int32?) -> Int {
        // A planner asks this for every pattern at every step of a join: the base's share is
        // found by binary searches over the sorted rows, not by a scan of a hub's edges.
        if let s = subject {
            let base: Int
            if relation == nil, let o = object {
                // The edges from s to o, any relation: a scan of the shorter of the two rows.
                let outRow = baseRow(out: true, s), inRow = baseRow(out: false, o)
                base = outRow.count <= inRow.count ? outRow.count(where: { outTargets[$0] == o }) : inRow.count(where: { inSources[$0] == s })
            } else {
                base = baseRange(out: true, s, relation, object: object).count
            }
            if relation == nil && object == nil { return base + deltaRows(out: true).row(s).count }
            let rows = deltaRows(out: true)
            var n = base
            for j in rows.row(s) where (relation == nil || relation == rows.relations[j]) && (object == nil || object == rows.columns[j]) { n += 1 }
            return n
        }
        if let o = object {
            let base = baseRange(out: false, o, relation, object: nil).count
            if relation == nil { return base + deltaRows(out: false).row(o).count }
            let rows = deltaRows(out: false)
            var n = base
            for j in rows.row(o) where relation == rows.relations[j] { n += 1 }
            return n
        }
        if let r = relation {
            let i = Int(r)
            let base = i < baseRelationCount ? self.base.relationCounts(self)[i] : 0
            return base + (i < delta.relationNet.count ? delta.relationNet[i] : 0)
        }
        return edgeCount
    }

    /// The base entries of node `u`'s row (forward or reverse) with relation `relation` (any when
    /// nil) and, forward only, object `object`: rows are sorted by relation, forward rows then by
    /// object, so each bound position narrows the range by a binary search. Deleted entries are in it.
    private func baseRange(out: Bool, _ u: Int32, _ relation: Int32?, object: Int32?) -> Range<Int> {
        let row = baseRow(out: out, u)
        guard let relation else { return row }
        let relations = out ? outRelations : inRelations
        let run = lowerBound(relations, row, relation)..<(relation == .max ? row.upperBound : lowerBound(relations, row, relation + 1))
        guard out, let object else { return run }
        let at = lowerBound(outTargets, run, object)
        return at < run.upperBound && outTargets[at] == object ? at..<at + 1 : at..<at
    }

    private func baseRow(out: Bool, _ u: Int32) -> Range<Int> {
        guard Int(u) < baseNodeCount, u >= 0 else { return 0..<0 }
        return out ? outEdges(of: u) : inEdgeRange(of: u)
    }

    /// The first entry in `range` of `values` (sorted there) not below `v`.
    private func lowerBound(_ values: Column<Int32>, _ range: Range<Int>, _ v: Int32) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @discardableResult
    private func matchOut(_ s: Int32, _ relation: Int32?, _ object: Int32?, _ body: (Int32, Int32, Int32) -> Bool) -> Bool {
        let rows = deltaRows(out: true)
        // A row is sorted by (relation, object): a bound relation is a run of it, a bound
        // object (with the relation) one entry of that run.
        let range = baseRange(out: true, s, relation, object: relation == nil ? nil : object)
        for e in range {
            let r = outRelations[e], o = outTargets[e]
            if !rows.isDeleted(e), object == nil || object == o, !body(s, r, o) { return false }
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
        for i in baseRange(out: false, o, relation, object: nil) {
            if !rows.isDeleted(i), !body(inSources[i], inRelations[i], o) { return false }
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
