import Foundation
import QuiverCore
import QuiverSnapshot
import QuiverStore
import Synchronization
import Testing
import QuiverTestSupport

/// Several writes in one transaction: each succeeds or fails alone, and what is reported
/// committed is in the store.
@Suite("Group commit")
struct GroupCommitTests {
    let store: Store
    init() throws { store = try TestCluster.store() }

    func t(_ s: String, _ p: String, _ o: String) -> Triple { Triple(.name(s), .name(p), .name(o)) }

    func triples(_ graph: String) throws -> Set<String> {
        let snapshot = try SnapshotLoader(store: store).build(graph: graph)
        var out: Set<String> = []
        for s in 0..<Int32(snapshot.nodeCount) {
            for e in snapshot.outEdges(of: s) {
                out.insert("\(snapshot.nodeName(s)) \(snapshot.relationName(snapshot.outRelations[e])) \(snapshot.nodeName(snapshot.outTargets[e]))")
            }
        }
        return out
    }

    @Test func aBadWriteFailsAloneAndItsNeighboursCommit() throws {
        let g = uniqueGraphName("gc-mixed"), h = uniqueGraphName("gc-other"), missing = uniqueGraphName("gc-missing")
        defer { _ = try? store.drop(graph: g); _ = try? store.drop(graph: h) }
        let results = store.commit([
            SmallWrite(graph: g, kind: .add(provenance: .asserted, split: .train), triples: [t("a", "r", "b"), t("b", "r", "c")]),
            SmallWrite(graph: missing, kind: .delete, triples: [t("a", "r", "b")]),                    // no such graph
            SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil), triples: [t("x", "r", "y\u{0}")]),  // unstorable
            SmallWrite(graph: h, kind: .add(provenance: .asserted, split: nil), triples: [t("p", "q", "r")]),
            SmallWrite(graph: g, kind: .delete, triples: [t("a", "r", "b"), t("z", "z", "z")]),
            SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil), triples: [t("a", "r", "b")]),  // in order: back again
        ])
        #expect(try results[0].get().changed == 2)
        #expect(throws: StoreError.self) { try results[1].get() }
        #expect(throws: StoreError.self) { try results[2].get() }
        #expect(try results[3].get().changed == 1)
        #expect(try results[4].get().changed == 1)
        #expect(try results[5].get().changed == 1)
        #expect(try triples(g) == ["a r b", "b r c"])
        #expect(try triples(h) == ["p q r"])
        #expect(try store.graph(named: missing) == nil)
        // One change record per graph written, counting only what committed.
        #expect(try store.graph(named: g)?.tripleCount == 2)
    }

    /// A batch that is one run goes without savepoints; when the database refuses one of its
    /// writes (here a trigger refuses the object `boom`), the batch is tried again with them and
    /// only that write fails.
    @Test func aRunRefusedByTheDatabaseIsTriedAgainWriteByWrite() throws {
        let g = uniqueGraphName("gc-refused")
        defer { _ = try? store.drop(graph: g) }
        _ = try store.add(graph: g, triples: [t("seed", "r", "seed")])
        let id = try #require(try store.graph(named: g)?.id)
        let boom = Term.name("boom").id.rawValue
        try store.withConnection { conn in
            try conn.executeScript("""
                CREATE FUNCTION refuse_boom_\(id)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.o = \(boom) THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER refuse_boom BEFORE INSERT ON triples_g\(id) FOR EACH ROW EXECUTE FUNCTION refuse_boom_\(id)();
                """)
        }
        let before = try #require(try store.graph(named: g)?.changeSeq)
        let results = store.commit(["a", "boom", "b"].map {
            SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil), triples: [t("x", "r", $0)])
        })
        #expect(try results[0].get().changed == 1)
        #expect(throws: StoreError.self) { try results[1].get() }
        #expect(try results[2].get().changed == 1)
        #expect(try triples(g) == ["seed r seed", "x r a", "x r b"])
        // Each write that committed is one change of the log; the refused one left none.
        #expect(try store.graph(named: g)?.changeSeq == before + 2)
        try store.withConnection { conn in try conn.executeScript("DROP FUNCTION refuse_boom_\(id)() CASCADE") }
    }

    /// `commitAtomically` (SPARQL Update): writes to several graphs and a drop in one
    /// transaction; when the database refuses one write, nothing of the request is left.
    @Test func anAtomicCommitIsAllOrNothing() throws {
        let g = uniqueGraphName("atomic"), h = uniqueGraphName("atomic-other"), gone = uniqueGraphName("atomic-gone")
        defer { for x in [g, h, gone] { _ = try? store.drop(graph: x) } }
        _ = try store.add(graph: g, triples: [t("seed", "r", "seed"), t("old", "r", "x")])
        _ = try store.add(graph: gone, triples: [t("a", "r", "b")])
        let before = try #require(try store.graph(named: g)?.changeSeq)
        let outcome = try store.commitAtomically([
            SmallWrite(graph: g, kind: .delete, triples: [t("old", "r", "x")]),
            SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil), triples: [t("new", "r", "y")]),
            SmallWrite(graph: h, kind: .add(provenance: .asserted, split: nil), triples: []),
        ], drops: [gone])
        #expect(try triples(g) == ["new r y", "seed r seed"])
        #expect(try store.graph(named: h)?.tripleCount == 0)
        #expect(try store.graph(named: gone) == nil)
        #expect(outcome.changes.map(\.change.kind) == [.delete, .add])
        #expect(try store.graph(named: g)?.changeSeq == before + 2)
        // A trigger refuses the object `boom`: the delete before it is rolled back with it.
        let id = try #require(try store.graph(named: g)?.id)
        let boom = Term.name("boom").id.rawValue
        try store.withConnection { conn in
            try conn.executeScript("""
                CREATE FUNCTION refuse_boom_a\(id)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.o = \(boom) THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER refuse_boom BEFORE INSERT ON triples_g\(id) FOR EACH ROW EXECUTE FUNCTION refuse_boom_a\(id)();
                """)
        }
        #expect(throws: StoreError.self) {
            try store.commitAtomically([
                SmallWrite(graph: g, kind: .delete, triples: [t("seed", "r", "seed")]),
                SmallWrite(graph: h, kind: .add(provenance: .asserted, split: nil), triples: [t("p", "r", "q")]),
                SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil), triples: [t("x", "r", "boom")]),
            ])
        }
        #expect(try triples(g) == ["new r y", "seed r seed"])
        #expect(try store.graph(named: h)?.tripleCount == 0)
        #expect(try store.graph(named: g)?.changeSeq == before + 2)
        try store.withConnection { conn in try conn.executeScript("DROP FUNCTION refuse_boom_a\(id)() CASCADE") }
    }

    /// A run of writes goes to PostgreSQL as arrays: terms with quotes, backslashes, braces,
    /// commas and NULL-looking text come back exactly; a triple repeated in the run counts once,
    /// for the first write that has it.
    @Test func aRunOfWritesKeepsEveryTermExactly() throws {
        let g = uniqueGraphName("gc-terms")
        defer { _ = try? store.drop(graph: g) }
        let odd = ["a\"b", "back\\slash", "{braces}", "x,y", "NULL", "caf\u{E9}", "cafe\u{301}", " spaced "]
        let results = store.commit(odd.enumerated().map { i, name in
            SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil),
                       triples: [t(name, "r", "n\(i)"), Triple(.name("lit"), .name("has"), .literal(name, datatype: nil, language: "en"))])
        } + [SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil), triples: [t(odd[0], "r", "n0")])])
        for r in results.dropLast() { #expect(try r.get().changed == 2) }
        #expect(try results.last!.get().changed == 0)
        let stored = try triples(g)
        for (i, name) in odd.enumerated() { #expect(stored.contains("\(name) r n\(i)"), "\(name)") }
        let snapshot = try SnapshotLoader(store: store).build(graph: g)
        let literals = Set((0..<Int32(snapshot.nodeCount)).map { snapshot.nodeTerms[Int($0)] }.filter { $0.kind == .literal }.map(\.value))
        #expect(literals == Set(odd))
    }

    /// Writes from 16 threads at once: every one acknowledged is stored, and transactions carry
    /// several writes each (the point of grouping).
    @Test func concurrentWritersShareTransactions() throws {
        let g = uniqueGraphName("gc-threads")
        defer { _ = try? store.drop(graph: g) }
        _ = try store.add(graph: g, triples: [t("seed", "r", "seed")])
        let group = GroupCommit(store: store)
        let failures = Mutex(0)
        // Real threads (concurrentPerform runs only as many at once as there are cores).
        let done = DispatchGroup()
        let threads = (0..<16).map { thread in
            Thread {
                defer { done.leave() }
                for i in 0..<25 {
                    do {
                        let r = try group.commit(SmallWrite(graph: g, kind: .add(provenance: .asserted, split: nil),
                                                            triples: [t("n\(thread)", "r", "m\(i)")]))
                        if r.changed != 1 { failures.withLock { $0 += 1 } }
                    } catch {
                        failures.withLock { $0 += 1 }
                    }
                }
            }
        }
        for thread in threads {
            done.enter()
            thread.start()
        }
        done.wait()
        #expect(failures.withLock { $0 } == 0)
        #expect(try triples(g).count == 16 * 25 + 1)
        let stats = group.statistics
        #expect(stats.writes == 400)
        #expect(stats.transactions < 400, "\(stats)")
    }
}
