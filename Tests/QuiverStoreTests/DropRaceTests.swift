import Foundation
import QuiverPostgres
import QuiverStore
import Testing

@Suite("Readers racing a drop")
struct DropRaceTests {
    /// Replays `Store.drop`'s statements on a connection held open, so that `graphs()` reads the
    /// graph's row before the drop commits and counts its triples after.
    @Test("graphs() while another process drops a graph lists the rest instead of failing",
          .disabled("bug: Store.graphs() (Store.swift) reads the graph rows, then runs count(*) on triples_g<ID> in separate statements outside a transaction; a drop committing in between makes it throw 'relation does not exist'. Lock the rows FOR SHARE in one transaction (drop takes FOR UPDATE first) or keep the triple count in the graphs row"))
    func graphsDuringDrop() throws {
        let store = try StoreTestCluster.isolatedStore("drop_race")
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
                // Let the reader block on the dropped table, then commit the drop.
                let watcher = try PGConnection(conninfo: store.conninfo)
                defer { watcher.close() }
                for _ in 0..<400 {
                    let r = try watcher.execute("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'SELECT count(*)%'
                        """)
                    if r.int(0, 0) == 1 { break }
                    usleep(25_000)
                }
                _ = try dropper.execute("DELETE FROM graphs WHERE id = $1", [.int32(goes.id)])
                try dropper.executeScript("COMMIT")
                return []
            },
        ]
        let results = runOnThreads(bodies)
        _ = try results[1].get()
        #expect(try results[0].get() == ["stays"])
    }
}
