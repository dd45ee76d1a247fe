import QuiverCore

extension CSRSnapshot {
    /// The term ids that `changes` add and this version does not know: `applying` needs their terms.
    public func unknownTermIDs(in changes: [GraphChange]) -> [Int64] {
        var unknown = Set<Int64>()
        for c in changes where c.kind == .add {
            for i in 0..<c.count {
                if anyNode(termID: c.subjects[i]) == nil { unknown.insert(c.subjects[i]) }
                if anyRelation(termID: c.predicates[i]) == nil { unknown.insert(c.predicates[i]) }
                if anyNode(termID: c.objects[i]) == nil { unknown.insert(c.objects[i]) }
            }
        }
        return unknown.sorted()
    }

    /// The next version: this one with `changes` applied in order. The base arrays are shared; only
    /// the delta is made anew, in time proportional to the delta and the batch (plus a bit per node).
    /// `changes` must follow this version's change sequence without a gap; `terms` has the term of
    /// every id that `unknownTermIDs(in:)` lists.
    ///
    /// An add of a triple already there and a delete of one that is not change nothing, as in the
    /// store. A triple deleted and added again stays deleted in the base and is added to the delta
    /// with its new labels.
    public func applying(_ changes: [GraphChange], terms: [Int64: Term]) throws(DeltaError) -> CSRSnapshot {
        guard let first = changes.first else { return self }
        if first.seq != changeSeq + 1 { throw .gap(have: changeSeq, next: first.seq) }
        for (a, b) in zip(changes, changes.dropFirst()) where b.seq != a.seq + 1 { throw .gap(have: a.seq, next: b.seq) }
        var p = delta.parts
        let baseN = baseNodeCount, baseR = baseRelationCount
        var newNodes: [Int64: Int32] = [:], newRelations: [Int64: Int32] = [:]

        func node(_ id: Int64, create: Bool) throws(DeltaError) -> Int32? {
            if let n = anyNode(termID: id) ?? newNodes[id] { return n }
            guard create else { return nil }
            guard let term = terms[id] else { throw .unknownTerm(id) }
            let n = Int32(baseN + p.newNodeIDs.count)
            p.newNodeIDs.append(id)
            p.newNodeTerms.append(term)
            newNodes[id] = n
            return n
        }
        func relation(_ id: Int64, create: Bool) throws(DeltaError) -> Int32? {
            if let r = anyRelation(termID: id) ?? newRelations[id] { return r }
            guard create else { return nil }
            guard let term = terms[id] else { throw .unknownTerm(id) }
            let r = Int32(baseR + p.newRelationIDs.count)
            p.newRelationIDs.append(id)
            p.newRelationTerms.append(term)
            newRelations[id] = r
            return r
        }

        // The net effect of the batch per edge, decided in order against what is there.
        enum Op { case add(UInt8, Int8), delete }
        var ops: [EdgeKey: Op] = [:]
        var order: [EdgeKey] = []
        let outRows = delta.rows(out: true)
        func baseEdge(_ k: EdgeKey) -> Int? {
            guard Int(k.u) < baseN else { return nil }
            var lo = outOffsets[Int(k.u)], hi = outOffsets[Int(k.u) + 1]
            while lo < hi {
                let mid = (lo + hi) / 2
                if (outRelations[mid], outTargets[mid]) < (k.r, k.v) { lo = mid + 1 } else { hi = mid }
            }
            guard lo < outOffsets[Int(k.u) + 1], outRelations[lo] == k.r, outTargets[lo] == k.v, !outRows.isDeleted(lo) else { return nil }
            return lo
        }
        func present(_ k: EdgeKey) -> Bool {
            if let op = ops[k] { if case .add = op { return true } else { return false } }
            return baseEdge(k) != nil || delta.addedEdge(k.u, k.r, k.v) != nil
        }
        for change in changes {
            switch change.kind {
            case .ontology:
                p.ontologyChanges += 1
            case .add:
                for i in 0..<change.count {
                    guard let u = try node(change.subjects[i], create: true), let r = try relation(change.predicates[i], create: true),
                          let v = try node(change.objects[i], create: true) else { continue }
                    let k = EdgeKey(u: u, r: r, v: v)
                    if present(k) { continue }
                    if ops[k] == nil { order.append(k) }
                    ops[k] = .add(change.provenance[i], change.split[i])
                }
            case .delete:
                for i in 0..<change.count {
                    guard let u = try node(change.subjects[i], create: false), let r = try relation(change.predicates[i], create: false),
                          let v = try node(change.objects[i], create: false) else { continue }
                    let k = EdgeKey(u: u, r: r, v: v)
                    if !present(k) { continue }
                    if ops[k] == nil { order.append(k) }
                    ops[k] = .delete
                }
            }
        }

        // Tombstones, edges leaving the delta, edges joining it.
        let nodeCount = baseN + p.newNodeIDs.count
        p.relationNet += [Int](repeating: 0, count: baseR + p.newRelationIDs.count - p.relationNet.count)
        var dropped = Set<Int>()
        var joining: [(k: EdgeKey, provenance: UInt8, split: Int8)] = []
        for k in order {
            guard let op = ops[k] else { continue }
            if let d = delta.addedEdge(k.u, k.r, k.v) {
                dropped.insert(d)
                p.relationNet[Int(k.r)] -= 1
            }
            if let e = baseEdge(k) {
                if p.deletedOut.isEmpty {
                    p.deletedOut = [UInt64](repeating: 0, count: (baseEdgeCount + 63) >> 6)
                    p.deletedIn = p.deletedOut
                }
                p.deletedOut[e >> 6] |= 1 << UInt64(e & 63)
                let i = reverseEntry(ofBaseEdge: e, k)
                p.deletedIn[i >> 6] |= 1 << UInt64(i & 63)
                p.relationNet[Int(k.r)] -= 1
            }
            if case .add(let prov, let sp) = op {
                joining.append((k, prov, sp))
                p.relationNet[Int(k.r)] += 1
            }
        }
        guard !dropped.isEmpty || !joining.isEmpty || !order.isEmpty || p.ontologyChanges != delta.ontologyChanges
                || p.newNodeIDs.count != delta.newNodeIDs.count || p.newRelationIDs.count != delta.newRelationIDs.count else {
            return with(delta: delta, changeSeq: changes.last!.seq)
        }
        joining.sort { ($0.k.u, $0.k.r, $0.k.v) < ($1.k.u, $1.k.r, $1.k.v) }

        // Forward order: the kept old edges merged with the joining ones.
        let old = delta
        var position = [Int32](repeating: -1, count: old.addedCount)
        var joinedAt = [Int32](repeating: 0, count: joining.count)
        var source: [Int32] = [], relation: [Int32] = [], target: [Int32] = [], provenance: [UInt8] = [], split: [Int8] = []
        let total = old.addedCount - dropped.count + joining.count
        source.reserveCapacity(total); relation.reserveCapacity(total); target.reserveCapacity(total)
        provenance.reserveCapacity(total); split.reserveCapacity(total)
        var i = 0, j = 0
        while i < old.addedCount || j < joining.count {
            if i < old.addedCount && dropped.contains(i) { i += 1; continue }
            let takeOld: Bool
            if i == old.addedCount { takeOld = false } else if j == joining.count { takeOld = true } else {
                takeOld = (old.source[i], old.relation[i], old.target[i]) < (joining[j].k.u, joining[j].k.r, joining[j].k.v)
            }
            if takeOld {
                position[i] = Int32(source.count)
                source.append(old.source[i]); relation.append(old.relation[i]); target.append(old.target[i])
                provenance.append(old.provenance[i]); split.append(old.split[i])
                i += 1
            } else {
                let e = joining[j]
                joinedAt[j] = Int32(source.count)
                source.append(e.k.u); relation.append(e.k.r); target.append(e.k.v)
                provenance.append(e.provenance); split.append(e.split)
                j += 1
            }
        }
        // Reverse order: the kept old entries (still in order) merged with the joining ones.
        var kept: [Int32] = []
        kept.reserveCapacity(old.addedCount)
        for k in 0..<old.inEdge.count where position[Int(old.inEdge[k])] >= 0 { kept.append(position[Int(old.inEdge[k])]) }
        let joiningIn = joinedAt.sorted { (target[Int($0)], relation[Int($0)], source[Int($0)]) < (target[Int($1)], relation[Int($1)], source[Int($1)]) }
        var inEdge: [Int32] = []
        inEdge.reserveCapacity(total)
        i = 0; j = 0
        while i < kept.count || j < joiningIn.count {
            let takeOld: Bool
            if i == kept.count { takeOld = false } else if j == joiningIn.count { takeOld = true } else {
                let a = Int(kept[i]), b = Int(joiningIn[j])
                takeOld = (target[a], relation[a], source[a]) < (target[b], relation[b], source[b])
            }
            if takeOld { inEdge.append(kept[i]); i += 1 } else { inEdge.append(joiningIn[j]); j += 1 }
        }
        p.source = source; p.relation = relation; p.target = target; p.provenance = provenance; p.split = split
        p.inEdge = inEdge
        return with(delta: GraphDelta(p, nodeCount: nodeCount), changeSeq: changes.last!.seq)
    }

    /// The position among the base's reverse entries of base forward edge `e` = (u, r, v).
    private func reverseEntry(ofBaseEdge e: Int, _ k: EdgeKey) -> Int {
        var lo = inOffsets[Int(k.v)], hi = inOffsets[Int(k.v) + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if (inRelations[mid], inSources[mid]) < (k.r, k.u) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The base and delta merged into new arrays, as a build from the store would make them: nodes
    /// and relations in term-id order, those left without an edge gone, rows ordered by (relation,
    /// other end). Every base edge is read once, in order.
    func merged() -> CSRSnapshot {
        let d = delta, baseN = baseNodeCount, baseR = baseRelationCount
        let outRows = d.rows(out: true), inRows = d.rows(out: false)
        // The nodes and relations with an edge left.
        let n = nodeCount, r = relationCount
        var liveNode = [Bool](repeating: false, count: n), liveRelation = [Bool](repeating: false, count: r)
        for u in 0..<baseN {
            for e in outOffsets[u]..<outOffsets[u + 1] where !outRows.isDeleted(e) {
                liveNode[u] = true
                liveNode[Int(outTargets[e])] = true
                liveRelation[Int(outRelations[e])] = true
            }
        }
        for k in 0..<d.addedCount {
            liveNode[Int(d.source[k])] = true
            liveNode[Int(d.target[k])] = true
            liveRelation[Int(d.relation[k])] = true
        }
        // New ids in term-id order: the base's are in order already, the delta's are merged in.
        func renumber(live: [Bool], baseCount: Int, baseIDs: Column<Int64>, newIDs: ChunkedList<Int64>) -> (map: [Int32], ids: [Int64], old: [Int32]) {
            let extra = newIDs.indices.filter { live[baseCount + $0] }.sorted { newIDs[$0] < newIDs[$1] }
            var map = [Int32](repeating: -1, count: live.count), ids: [Int64] = [], old: [Int32] = []
            var i = 0, j = 0
            while i < baseCount || j < extra.count {
                if i < baseCount && !live[i] { i += 1; continue }
                let takeBase = j == extra.count || (i < baseCount && baseIDs[i] < newIDs[extra[j]])
                let o = takeBase ? i : baseCount + extra[j]
                map[o] = Int32(ids.count)
                ids.append(takeBase ? baseIDs[i] : newIDs[extra[j]])
                old.append(Int32(o))
                if takeBase { i += 1 } else { j += 1 }
            }
            return (map, ids, old)
        }
        let nodes = renumber(live: liveNode, baseCount: baseN, baseIDs: nodeTermIDs, newIDs: d.newNodeIDs)
        let rels = renumber(live: liveRelation, baseCount: baseR, baseIDs: relationTermIDs, newIDs: d.newRelationIDs)
        let nodeMap = nodes.map, relMap = rels.map
        let m = edgeCount
        // Forward rows: each node's live base entries (already in order: the renumbering keeps
        // the order of base ids) merged with its added ones, sorted once renumbered.
        var outOffsets = [Int](repeating: 0, count: nodes.ids.count + 1)
        var outTargets = [Int32](), outRelations = [Int32](), provenance = [UInt8](), split = [Int8]()
        outTargets.reserveCapacity(m); outRelations.reserveCapacity(m); provenance.reserveCapacity(m); split.reserveCapacity(m)
        var basePosition = [Int32](repeating: -1, count: baseEdgeCount)
        var addedPosition = [Int32](repeating: -1, count: d.addedCount)
        var row: [(r: Int32, c: Int32, base: Bool, index: Int)] = []
        for (newU, o) in nodes.old.enumerated() {
            let u = Int(o)
            row.removeAll(keepingCapacity: true)
            let added = outRows.row(o)
            for k in added { row.append((relMap[Int(d.relation[k])], nodeMap[Int(d.target[k])], false, k)) }
            if !row.isEmpty {
                if u < baseN {
                    for e in self.outOffsets[u]..<self.outOffsets[u + 1] where !outRows.isDeleted(e) {
                        row.append((relMap[Int(self.outRelations[e])], nodeMap[Int(self.outTargets[e])], true, e))
                    }
                }
                row.sort { ($0.r, $0.c) < ($1.r, $1.c) }
                for x in row {
                    if x.base {
                        basePosition[x.index] = Int32(outTargets.count)
                        provenance.append(self.provenance[x.index]); split.append(self.split[x.index])
                    } else {
                        addedPosition[x.index] = Int32(outTargets.count)
                        provenance.append(d.provenance[x.index]); split.append(d.split[x.index])
                    }
                    outRelations.append(x.r); outTargets.append(x.c)
                }
            } else if u < baseN {
                for e in self.outOffsets[u]..<self.outOffsets[u + 1] where !outRows.isDeleted(e) {
                    basePosition[e] = Int32(outTargets.count)
                    outRelations.append(relMap[Int(self.outRelations[e])]); outTargets.append(nodeMap[Int(self.outTargets[e])])
                    provenance.append(self.provenance[e]); split.append(self.split[e])
                }
            }
            outOffsets[newU + 1] = outTargets.count
        }
        // Reverse rows likewise, each entry naming its edge's new forward position.
        var inOffsets = [Int](repeating: 0, count: nodes.ids.count + 1)
        var inSources = [Int32](), inRelations = [Int32](), inEdges = [Int32]()
        inSources.reserveCapacity(m); inRelations.reserveCapacity(m); inEdges.reserveCapacity(m)
        var inRow: [(r: Int32, c: Int32, edge: Int32)] = []
        for (newV, o) in nodes.old.enumerated() {
            let v = Int(o)
            inRow.removeAll(keepingCapacity: true)
            for k in inRows.row(o) {
                let f = Int(d.inEdge[k])
                inRow.append((relMap[Int(d.relation[f])], nodeMap[Int(d.source[f])], addedPosition[f]))
            }
            if !inRow.isEmpty {
                if v < baseN {
                    for i in self.inOffsets[v]..<self.inOffsets[v + 1] where !inRows.isDeleted(i) {
                        inRow.append((relMap[Int(self.inRelations[i])], nodeMap[Int(self.inSources[i])], basePosition[Int(self.inEdges[i])]))
                    }
                }
                inRow.sort { ($0.r, $0.c) < ($1.r, $1.c) }
                for x in inRow { inRelations.append(x.r); inSources.append(x.c); inEdges.append(x.edge) }
            } else if v < baseN {
                for i in self.inOffsets[v]..<self.inOffsets[v + 1] where !inRows.isDeleted(i) {
                    inRelations.append(relMap[Int(self.inRelations[i])]); inSources.append(nodeMap[Int(self.inSources[i])])
                    inEdges.append(basePosition[Int(self.inEdges[i])])
                }
            }
            inOffsets[newV + 1] = inSources.count
        }
        return CSRSnapshot(
            graph: graph, changeSeq: changeSeq, nodeTerms: nodes.old.map { nodeTerm($0) },
            relationTerms: rels.old.map { relationTerm($0) }, nodeTermIDs: nodes.ids, relationTermIDs: rels.ids,
            outOffsets: outOffsets, outTargets: outTargets, outRelations: outRelations, provenance: provenance, split: split,
            inOffsets: inOffsets, inSources: inSources, inRelations: inRelations, inEdges: inEdges)
    }
}

/// An edge by dense ids.
struct EdgeKey: Hashable {
    var u: Int32
    var r: Int32
    var v: Int32
}
