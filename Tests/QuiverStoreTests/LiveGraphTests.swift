import Foundation
import QuiverCore
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport
import Synchronization

/// The live graph against PostgreSQL: writes by this process (group-committed and applied to the
/// held version), writes by another process (caught up from the change log), loads, compactions
/// and reads, interleaved at random, always answer what a snapshot rebuilt from the tables answers.
@Suite("Live graph versions follow the store", .serialized)
struct LiveGraphTests {
    static let nodes = (0..<12).map { "n\($0)" }
    static let relations = ["p", "q", "r"]

    /// The arrays that say what a graph is; a version compacted must equal a build from the tables.
    static func same(_ a: CSRSnapshot, _ b: CSRSnapshot) -> Bool {
        a.nodeTermIDs == b.nodeTermIDs && a.relationTermIDs == b.relationTermIDs && a.outOffsets == b.outOffsets
            && a.outTargets == b.outTargets && a.outRelations == b.outRelations && a.provenance == b.provenance
            && a.split == b.split && a.inOffsets == b.inOffsets && a.inSources == b.inSources
            && a.inRelations == b.inRelations && a.inEdges == b.inEdges && a.nodeTerms == b.nodeTerms
    }

    @Test("Any interleaving of writes from two processes, loads, compactions and reads matches a rebuild")
    func interleavingsMatchARebuild() throws {
        let database = try TestCluster.freshDatabase("live")
        let mine = try Store.open(StoreLocation(databaseURL: database))
        let other = try Store.open(StoreLocation(databaseURL: database))
        let cache = SnapshotCache(store: mine, compactionFraction: 0, minimumCompaction: 6)
        let group = GroupCommit(store: mine, committed: { cache.apply($0.changes, terms: $0.terms) })
        let loader = SnapshotLoader(store: other)
        try other.load(graph: "g", inputs: [.bytes(name: "seed.tsv", Array("n0\tp\tn1\nn1\tq\tn2\n".utf8))])
        var rng = SeededRandom(seed: 77)
        var present: Set<[String]> = [["n0", "p", "n1"], ["n1", "q", "n2"]]
        func triple(_ t: [String]) -> Triple { Triple(.name(t[0]), .name(t[1]), .name(t[2])) }
        func random() -> [String] {
            [Self.nodes.randomElement(using: &rng)!, Self.relations.randomElement(using: &rng)!, Self.nodes.randomElement(using: &rng)!]
        }
        _ = try cache.snapshot(of: "g")
        var appliedInPlace = 0, compactions = 0
        for round in 0..<120 {
            let action = Int.random(in: 0..<10, using: &rng)
            var batch: [[String]] = (0..<Int.random(in: 1...4, using: &rng)).map { _ in random() }
            let delete = Int.random(in: 0..<3, using: &rng) == 0
            if delete, !present.isEmpty { batch += (0..<2).compactMap { _ in present.randomElement(using: &rng) } }
            let write = SmallWrite(graph: "g", kind: delete ? .delete : .add(provenance: .asserted, split: nil), triples: batch.map(triple))
            switch action {
            case 0..<5:
                // This process: group commit, applied to the held version before the answer.
                let before = cache.statistics.first?.changesApplied ?? 0
                _ = try group.commit(write)
                if (cache.statistics.first?.changesApplied ?? 0) > before { appliedInPlace += 1 }
            case 5..<8:
                // Another process (the CLI): the version catches up from the change log.
                _ = try other.commit([write])[0].get()
                #expect(cache.catchUp("g"), "round \(round): catch-up from the log failed")
            case 8:
                // A small load by another process logs its triples: caught up like a write.
                let lines = batch.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
                try other.load(graph: "g", inputs: [.bytes(name: "more.tsv", Array(lines.utf8))])
                #expect(cache.catchUp("g"), "round \(round): a small load should be caught up")
                present.formUnion(batch)
                batch = []
            default:
                if cache.compact("g") {
                    for _ in 0..<200 where (cache.statistics.first?.compactions ?? 0) == compactions { usleep(5_000) }
                    compactions = cache.statistics.first?.compactions ?? 0
                }
                batch = []
            }
            for t in batch { if delete { present.remove(t) } else { present.insert(t) } }
            let version = try cache.snapshot(of: "g")
            let rebuilt = try loader.build(graph: "g")
            #expect(version.changeSeq == rebuilt.changeSeq, "round \(round)")
            #expect(version.edgeCount == present.count, "round \(round)")
            #expect(Self.same(version.compacted(), rebuilt), "round \(round): the version differs from a rebuild")
            #expect(GraphStats(version.compacted()) == GraphStats(rebuilt), "round \(round): stats differ from a rebuild")
        }
        #expect(appliedInPlace > 30, "writes should be applied in memory, not rebuilt")
        #expect(compactions > 0)
        let stats = try #require(cache.statistics.first)
        #expect(stats.rebuilds < 25, "\(stats)")
    }

    @Test("Readers on four threads see versions that never change under them and never go back, while writes and compactions go on")
    func concurrentReaders() throws {
        let database = try TestCluster.freshDatabase("readers")
        let store = try Store.open(StoreLocation(databaseURL: database))
        let cache = SnapshotCache(store: store, compactionFraction: 0, minimumCompaction: 16)
        let group = GroupCommit(store: store, committed: { cache.apply($0.changes, terms: $0.terms) })
        try store.load(graph: "g", inputs: [.bytes(name: "a.tsv", Array("n0\tp\tn1\n".utf8))])
        _ = try cache.snapshot(of: "g")
        /// What a reader computes from a version: its sequence, edge count and a digest of its arrays.
        @Sendable func digest(_ v: CSRSnapshot) -> (Int64, Int, Int) {
            let m = v.compacted()
            var h = 0
            for i in 0..<m.edgeCount { h = h &* 31 &+ Int(m.outTargets[i]) &* 7 &+ Int(m.outRelations[i]) }
            return (v.changeSeq, v.edgeCount, h)
        }
        let done = ManagedAtomicFlag()
        let failures = ManagedCounter()
        let readers = (0..<4).map { _ in
            Thread {
                var last: Int64 = -1
                while !done.isSet {
                    guard let v = try? cache.snapshot(of: "g") else { continue }
                    let first = digest(v)
                    usleep(200)
                    let second = digest(v)
                    if first != second || first.0 < last { failures.add() }
                    last = first.0
                }
            }
        }
        for t in readers { t.start() }
        var rng = SeededRandom(seed: 5)
        var present: Set<[String]> = [["n0", "p", "n1"]]
        for _ in 0..<300 {
            let t = ["n\(Int.random(in: 0..<40, using: &rng))", "p", "n\(Int.random(in: 0..<40, using: &rng))"]
            let delete = Int.random(in: 0..<4, using: &rng) == 0 && !present.isEmpty
            let victim = delete ? present.randomElement(using: &rng)! : t
            _ = try group.commit(SmallWrite(graph: "g", kind: delete ? .delete : .add(provenance: .asserted, split: nil),
                                            triples: [Triple(.name(victim[0]), .name(victim[1]), .name(victim[2]))]))
            if delete { present.remove(victim) } else { present.insert(victim) }
        }
        done.set()
        usleep(50_000)
        #expect(failures.value == 0, "a reader saw its version change, or an older one after a newer")
        let version = try cache.snapshot(of: "g")
        #expect(version.edgeCount == present.count)
        #expect(Self.same(version.compacted(), try SnapshotLoader(store: store).build(graph: "g")))
        #expect((cache.statistics.first?.compactions ?? 0) > 0)
    }

    @Test("A version pinned by a reader stays as it was while writes and a compaction go on")
    func pinnedVersionsDoNotChange() throws {
        let database = try TestCluster.freshDatabase("pinned")
        let store = try Store.open(StoreLocation(databaseURL: database))
        let cache = SnapshotCache(store: store, compactionFraction: 0, minimumCompaction: 1)
        let group = GroupCommit(store: store, committed: { cache.apply($0.changes, terms: $0.terms) })
        try store.load(graph: "g", inputs: [.bytes(name: "a.tsv", Array("a\tp\tb\n".utf8))])
        let pinned = try cache.snapshot(of: "g")
        _ = try group.commit(SmallWrite(graph: "g", kind: .add(provenance: .asserted, split: nil), triples: [Triple(.name("b"), .name("p"), .name("c"))]))
        _ = try group.commit(SmallWrite(graph: "g", kind: .delete, triples: [Triple(.name("a"), .name("p"), .name("b"))]))
        for _ in 0..<200 where (cache.statistics.first?.compactions ?? 0) == 0 { usleep(5_000) }
        #expect(pinned.edgeCount == 1 && pinned.node(named: "a") != nil && pinned.node(named: "c") == nil)
        let now = try cache.snapshot(of: "g")
        #expect(now.edgeCount == 1 && now.node(named: "a") == nil && now.node(named: "c") != nil)
        #expect(cache.statistics.first?.rebuilds == 1)
    }

    @Test("The change log holds the triples of small writes and tells a load or a gap apart")
    func changeLogFeeds() throws {
        let database = try TestCluster.freshDatabase("feed")
        let store = try Store.open(StoreLocation(databaseURL: database))
        try store.load(graph: "g", inputs: [.bytes(name: "a.tsv", Array("a\tp\tb\n".utf8))])
        let seq = try #require(try store.changeSeq(of: "g"))
        let added = try store.add(graph: "g", triples: [Triple(.name("b"), .name("p"), .name("c"))], provenance: .inferred, split: .test)
        _ = try store.delete(graph: "g", triples: [Triple(.name("a"), .name("p"), .name("b")), Triple(.name("x"), .name("p"), .name("y"))])
        guard case .changes(let changes) = try store.changes(of: "g", after: seq) else { Issue.record("expected changes"); return }
        #expect(changes.map(\.kind) == [.add, .delete])
        #expect(changes[0].seq == added.changeSeq)
        #expect(changes[0].subjects == [Term.name("b").id.rawValue] && changes[0].objects == [Term.name("c").id.rawValue])
        #expect(changes[0].provenance == [UInt8(Provenance.inferred.rawValue)] && changes[0].split == [Int8(Split.test.rawValue)])
        // Only the triple that was there is recorded as deleted.
        #expect(changes[1].subjects == [Term.name("a").id.rawValue])
        // From before the load, only a rebuild tells what happened.
        #expect(try store.changes(of: "g", after: seq - 1) == .rebuild)
        #expect(try store.changes(of: "g", after: seq + 2) == .changes([]))
        #expect(try store.changes(of: "nope", after: 0) == .graphNotFound)
        // A small load into the graph logs its triples; a big one only its counts.
        let before = try #require(try store.changeSeq(of: "g"))
        try store.load(graph: "g", inputs: [.bytes(name: "s.tsv", Array("x\tp\ty\nb\tp\tc\n".utf8))])
        guard case .changes(let small) = try store.changes(of: "g", after: before) else { Issue.record("expected the small load's triples"); return }
        #expect(small.count == 1 && small[0].kind == .add && small[0].subjects == [Term.name("x").id.rawValue], "only the new triple")
        let big = (0..<10_001).map { "big\($0)\tp\tbig\($0 + 1)" }.joined(separator: "\n")
        try store.load(graph: "g", inputs: [.bytes(name: "b.tsv", Array(big.utf8))])
        #expect(try store.changes(of: "g", after: before + 1) == .rebuild)
        let terms = try store.terms(of: "g", ids: [Term.name("c").id.rawValue])
        #expect(terms[Term.name("c").id.rawValue] == .name("c"))
    }
}

/// A flag and a counter shared by test threads.
final class ManagedAtomicFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

final class ManagedCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
