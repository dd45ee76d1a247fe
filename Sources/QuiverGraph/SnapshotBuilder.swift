import CPrefetch
import Dispatch
import QuiverCore

/// Builds a `CSRSnapshot` from edges given as term ids. Pure logic: the loader feeds it from
/// PostgreSQL, tests feed it directly.
public struct SnapshotBuilder: Sendable {
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
    /// A whole dictionary handed over at once (`setDictionary`), indexed during `build`.
    var bulkIDs: [Int64] = []
    var bulkTerms: [Term] = []

    public init(graph: String, changeSeq: Int64 = 0, expectedEdges: Int = 0) {
        self.graph = graph
        self.changeSeq = changeSeq
        if expectedEdges > 0 {
            // Sized for about 8 edges per node (it grows if there are more nodes): an oversized
            // table costs more in page faults and cache misses than a rehash or two.
            nodeFirstSeen = IDMap(capacity: min(expectedEdges, 1 << 28) / 8 + 16)
            seenKeys.reserveCapacity(min(expectedEdges, 1 << 28) / 4)
        }
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

    /// Adds a batch of edges (faster than one `addEdge` call per edge).
    public mutating func addEdges(s: [Int64], p: [Int64], o: [Int64], provenance: [UInt8], split: [Int8]) {
        let m = s.count
        nodeFirstSeen.reserve(additional: 2 * m)
        relFirstSeen.reserve(additional: m)
        let base = fs.count
        fs.append(contentsOf: repeatElement(0, count: m))
        fo.append(contentsOf: repeatElement(0, count: m))
        fp.append(contentsOf: repeatElement(0, count: m))
        prov.append(contentsOf: provenance)
        splits.append(contentsOf: split)
        var keys = seenKeys
        seenKeys = []
        fs.withUnsafeMutableBufferPointer { fs in
            fo.withUnsafeMutableBufferPointer { fo in
                nodeFirstSeen.withInserter { nodes in
                    // The table is larger than the cache: each key's slot is loaded `ahead` keys
                    // before it is probed, so that the misses overlap instead of stalling in turn.
                    let ahead = 16
                    for i in 0..<min(ahead, m) {
                        nodes.prefetch(s[i])
                        nodes.prefetch(o[i])
                    }
                    for i in 0..<m {
                        if i + ahead < m {
                            nodes.prefetch(s[i + ahead])
                            nodes.prefetch(o[i + ahead])
                        }
                        var v = nodes.insert(s[i], Int32(keys.count))
                        if Int(v) == keys.count { keys.append(s[i]) }
                        fs[base + i] = v
                        v = nodes.insert(o[i], Int32(keys.count))
                        if Int(v) == keys.count { keys.append(o[i]) }
                        fo[base + i] = v
                    }
                }
            }
        }
        seenKeys = keys
        var rels = relSeen
        relSeen = []
        fp.withUnsafeMutableBufferPointer { fp in
            relFirstSeen.withInserter { relations in
                var lastKey = Int64.min, lastValue: Int32 = -1
                for i in 0..<m {
                    let key = p[i]
                    if key != lastKey {
                        lastValue = relations.insert(key, Int32(rels.count))
                        if Int(lastValue) == rels.count { rels.append(key) }
                        lastKey = key
                    }
                    fp[base + i] = lastValue
                }
            }
        }
        relSeen = rels
    }

    /// Hands over a graph's whole dictionary (ids and terms, in any order); it is indexed during
    /// `build`, on the thread that does not order the forward edges. Replaces earlier `addTerm`s.
    public mutating func setDictionary(ids: [Int64], terms: [Term]) {
        bulkIDs = ids
        bulkTerms = terms
        termIndex = IDMap(capacity: 16)
        termList = []
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
        let clock = PhaseClock()
        let m = fs.count
        // Renumber nodes and relations in term-id order.
        let n = seenKeys.count
        let (sortedOrder, nodeKeys) = sortKeys(seenKeys)
        var remap = [Int32](repeating: 0, count: n)
        for (dense, first) in sortedOrder.enumerated() { remap[Int(first)] = Int32(dense) }
        let relOrder = (0..<relSeen.count).sorted { relSeen[$0] < relSeen[$1] }
        var relRemap = [Int32](repeating: 0, count: relSeen.count)
        for (dense, first) in relOrder.enumerated() { relRemap[first] = Int32(dense) }
        let relKeys = relOrder.map { relSeen[$0] }

        // The edges keep their first-seen numbers; `Adjacency` renumbers them as it groups them.
        let fs = self.fs, fo = self.fo, fp = self.fp, nodeMap = remap, relationMap = relRemap
        clock.mark("renumber")

        let smallIndex = self.termIndex, smallList = self.termList, bulkIDs = self.bulkIDs, bulkTerms = self.bulkTerms
        let edgeProvenance = self.prov, edgeSplits = self.splits
        /// The names of dense ids (ascending term ids), looked up in whichever dictionary was given:
        /// a whole dictionary is sorted by id and merged with them, with no hash table to build.
        @Sendable func names(_ keys: [Int64], _ relationKeys: [Int64]) -> ([Term], [Term]) {
            guard !bulkIDs.isEmpty else {
                func term(_ id: Int64) -> Term {
                    let k = smallIndex.get(id)
                    return k >= 0 ? smallList[Int(k)] : .name("#\(id)")
                }
                return (keys.map(term), relationKeys.map(term))
            }
            var ids = bulkIDs, terms = bulkTerms
            if !isSorted(ids) { sortDictionary(ids: &ids, terms: &terms) }
            func merge(_ keys: [Int64]) -> [Term] {
                var j = 0
                return keys.map { id in
                    while j < ids.count && ids[j] < id { j += 1 }
                    return j < ids.count && ids[j] == id ? terms[j] : .name("#\(id)")
                }
            }
            return (merge(keys), merge(relationKeys))
        }
        // Three tasks: the forward adjacency and the per-edge labels, the reverse adjacency, the
        // names. `inEdges` needs both orders, so it is filled after them.
        let relationCount = relKeys.count
        nonisolated(unsafe) var forward = Adjacency.empty, reverse = Adjacency.empty
        nonisolated(unsafe) var provenance: [UInt8] = [], split: [Int8] = []
        nonisolated(unsafe) var forwardPosition: [Int32] = []
        nonisolated(unsafe) var nodeTerms: [Term] = [], relationTerms: [Term] = []
        DispatchQueue.concurrentPerform(iterations: 3) { k in
            if k == 0 {
                forward = Adjacency(
                    rows: fs, relations: fp, columns: fo, nodeMap: nodeMap, relationMap: relationMap,
                    relationCount: relationCount)
                clock.mark("forward order")
                let order = forward.edges
                provenance = order.gather(edgeProvenance)
                split = order.gather(edgeSplits)
                forwardPosition = [Int32](unsafeUninitializedCapacity: m) { position, count in
                    order.withUnsafeBufferPointer { order in
                        let ahead = 16
                        for pos in 0..<m {
                            if pos + ahead < m { quiver_prefetch_write(position.baseAddress! + Int(order[pos + ahead])) }
                            position[Int(order[pos])] = Int32(pos)
                        }
                    }
                    count = m
                }
                clock.mark("forward arrays")
            } else if k == 1 {
                reverse = Adjacency(
                    rows: fo, relations: fp, columns: fs, nodeMap: nodeMap, relationMap: relationMap,
                    relationCount: relationCount)
                clock.mark("reverse order")
            } else {
                (nodeTerms, relationTerms) = names(nodeKeys, relKeys)
                clock.mark("names")
            }
        }
        let inEdges = reverse.edges.gather(forwardPosition)
        clock.mark("reverse arrays")
        return CSRSnapshot(
            graph: graph, changeSeq: changeSeq, nodeTerms: nodeTerms, relationTerms: relationTerms,
            nodeTermIDs: nodeKeys, relationTermIDs: relKeys, outOffsets: forward.offsets, outTargets: forward.columns,
            outRelations: forward.relations, provenance: provenance, split: split, inOffsets: reverse.offsets,
            inSources: reverse.columns, inRelations: reverse.relations, inEdges: inEdges)
    }
}

/// Sorts a dictionary by id, moving each term with its id.
public func sortDictionary(ids: inout [Int64], terms: inout [Term]) {
    let order: [Int32]
    (order, ids) = sortKeys(ids)
    terms = order.gather(terms)
}

func isSorted(_ keys: [Int64]) -> Bool {
    keys.withUnsafeBufferPointer { keys in
        for i in keys.indices.dropFirst() where keys[i - 1] > keys[i] { return false }
        return true
    }
}

/// `keys` in ascending order, and the position in `keys` of each. Term ids are uniform hashes, so
/// a bucket pass on the top 16 bits leaves a handful of keys per bucket, finished by insertion
/// sort. Each key is moved with its position, so that the sort reads no key at random.
func sortKeys(_ keys: [Int64]) -> (order: [Int32], sorted: [Int64]) {
    let n = keys.count
    let buckets = 1 << 16
    var counts = [Int](repeating: 0, count: buckets + 1)
    var order = [Int32](repeating: 0, count: n)
    var sorted = [Int64](repeating: 0, count: n)
    @inline(__always) func bucket(_ k: Int64) -> Int { Int(UInt64(bitPattern: k ^ Int64.min) >> 48) }
    keys.withUnsafeBufferPointer { keys in
        counts.withUnsafeMutableBufferPointer { counts in
            for k in keys { counts[bucket(k) + 1] += 1 }
            for b in 0..<buckets { counts[b + 1] += counts[b] }
            var next = Array(counts[0..<buckets])
            order.withUnsafeMutableBufferPointer { order in
                sorted.withUnsafeMutableBufferPointer { sorted in
                    for i in 0..<n {
                        let k = keys[i]
                        let b = bucket(k)
                        order[next[b]] = Int32(i)
                        sorted[next[b]] = k
                        next[b] += 1
                    }
                    for b in 0..<buckets {
                        let lo = counts[b], hi = counts[b + 1]
                        if hi - lo < 2 { continue }
                        for i in (lo + 1)..<hi {
                            let e = order[i], k = sorted[i]
                            var j = i - 1
                            while j >= lo && sorted[j] > k {
                                order[j + 1] = order[j]
                                sorted[j + 1] = sorted[j]
                                j -= 1
                            }
                            order[j + 1] = e
                            sorted[j + 1] = k
                        }
                    }
                }
            }
        }
    }
    return (order, sorted)
}

