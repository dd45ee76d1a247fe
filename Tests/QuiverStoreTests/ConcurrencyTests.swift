import Foundation
import QuiverCore
import QuiverPostgres
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

@Suite("Concurrent writers and a second process")
struct ConcurrencyTests {
    @Test("Loads into two new graphs on two threads both land whole")
    func twoGraphsAtOnce() throws {
        let store = try TestCluster.store()
        let g1 = uniqueGraphName("conc-nations"), g2 = uniqueGraphName("conc-kinships")
        let nations = Datasets.path("nations", "train"), kinships = Datasets.path("kinships", "train")
        let bodies: [@Sendable () throws -> LoadReport] = [
            { try store.load(graph: g1, inputs: [.file(nations)], options: .init(batchSize: 100)) },
            { try store.load(graph: g2, inputs: [.file(kinships)], options: .init(batchSize: 100)) },
        ]
        let results = runOnThreads(bodies)
        let r1 = try results[0].get(), r2 = try results[1].get()
        #expect((r1.read, r1.new, r1.duplicates) == (1592, 1592, 0))
        #expect((r2.read, r2.new, r2.duplicates) == (8544, 8544, 0))
        #expect(try store.exportedLines(g1) == Datasets.lines("nations", "train").sorted())
        #expect(try store.exportedLines(g2) == Datasets.lines("kinships", "train").sorted())
    }

    @Test("Loads into an existing graph and drops of other graphs, side by side, never deadlock")
    func loadsAndDropsAtOnce() throws {
        let store = try TestCluster.isolatedStore("conc_drop")
        let kept = "kept"
        try store.load(graph: kept, inputs: [.bytes(name: "k.tsv", Array("a\tr\tb\n".utf8))])
        for round in 0..<60 {
            let dropped = "dropped\(round)"
            try store.load(graph: dropped, inputs: [.bytes(name: "d.tsv", Array("x\tr\ty\n".utf8))])
            let line = Array("a\tr\tn\(round)\n".utf8)
            let bodies: [@Sendable () throws -> any Sendable] = [
                { try store.load(graph: kept, inputs: [.bytes(name: "k\(round).tsv", line)]) },
                { try store.drop(graph: dropped) },
            ]
            for (i, r) in runOnThreads(bodies).enumerated() {
                if case .failure(let e) = r { Issue.record("round \(round), \(i == 0 ? "load" : "drop"): \(e)") }
            }
        }
        #expect(try store.graphs().map(\.name) == [kept])
        #expect(try store.exportedLines(kept).count == 61)
    }

    @Test("Two loads racing to create the same graph: one creates it, the other waits and merges")
    func sameNewGraphAtOnce() throws {
        let store = try TestCluster.isolatedStore("conc_same")
        let graph = "shared"
        let a = try Datasets.triples("nations", "train")
        // b overlaps a in 100 triples and adds valid.
        let b = Array(a.prefix(100)) + (try Datasets.triples("nations", "valid"))
        let aBytes = a.tsvBytes, bBytes = b.tsvBytes

        let insideA = DispatchSemaphore(value: 0), releaseA = DispatchSemaphore(value: 0)
        final class Flag: @unchecked Sendable { var fired = false }
        let flag = Flag()
        let bodies: [@Sendable () throws -> any Sendable] = [
            {
                // A stops inside its transaction, after creating the graph row, until B is queued behind it.
                try store.load(graph: graph, inputs: [.bytes(name: "a.tsv", aBytes)]) { _ in
                    if !flag.fired {
                        flag.fired = true
                        insideA.signal()  // once for B
                        insideA.signal()  // once for the watcher
                        _ = releaseA.wait(timeout: .now() + 60)
                    }
                }
            },
            {
                guard insideA.wait(timeout: .now() + 60) == .success else { throw StoreError.input("A never started") }
                return try store.load(graph: graph, inputs: [.bytes(name: "b.tsv", bBytes)])
            },
            {
                // Wait until B's backend is blocked on A's lock, then let A commit.
                _ = insideA.wait(timeout: .now() + 60)
                defer { releaseA.signal() }
                let conn = try PGConnection(conninfo: store.conninfo)
                defer { conn.close() }
                for _ in 0..<400 {
                    let r = try conn.execute("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO graphs%'
                        """)
                    if r.int(0, 0) == 1 { return true }
                    usleep(25_000)
                }
                return false
            },
        ]
        let results = runOnThreads(bodies)
        let ra = try #require(try results[0].get() as? LoadReport), rb = try #require(try results[1].get() as? LoadReport)
        let sawBWaiting = try results[2].get() as? Bool == true
        #expect(sawBWaiting, "B's load was never seen waiting for A's transaction")
        let union = Set(a).union(b)
        #expect((ra.read, ra.new, ra.duplicates) == (1592, 1592, 0))
        #expect((rb.read, rb.new, rb.duplicates) == (299, 199, 100))
        #expect(ra.newTerms == a.entityNames.union(a.relationNames).count)
        #expect(rb.newTerms == Set(b.flatMap { [$0.s, $0.p, $0.o] }).subtracting(a.flatMap { [$0.s, $0.p, $0.o] }).count)
        #expect(try store.nameTriples(graph) == union)
        #expect(try store.graphs().map(\.name) == [graph])
        #expect(try store.changeSeq(of: graph) == 2)
    }

    @Test("A second store on the same data directory sees the first one's writes")
    func secondProcessSeesWrites() throws {
        _ = try TestCluster.conninfo()
        let dir = TestCluster.dataDirectory
        let storeA = try Store.open(StoreLocation(dataDirectory: dir))
        let storeB = try Store.open(StoreLocation(dataDirectory: dir))
        let graph = uniqueGraphName("two-stores")
        #expect(try storeB.changeSeq(of: graph) == nil)
        #expect(try storeB.graphs().contains { $0.name == graph } == false)

        try storeA.load(graph: graph, inputs: [.file(Datasets.path("nations", "train"))])
        let seq1 = try #require(try storeB.changeSeq(of: graph))
        #expect(seq1 == 1)
        let listed = try #require(try storeB.graphs().first { $0.name == graph })
        #expect(listed.tripleCount == 1592)
        #expect(listed.changeSeq == seq1)
        let snap1 = try SnapshotLoader(store: storeB).build(graph: graph)
        #expect(snap1.edgeCount == 1592)
        #expect(snap1.changeSeq == seq1)

        try storeA.load(graph: graph, inputs: [.file(Datasets.path("nations", "valid"))])
        #expect(try storeB.changeSeq(of: graph) == seq1 + 1)
        let snap2 = try SnapshotLoader(store: storeB).build(graph: graph)
        #expect(snap2.edgeCount == 1592 + 199)
        #expect(snap2.changeSeq == seq1 + 1)

        try storeA.drop(graph: graph)
        #expect(try storeB.changeSeq(of: graph) == nil)
        #expect(try storeB.graph(named: graph) == nil)
    }

    @Test("A listener hears each committed load by its graph and change sequence, and nothing for a failed one")
    func notifications() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("notify")
        let listener = try PGConnection(conninfo: store.conninfo)
        defer { listener.close() }
        try listener.listen(changeChannel)

        /// Notifications for `graph` arriving within `seconds` (other tests write to other graphs meanwhile).
        func heard(within seconds: Double) throws -> [PGNotification] {
            let deadline = Date().addingTimeInterval(seconds)
            var mine: [PGNotification] = []
            while Date() < deadline {
                let got = try listener.notifications(timeout: max(0.01, deadline.timeIntervalSinceNow))
                mine += got.filter { parseChangeNotice($0.payload).graph == graph }
                if !mine.isEmpty { break }
            }
            return mine
        }

        #expect(throws: StoreError.self) {
            try store.load(graph: graph, inputs: [.bytes(name: "bad.tsv", Array("a\tb\tc\nbroken\n".utf8))])
        }
        #expect(try heard(within: 1).isEmpty)

        try store.load(graph: graph, inputs: [.bytes(name: "ok.tsv", Array("a\tb\tc\n".utf8))])
        let first = try heard(within: 10)
        #expect(first.count == 1)
        #expect(first.first?.channel == changeChannel)
        #expect(first.first.map { parseChangeNotice($0.payload).seq } == (try store.changeSeq(of: graph)))

        try store.load(graph: graph, inputs: [.bytes(name: "ok2.tsv", Array("c\tb\ta\n".utf8))])
        #expect(try heard(within: 10).count == 1)

        #expect(throws: StoreError.self) {
            try store.load(graph: graph, inputs: [.bytes(name: "bad2.tsv", Array("x\ty\tz\n\t\t\n".utf8))])
        }
        #expect(try heard(within: 1).isEmpty)
    }
}
