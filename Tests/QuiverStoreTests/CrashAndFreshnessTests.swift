import Foundation
import QuiverPostgres
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

@Suite("Killed loads, unreachable databases and fresh snapshots", .serialized)
struct CrashAndFreshnessTests {
    /// A `quiver load` killed with SIGKILL in the middle of its COPY leaves no graph, no partition
    /// and no lock behind, and the same graph name loads cleanly afterwards.
    @Test("SIGKILL in the middle of a load leaves nothing behind", .enabled(if: CLI.executable != nil))
    func killedLoad() throws {
        let dir = try scratchDirectory("quiver-kill")
        var lines = ""
        lines.reserveCapacity(40 << 20)
        for i in 0..<1_500_000 { lines += "e\(i % 300_000)\tr\(i % 97)\te\((i &* 7919) % 300_000)\n" }
        let big = try writeFile(dir, "big.tsv", lines)
        // Make sure the CLI's cluster runs before timing anything.
        let started = try CLI.run(["db", "start"])
        #expect(started.status == 0, "\(started.stderr)")
        let conninfo = EmbeddedCluster(dataDirectory: try CLI.dataDirectory.get()).conninfo
        let watcher = try PGConnection(conninfo: conninfo)
        defer { watcher.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(CLI.executable))
        process.arguments = ["load", "killed", big, "--data-dir", try CLI.dataDirectory.get()]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until its COPY is streaming, then kill it.
        var copying = false
        for _ in 0..<400 {
            let r = try watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY \"triples_g%' AND state = 'active'")
            if (r.int(0, 0) ?? 0) > 0 { copying = true; break }
            usleep(10_000)
        }
        #expect(copying, "the load never reached its COPY")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // The server notices the dropped client and rolls the transaction back.
        var backendGone = false
        for _ in 0..<500 {
            let r = try watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY \"triples_g%'")
            if r.int(0, 0) == 0 { backendGone = true; break }
            usleep(20_000)
        }
        #expect(backendGone)
        let graphs = try CLI.run(["graphs", "--json"])
        #expect(!graphs.stdout.contains("\"killed\""), "\(graphs.stdout)")
        let rows = try watcher.execute("SELECT count(*) FROM graphs WHERE name = 'killed'")
        #expect(rows.int(0, 0) == 0)
        let orphans = try watcher.execute("""
            SELECT count(*) FROM pg_tables
            WHERE tablename ~ '^(terms|triples)_g[0-9]+$'
              AND substring(tablename from '[0-9]+$')::int NOT IN (SELECT id FROM graphs)
            """)
        #expect(orphans.int(0, 0) == 0)

        let small = try writeFile(dir, "small.tsv", "a\tr\tb\nb\tr\tc\n")
        let reload = try CLI.run(["load", "killed", small, "--json"])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.json?["new"] as? Int == 2)
    }

    @Test("An unreachable database exits 3 and says why", .enabled(if: CLI.executable != nil))
    func unreachableDatabase() throws {
        let run = try CLI.run(["graphs", "--database", "postgresql://quiver@127.0.0.1:1/none"], dataDir: false)
        #expect(run.status == 3)
        #expect(run.stderr.contains("database error"), "\(run.stderr)")
        #expect(run.stderr.contains("127.0.0.1"), "\(run.stderr)")
    }

    /// The daemon's freshness contract: triples written by another process show up in the cache's
    /// snapshot within a second, and a drop makes the graph unknown.
    @Test("SnapshotCache follows another process's writes within a second")
    func cacheFollowsWrites() throws {
        let database = try TestCluster.freshDatabase("fresh")
        let reader = try Store.open(StoreLocation(databaseURL: database))
        let writer = try Store.open(StoreLocation(databaseURL: database))
        try writer.load(graph: "live", inputs: [.bytes(name: "a.tsv", Array("a\tr\tb\n".utf8))])

        let cache = SnapshotCache(store: reader)
        try cache.startWatching()
        defer { cache.stopWatching() }
        #expect(try cache.snapshot(of: "live").edgeCount == 1)

        try writer.load(graph: "live", inputs: [.bytes(name: "b.tsv", Array("b\tr\tc\nc\tr\td\n".utf8))])
        let deadline = Date().addingTimeInterval(1.0)
        var seen = 0
        while Date() < deadline {
            seen = try cache.snapshot(of: "live").edgeCount
            if seen == 3 { break }
            usleep(20_000)
        }
        #expect(seen == 3, "the cache still shows \(seen) edges one second after the write")

        try writer.drop(graph: "live")
        var gone = false
        for _ in 0..<50 {
            do { _ = try cache.snapshot(of: "live") } catch StoreError.graphNotFound { gone = true; break }
            usleep(20_000)
        }
        #expect(gone)
    }
}
