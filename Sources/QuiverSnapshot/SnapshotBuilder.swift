import QuiverCore

/// Builds a `CSRSnapshot` from edges given as term ids. Pure logic: the loader feeds it from
/// PostgreSQL, tests feed it directly.
public struct SnapshotBuilder {
    public var graph: String
    public var changeSeq: Int64
    var s: [Int64] = []
    var p: [Int64] = []
    var o: [Int64] = []
    var prov: [UInt8] = []
    var splits: [Int8] = []
    var terms: [Int64: Term] = [:]

    public init(graph: String, changeSeq: Int64 = 0, expectedEdges: Int = 0) {
        self.graph = graph
        self.changeSeq = changeSeq
        s.reserveCapacity(expectedEdges)
        p.reserveCapacity(expectedEdges)
        o.reserveCapacity(expectedEdges)
        prov.reserveCapacity(expectedEdges)
        splits.reserveCapacity(expectedEdges)
    }

    public mutating func addEdge(s: Int64, p: Int64, o: Int64, provenance: UInt8 = 0, split: Int8 = -1) {
        self.s.append(s)
        self.p.append(p)
        self.o.append(o)
        self.prov.append(provenance)
        self.splits.append(split)
    }

    public mutating func addTerm(id: Int64, _ term: Term) {
        terms[id] = term
    }

    /// Convenience for tests and small writes: adds an edge by terms.
    public mutating func add(_ t: Triple, provenance: Provenance = .asserted, split: Split? = nil) {
        for term in [t.subject, t.predicate, t.object] { terms[term.id.rawValue] = term }
        addEdge(s: t.subject.id.rawValue, p: t.predicate.id.rawValue, o: t.object.id.rawValue,
                provenance: UInt8(provenance.rawValue), split: split.map { Int8($0.rawValue) } ?? -1)
    }

    /// Dense ids are given in ascending term-id order, so a graph gets the same ids in every build.
    public func build() -> CSRSnapshot {
        let m = s.count
        // Dense node and relation ids.
        var nodeKeys: [Int64] = []
        var seenNodes = IDMap(capacity: max(16, m / 4))
        for i in 0..<m {
            if seenNodes.get(s[i]) < 0 { seenNodes.insert(s[i], 0); nodeKeys.append(s[i]) }
            if seenNodes.get(o[i]) < 0 { seenNodes.insert(o[i], 0); nodeKeys.append(o[i]) }
        }
        nodeKeys.sort()
        var nodeMap = IDMap(capacity: nodeKeys.count)
        for (i, k) in nodeKeys.enumerated() { nodeMap.insert(k, Int32(i)) }
        let relKeys = Array(Set(p)).sorted()
        var relMap = IDMap(capacity: relKeys.count)
        for (i, k) in relKeys.enumerated() { relMap.insert(k, Int32(i)) }

        let n = nodeKeys.count
        var ds = [Int32](repeating: 0, count: m), dp = [Int32](repeating: 0, count: m), dobj = [Int32](repeating: 0, count: m)
        for i in 0..<m {
            ds[i] = nodeMap.get(s[i])
            dp[i] = relMap.get(p[i])
            dobj[i] = nodeMap.get(o[i])
        }

        // Forward order (s, p, o): stable counting sorts by o, then p, then s.
        let byO = countingSortOrder(keys: dobj, keyCount: n, order: Array(0..<m).map { Int32($0) })
        let byPO = countingSortOrder(keys: dp, keyCount: relKeys.count, order: byO)
        let forward = countingSortOrder(keys: ds, keyCount: n, order: byPO)
        var outOffsets = [Int](repeating: 0, count: n + 1)
        for i in 0..<m { outOffsets[Int(ds[i]) + 1] += 1 }
        for u in 0..<n { outOffsets[u + 1] += outOffsets[u] }
        var outTargets = [Int32](repeating: 0, count: m), outRelations = [Int32](repeating: 0, count: m)
        var provenance = [UInt8](repeating: 0, count: m), split = [Int8](repeating: -1, count: m)
        var forwardPosition = [Int32](repeating: 0, count: m)
        for (pos, e32) in forward.enumerated() {
            let e = Int(e32)
            outTargets[pos] = dobj[e]
            outRelations[pos] = dp[e]
            provenance[pos] = prov[e]
            split[pos] = splits[e]
            forwardPosition[e] = Int32(pos)
        }

        // Reverse order (o, p, s).
        let byS = countingSortOrder(keys: ds, keyCount: n, order: Array(0..<m).map { Int32($0) })
        let byPS = countingSortOrder(keys: dp, keyCount: relKeys.count, order: byS)
        let reverse = countingSortOrder(keys: dobj, keyCount: n, order: byPS)
        var inOffsets = [Int](repeating: 0, count: n + 1)
        for i in 0..<m { inOffsets[Int(dobj[i]) + 1] += 1 }
        for v in 0..<n { inOffsets[v + 1] += inOffsets[v] }
        var inSources = [Int32](repeating: 0, count: m), inRelations = [Int32](repeating: 0, count: m)
        var inEdges = [Int32](repeating: 0, count: m)
        for (pos, e32) in reverse.enumerated() {
            let e = Int(e32)
            inSources[pos] = ds[e]
            inRelations[pos] = dp[e]
            inEdges[pos] = forwardPosition[e]
        }

        let nodeTerms = nodeKeys.map { terms[$0] ?? .name("#\($0)") }
        let relationTerms = relKeys.map { terms[$0] ?? .name("#\($0)") }
        return CSRSnapshot(
            graph: graph, changeSeq: changeSeq, nodeTerms: nodeTerms, relationTerms: relationTerms,
            nodeTermIDs: nodeKeys, relationTermIDs: relKeys, outOffsets: outOffsets, outTargets: outTargets,
            outRelations: outRelations, provenance: provenance, split: split, inOffsets: inOffsets,
            inSources: inSources, inRelations: inRelations, inEdges: inEdges)
    }
}

/// A stable counting sort of `order` (indices into `keys`) by `keys[index]`.
func countingSortOrder(keys: [Int32], keyCount: Int, order: [Int32]) -> [Int32] {
    var counts = [Int](repeating: 0, count: keyCount + 1)
    for i in order { counts[Int(keys[Int(i)]) + 1] += 1 }
    for k in 0..<keyCount { counts[k + 1] += counts[k] }
    var out = [Int32](repeating: 0, count: order.count)
    for i in order {
        let k = Int(keys[Int(i)])
        out[counts[k]] = i
        counts[k] += 1
    }
    return out
}
