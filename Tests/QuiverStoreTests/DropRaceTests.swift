import Foundation
import QuiverPostgres
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

@Suite("Readers racing a drop")
struct DropRaceTests {
    /// Replays `Store.drop`'s statements on a connection held open, so that `graphs()` reads the
    /// graph's row before the drop commits and counts its triples after.
    @Test("graphs() while another process drops a graph lists the rest instead of failing")
    func graphsDuringDrop() throws {
        let store = try TestCluster.isolatedStore("drop_race")
        try store.load(graph: "stays", inputs: [.bytes(name: "a.tsv", Array("a\tb\tc\n".utf8))])
        try store.load(graph: "goes", inputs: [.bytes(name: "a.tsv", Array("a\tb\tc\n".utf8))])
        let goes = try #require(try store.graph(named: "goes"))
        let dropper = try PGConnection(conninfo: store.conninfo)
        defer { dropper.close() }
        try dropper.executeScript("BEGIN")
        _ = try dropper.execute("SELECT id FROM graphs WHERE name = 'goes' FOR UPDATE")
        try dropper.executeScript("DROP TABLE triples_g\(goes.id); DROP TABLE terms_g\(goes.id)")
        let bodies: [@Sendable () throws -> [String]] = [
            { try store.graphs().map(\.name) },
            {
                // Commit the drop while the reader may be running.
                usleep(50_000)
                _ = try dropper.execute("DELETE FROM graphs WHERE id = $1", [.int32(goes.id)])
                try dropper.executeScript("COMMIT")
                return []
            },
        ]
        let results = runOnThreads(bodies)
        _ = try results[1].get()
        // The reader sees the catalog before or after the drop, never an error.
        let seen = try results[0].get()
        #expect(seen == ["goes", "stays"] || seen == ["stays"])
        #expect(try store.graphs().map(\.name) == ["stays"])
        #expect(try store.graph(named: "goes") == nil)
    }

    @Test("A snapshot read of a graph being dropped waits for the drop and then says the graph is gone")
    func snapshotDuringDrop() throws {
        let store = try TestCluster.isolatedStore("drop_race_snapshot")
        try store.load(graph: "goes", inputs: [.bytes(name: "a.tsv", Array("a\tb\tc\n".utf8))])
        let goes = try #require(try store.graph(named: "goes"))
        let dropper = try PGConnection(conninfo: store.conninfo)
        defer { dropper.close() }
        try dropper.executeScript("BEGIN")
        _ = try dropper.execute("SELECT id FROM graphs WHERE name = 'goes' FOR UPDATE")
        try dropper.executeScript("DROP TABLE triples_g\(goes.id); DROP TABLE terms_g\(goes.id)")
        let bodies: [@Sendable () throws -> [String]] = [
            {
                do {
                    _ = try SnapshotLoader(store: store).build(graph: "goes")
                    return ["built"]
                } catch StoreError.graphNotFound(let name) {
                    return ["not found: \(name)"]
                }
            },
            {
                usleep(200_000)
                _ = try dropper.execute("DELETE FROM graphs WHERE id = $1", [.int32(goes.id)])
                try dropper.executeScript("COMMIT")
                return []
            },
        ]
        let results = runOnThreads(bodies)
        _ = try results[1].get()
        #expect(try results[0].get() == ["not found: goes"])
    }
}
