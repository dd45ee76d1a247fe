import Foundation
import QuiverCore
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

/// Snapshot files: written atomically, opened memory-mapped, and never trusted when stale past
/// the change log, truncated, bit-flipped, of another graph or of another database.
@Suite("Snapshot files", .serialized)
struct SnapshotFileTests {
    static func same(_ a: CSRSnapshot, _ b: CSRSnapshot) -> Bool { LiveGraphTests.same(a, b) && a.relationTerms == b.relationTerms }

    static func graph(_ store: Store, _ name: String, _ text: String) throws {
        try store.load(graph: name, inputs: [.bytes(name: "g.tsv", Array(text.utf8))])
    }

    @Test("A file round-trips the arrays and the terms, literals and IRIs included")
    func roundTrip() throws {
        let dir = try scratchDirectory("snapfile")
        var b = SnapshotBuilder(graph: "t", changeSeq: 7)
        b.add(Triple(.iri("http://x/a"), .iri("http://x/p"), .literal("chat", datatype: nil, language: "fr")), provenance: .inferred, split: .valid)
        b.add(Triple(.name("a"), .name("r"), .blank("b1")))
        b.add(Triple(.name("a"), .name("r"), .literal("1", datatype: "http://www.w3.org/2001/XMLSchema#integer", language: nil)))
        let snap = b.build()
        let identity = SnapshotFile.Identity(database: "db/1", graphID: 3, graph: "t")
        let path = SnapshotFile.path(in: dir, for: identity)
        // A writer killed halfway left its temporary file: the next write removes it.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let abandoned = path + ".tmp-\(gone.processIdentifier)-1"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: abandoned))
        try SnapshotFile.write(snap, identity: identity, to: path)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        let back = try SnapshotFile.read(path, expecting: identity)
        #expect(back.changeSeq == 7 && Self.same(back, snap))
        #expect(back.node(named: "\"chat\"@fr") != nil && back.node(named: "http://x/a") != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [(path as NSString).lastPathComponent], "no temporary file is left")
        // Another graph or database: refused.
        #expect(throws: SnapshotFile.Problem.foreign) { try SnapshotFile.read(path, expecting: .init(database: "db/2", graphID: 3, graph: "t")) }
        #expect(throws: SnapshotFile.Problem.foreign) { try SnapshotFile.read(path, expecting: .init(database: "db/1", graphID: 4, graph: "t")) }
    }

    @Test("Every truncation and a bit flip anywhere are detected")
    func damageIsDetected() throws {
        let dir = try scratchDirectory("snapdamage")
        var b = SnapshotBuilder(graph: "t")
        for i in 0..<200 { b.add(Triple(.name("n\(i)"), .name("r\(i % 3)"), .name("n\((i * 7) % 200)"))) }
        let identity = SnapshotFile.Identity(database: "db", graphID: 1, graph: "t")
        let path = dir + "/t.qsnap"
        try SnapshotFile.write(b.build(), identity: identity, to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        var rng = SeededRandom(seed: 3)
        for cut in [0, 7, 63, good.count / 2, good.count - 1] {
            try good.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect(throws: SnapshotFile.Problem.self) { try SnapshotFile.read(path, expecting: identity) }
        }
        for _ in 0..<40 {
            var bad = good
            let i = Int.random(in: 8..<bad.count, using: &rng)
            bad[i] ^= UInt8(1) << UInt8(Int.random(in: 0..<8, using: &rng))
            try bad.write(to: URL(fileURLWithPath: path))
            #expect(throws: SnapshotFile.Problem.self, "byte \(i)") { try SnapshotFile.read(path, expecting: identity) }
        }
        try good.write(to: URL(fileURLWithPath: path))
        #expect(try SnapshotFile.read(path, expecting: identity).edgeCount == 200)
    }

    @Test("Opening a graph uses its file, catches up from the change log, and rebuilds when it must")
    func openThroughTheFile() throws {
        let database = try TestCluster.freshDatabase("snapopen")
        let store = try Store.open(StoreLocation(databaseURL: database))
        let dir = try scratchDirectory("snapopen")
        let loader = SnapshotLoader(store: store, files: SnapshotFiles(directory: dir))
        try Self.graph(store, "g", "a\tr\tb\nb\tr\tc\n")
        let first = try loader.open(graph: "g")
        #expect(first.source == .rebuilt)
        let second = try loader.open(graph: "g")
        #expect(second.source == .file && Self.same(second.snapshot, first.snapshot))
        // Small writes since the file: applied from the log.
        _ = try store.add(graph: "g", triples: [Triple(.name("c"), .name("r"), .name("d"))])
        _ = try store.delete(graph: "g", triples: [Triple(.name("a"), .name("r"), .name("b"))])
        let third = try loader.open(graph: "g")
        #expect(third.source == .fileAndChanges(2))
        #expect(Self.same(third.snapshot.compacted(), try SnapshotLoader(store: store).build(graph: "g")))
        // A small load is in the log; a big one is not: rebuilt, and the file rewritten.
        try Self.graph(store, "g", "d\tr\te\n")
        #expect(try loader.open(graph: "g").source == .fileAndChanges(3))
        try Self.graph(store, "g", (0..<10_001).map { "big\($0)\tr\tbig\($0 + 1)" }.joined(separator: "\n"))
        #expect(try loader.open(graph: "g").source == .rebuilt)
        #expect(try loader.open(graph: "g").source == .file)
        // A damaged file is rebuilt, never used.
        let identity = SnapshotFile.Identity(database: try store.databaseIdentity(), graphID: try #require(try store.graph(named: "g")).id, graph: "g")
        let path = SnapshotFile.path(in: dir, for: identity)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 10] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path))
        let repaired = try loader.open(graph: "g")
        #expect(repaired.source == .rebuilt && repaired.snapshot.edgeCount == 10_004)
        // A graph dropped and made again under the same name: the old file is not its own.
        try store.drop(graph: "g")
        try Self.graph(store, "g", "x\tr\ty\n")
        let again = try loader.open(graph: "g")
        #expect(again.source == .rebuilt && again.snapshot.edgeCount == 1)
    }
}
