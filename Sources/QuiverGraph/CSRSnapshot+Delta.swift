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
    ///
    /// `recentCapacity` sets how many added edges the delta's small layer holds before it is
    /// merged into the large one (from then on, for this version's successors too).
    public func applying(_ changes: [GraphChange], terms: [Int64: Term], recentCapacity: Int? = nil) throws(DeltaError) -> CSRSnapshot {
        guard let first = changes.first else { return self }
        if first.seq != changeSeq + 1 { throw .gap(have: changeSeq, next: first.seq) }
        for (a, b) in zip(changes, changes.dropFirst()) where b.seq != a.seq + 1 { throw .gap(have: a.seq, next: b.seq) }
        var p = delta.parts
        if let recentCapacity { p.recentCapacity = max(0, recentCapacity) }
        let baseN = baseNodeCount, baseR = baseRelationCount
        var nodes = NewTerms(ids: p.newNodeIDs, names: p.newNodeTerms, first: baseN)
        var relations = NewTerms(ids: p.newRelationIDs, names: p.newRelationTerms, first: baseR)
        func node(_ id: Int64, create: Bool) throws(DeltaError) -> Int32? {
            try nodes.dense(id, known: anyNode(termID: id), term: create ? { terms[id] } : nil)
        }
        func relation(_ id: Int64, create: Bool) throws(DeltaError) -> Int32? {
            try relations.dense(id, known: anyRelation(termID: id), term: create ? { terms[id] } : nil)
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

        (p.newNodeIDs, p.newNodeTerms) = (nodes.ids, nodes.names)
        (p.newRelationIDs, p.newRelationTerms) = (relations.ids, relations.names)

        // Tombstones, edges leaving the delta, edges joining it.
        let nodeCount = baseN + p.newNodeIDs.count
        p.relationNet += [Int](repeating: 0, count: baseR + p.newRelationIDs.count - p.relationNet.count)
        var dropped: [Int] = []
        var joining: [(k: EdgeKey, provenance: UInt8, split: Int8)] = []
        var tombstones: [(forward: Int, reverse: Int)] = []
        for k in order {
            guard let op = ops[k] else { continue }
            if let d = delta.addedEdge(k.u, k.r, k.v) {
                dropped.append(d)
                p.relationNet[Int(k.r)] -= 1
            }
            if let e = baseEdge(k) {
                tombstones.append((e, reverseEntry(ofBaseEdge: e, k)))
                p.relationNet[Int(k.r)] -= 1
            }
            if case .add(let prov, let sp) = op {
                joining.append((k, prov, sp))
                p.relationNet[Int(k.r)] += 1
            }
        }
        if !tombstones.isEmpty {
            // The bit sets are copied only by a version that deletes base edges.
            var out = p.deletedOut.count == 0 ? [UInt64](repeating: 0, count: (baseEdgeCount + 63) >> 6) : p.deletedOut.array
            var into = p.deletedIn.count == 0 ? [UInt64](repeating: 0, count: (baseEdgeCount + 63) >> 6) : p.deletedIn.array
            for t in tombstones {
                out[t.forward >> 6] |= 1 << UInt64(t.forward & 63)
                into[t.reverse >> 6] |= 1 << UInt64(t.reverse & 63)
            }
            p.deletedOut = Frozen(out)
            p.deletedIn = Frozen(into)
            p.deletedCount += tombstones.count
        }
        if !dropped.isEmpty || !joining.isEmpty {
            // Most writes rewrite only the recent layer; one that drops a settled edge, or fills
            // the recent layer, merges both into a new settled layer.
            let settledCount = p.settled.count
            let droppedSettled = dropped.filter { $0 < settledCount }
            if droppedSettled.isEmpty && p.recent.count + joining.count <= p.recentCapacity {
                p.recent = p.recent.merging(dropping: dropped.map { $0 - settledCount }, adding: joining)
            } else {
                let droppedRecent = Set(dropped.filter { $0 >= settledCount }.map { $0 - settledCount })
                let r = p.recent
                var all = joining
                for k in 0..<r.count where !droppedRecent.contains(k) {
                    all.append((EdgeKey(u: r.source[k], r: r.relation[k], v: r.target[k]), r.provenance[k], r.split[k]))
                }
                p.settled = p.settled.merging(dropping: droppedSettled, adding: all)
                p.recent = .empty
                p.settledFlags = nil
            }
        }
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
                let f = Int(inRows.edges[k])
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

/// The nodes (or relations) a batch of changes adds to a version: the dense id of new term k is
/// `first + k`.
private struct NewTerms {
    var ids: ChunkedList<Int64>
    var names: ChunkedList<Term>
    let first: Int
    var added: [Int64: Int32] = [:]

    init(ids: ChunkedList<Int64>, names: ChunkedList<Term>, first: Int) {
        (self.ids, self.names, self.first) = (ids, names, first)
    }

    /// The dense id of term `id`: `known` (the version's), one this batch added, or, given
    /// `term` (which finds the term), a new one.
    mutating func dense(_ id: Int64, known: Int32?, term: (() -> Term?)?) throws(DeltaError) -> Int32? {
        if let d = known ?? added[id] { return d }
        guard let term else { return nil }
        guard let t = term() else { throw .unknownTerm(id) }
        let d = Int32(first + ids.count)
        ids.append(id)
        names.append(t)
        added[id] = d
        return d
    }
}

/// An edge by dense ids.
struct EdgeKey: Hashable {
    static func < (a: EdgeKey, b: EdgeKey) -> Bool { (a.u, a.r, a.v) < (b.u, b.r, b.v) }

    var u: Int32
    var r: Int32
    var v: Int32
}

extension AddedEdges {
    /// These edges without those at the positions `dropped`, with `adding` (none of them here):
    /// one merge in each order, written straight into the new arrays, so that a write costs a
    /// pass over the delta and a sort of its own edges, never a sort of the delta.
    func merging(dropping dropped: [Int], adding: [(k: EdgeKey, provenance: UInt8, split: Int8)]) -> AddedEdges {
        let joining = adding.sorted { $0.k < $1.k }
        let oldCount = count
        var gone = [Bool](repeating: false, count: oldCount)
        for d in dropped { gone[d] = true }
        let total = oldCount - Set(dropped).count + joining.count
        var position = [Int32](repeating: -1, count: oldCount)
        var joinedAt = [Int32](repeating: 0, count: joining.count)
        var source = [Int32](repeating: 0, count: total), relation = [Int32](repeating: 0, count: total)
        var target = [Int32](repeating: 0, count: total), provenance = [UInt8](repeating: 0, count: total)
        var split = [Int8](repeating: 0, count: total)
        let os = self.source.buffer, orl = self.relation.buffer, ot = self.target.buffer
        let op = self.provenance.buffer, osp = self.split.buffer
        source.withUnsafeMutableBufferPointer { s in
            relation.withUnsafeMutableBufferPointer { r in
                target.withUnsafeMutableBufferPointer { t in
                    provenance.withUnsafeMutableBufferPointer { pv in
                        split.withUnsafeMutableBufferPointer { sp in
                            var i = 0, j = 0, n = 0
                            while i < oldCount || j < joining.count {
                                if i < oldCount && gone[i] { i += 1; continue }
                                let takeOld = j == joining.count
                                    || (i < oldCount && (os[i], orl[i], ot[i]) < (joining[j].k.u, joining[j].k.r, joining[j].k.v))
                                if takeOld {
                                    position[i] = Int32(n)
                                    s[n] = os[i]; r[n] = orl[i]; t[n] = ot[i]; pv[n] = op[i]; sp[n] = osp[i]
                                    i += 1
                                } else {
                                    let e = joining[j]
                                    joinedAt[j] = Int32(n)
                                    s[n] = e.k.u; r[n] = e.k.r; t[n] = e.k.v; pv[n] = e.provenance; sp[n] = e.split
                                    j += 1
                                }
                                n += 1
                            }
                        }
                    }
                }
            }
        }
        // Reverse order: the kept old entries (still in order) merged with the joining ones.
        @inline(__always) func reverseKey(_ e: Int32) -> (Int32, Int32, Int32) { (target[Int(e)], relation[Int(e)], source[Int(e)]) }
        let joiningIn = joinedAt.sorted { reverseKey($0) < reverseKey($1) }
        var inEdge = [Int32](repeating: 0, count: total)
        let oldIn = self.inEdge.buffer
        inEdge.withUnsafeMutableBufferPointer { out in
            var i = 0, j = 0, n = 0
            while i < oldIn.count || j < joiningIn.count {
                if i < oldIn.count && position[Int(oldIn[i])] < 0 { i += 1; continue }
                let takeOld = j == joiningIn.count
                    || (i < oldIn.count && reverseKey(position[Int(oldIn[i])]) < reverseKey(joiningIn[j]))
                if takeOld { out[n] = position[Int(oldIn[i])]; i += 1 } else { out[n] = joiningIn[j]; j += 1 }
                n += 1
            }
        }
        return AddedEdges(source: source, relation: relation, target: target, provenance: provenance, split: split, inEdge: inEdge)
    }
}
