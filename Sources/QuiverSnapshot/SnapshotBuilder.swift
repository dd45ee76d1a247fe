import Dispatch
import QuiverCore

/// Builds a `CSRSnapshot` from edges given as term ids. Pure logic: the loader feeds it from
/// PostgreSQL, tests feed it directly.
public struct SnapshotBuilder {
    public var graph: String
    public var changeSeq: Int64
    // Edges as first-seen node and relation numbers, assigned while the rows stream in.
    var fs: [Int32] = []
    var fp: [Int32] = []
    var fo: [Int32] = []
    var prov: [UInt8] = []
    var splits: [Int8] = []
    var nodeFirstSeen = IDMap(capacity: 1 << 16)
    var seenKeys: [Int64] = []
    var relFirstSeen = IDMap(capacity: 64)
    var relSeen: [Int64] = []
    var termIndex = IDMap(capacity: 1024)
    var termList: [Term] = []

    public init(graph: String, changeSeq: Int64 = 0, expectedEdges: Int = 0) {
        self.graph = graph
        self.changeSeq = changeSeq
        fs.reserveCapacity(expectedEdges)
        fp.reserveCapacity(expectedEdges)
        fo.reserveCapacity(expectedEdges)
        prov.reserveCapacity(expectedEdges)
        splits.reserveCapacity(expectedEdges)
    }

    public mutating func addEdge(s: Int64, p: Int64, o: Int64, provenance: UInt8 = 0, split: Int8 = -1) {
        var v = nodeFirstSeen.insert(s, Int32(seenKeys.count))
        if Int(v) == seenKeys.count { seenKeys.append(s) }
        fs.append(v)
        v = nodeFirstSeen.insert(o, Int32(seenKeys.count))
        if Int(v) == seenKeys.count { seenKeys.append(o) }
        fo.append(v)
        v = relFirstSeen.insert(p, Int32(relSeen.count))
        if Int(v) == relSeen.count { relSeen.append(p) }
        fp.append(v)
        prov.append(provenance)
        splits.append(split)
    }

    public mutating func addTerm(id: Int64, _ term: Term) {
        let k = termIndex.insert(id, Int32(termList.count))
        if Int(k) == termList.count { termList.append(term) } else { termList[Int(k)] = term }
    }

    /// Convenience for tests and small writes: adds an edge by terms.
    public mutating func add(_ t: Triple, provenance: Provenance = .asserted, split: Split? = nil) {
        for term in [t.subject, t.predicate, t.object] { addTerm(id: term.id.rawValue, term) }
        addEdge(s: t.subject.id.rawValue, p: t.predicate.id.rawValue, o: t.object.id.rawValue,
                provenance: UInt8(provenance.rawValue), split: split.map { Int8($0.rawValue) } ?? -1)
    }

    /// Dense ids are given in ascending term-id order, so a graph gets the same ids in every build.
    /// Out-edges are ordered by (relation, target) and in-edges by (relation, source).
    public func build() -> CSRSnapshot {
        let m = fs.count
        // Renumber nodes and relations in term-id order.
        let n = seenKeys.count
        let sortedOrder = (0..<n).sorted { seenKeys[$0] < seenKeys[$1] }
        var remap = [Int32](repeating: 0, count: n)
        for (dense, first) in sortedOrder.enumerated() { remap[first] = Int32(dense) }
        let nodeKeys = sortedOrder.map { seenKeys[$0] }
        let relOrder = (0..<relSeen.count).sorted { relSeen[$0] < relSeen[$1] }
        var relRemap = [Int32](repeating: 0, count: relSeen.count)
        for (dense, first) in relOrder.enumerated() { relRemap[first] = Int32(dense) }
        let relKeys = relOrder.map { relSeen[$0] }

        let ds = remap.withUnsafeBufferPointer { remap in fs.map { remap[Int($0)] } }
        let dobj = remap.withUnsafeBufferPointer { remap in fo.map { remap[Int($0)] } }
        let dp = fp.map { relRemap[Int($0)] }

        // Forward and reverse orders are independent: compute them on two threads.
        nonisolated(unsafe) var forward: (offsets: [Int], order: [Int32]) = ([], [])
        nonisolated(unsafe) var reverse: (offsets: [Int], order: [Int32]) = ([], [])
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            if k == 0 {
                forward = adjacencyOrder(rows: ds, relations: dp, columns: dobj, nodeCount: n)
            } else {
                reverse = adjacencyOrder(rows: dobj, relations: dp, columns: ds, nodeCount: n)
            }
        }
        var outTargets = [Int32](repeating: 0, count: m), outRelations = [Int32](repeating: 0, count: m)
        var provenance = [UInt8](repeating: 0, count: m), split = [Int8](repeating: -1, count: m)
        var forwardPosition = [Int32](repeating: 0, count: m)
        forward.order.withUnsafeBufferPointer { order in
            for pos in 0..<m {
                let e = Int(order[pos])
                outTargets[pos] = dobj[e]
                outRelations[pos] = dp[e]
                provenance[pos] = prov[e]
                split[pos] = splits[e]
                forwardPosition[e] = Int32(pos)
            }
        }
        var inSources = [Int32](repeating: 0, count: m), inRelations = [Int32](repeating: 0, count: m)
        var inEdges = [Int32](repeating: 0, count: m)
        reverse.order.withUnsafeBufferPointer { order in
            for pos in 0..<m {
                let e = Int(order[pos])
                inSources[pos] = ds[e]
                inRelations[pos] = dp[e]
                inEdges[pos] = forwardPosition[e]
            }
        }

        func term(_ id: Int64) -> Term {
            let k = termIndex.get(id)
            return k >= 0 ? termList[Int(k)] : .name("#\(id)")
        }
        return CSRSnapshot(
            graph: graph, changeSeq: changeSeq, nodeTerms: nodeKeys.map(term), relationTerms: relKeys.map(term),
            nodeTermIDs: nodeKeys, relationTermIDs: relKeys, outOffsets: forward.offsets, outTargets: outTargets,
            outRelations: outRelations, provenance: provenance, split: split, inOffsets: reverse.offsets,
            inSources: inSources, inRelations: inRelations, inEdges: inEdges)
    }
}

/// Orders edges by row (a counting sort), then within each row by (relation, column). Returns the
/// row offsets and the edge order.
func adjacencyOrder(rows: [Int32], relations: [Int32], columns: [Int32], nodeCount n: Int) -> (offsets: [Int], order: [Int32]) {
    let m = rows.count
    var offsets = [Int](repeating: 0, count: n + 1)
    var order = [Int32](repeating: 0, count: m)
    rows.withUnsafeBufferPointer { rows in
        offsets.withUnsafeMutableBufferPointer { off in
            for i in 0..<m { off[Int(rows[i]) + 1] += 1 }
            for u in 0..<n { off[u + 1] += off[u] }
            var next = Array(off[0..<n])
            next.withUnsafeMutableBufferPointer { next in
                order.withUnsafeMutableBufferPointer { order in
                    for i in 0..<m {
                        let r = Int(rows[i])
                        order[next[r]] = Int32(i)
                        next[r] += 1
                    }
                }
            }
        }
    }
    // Within a row: by (relation, column), with the edge index as a final tie-break for stability.
    relations.withUnsafeBufferPointer { rel in
        columns.withUnsafeBufferPointer { col in
            order.withUnsafeMutableBufferPointer { order in
                var keys: [(UInt64, Int32)] = []
                for u in 0..<n {
                    let lo = offsets[u], hi = offsets[u + 1]
                    if hi - lo < 2 { continue }
                    if hi - lo <= 12 {
                        // Insertion sort for the common short rows.
                        for i in (lo + 1)..<hi {
                            let e = order[i]
                            let k = UInt64(UInt32(rel[Int(e)])) << 32 | UInt64(UInt32(col[Int(e)]))
                            var j = i - 1
                            while j >= lo {
                                let f = order[j]
                                let kf = UInt64(UInt32(rel[Int(f)])) << 32 | UInt64(UInt32(col[Int(f)]))
                                if kf < k || (kf == k && f < e) { break }
                                order[j + 1] = f
                                j -= 1
                            }
                            order[j + 1] = e
                        }
                    } else {
                        keys.removeAll(keepingCapacity: true)
                        for i in lo..<hi {
                            let e = order[i]
                            keys.append((UInt64(UInt32(rel[Int(e)])) << 32 | UInt64(UInt32(col[Int(e)])), e))
                        }
                        keys.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                        for (j, k) in keys.enumerated() { order[lo + j] = k.1 }
                    }
                }
            }
        }
    }
    return (offsets, order)
}
