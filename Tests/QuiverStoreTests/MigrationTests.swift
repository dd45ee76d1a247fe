import Foundation
import QuiverPostgres
import QuiverStore
import Testing
import QuiverTestSupport

@Suite("Schema migrations")
struct MigrationTests {
    @Test("Migrating an empty database applies every migration; migrating again applies nothing")
    func idempotent() throws {
        let conninfo = try TestCluster.freshDatabase("mig_idem")
        let conn = try PGConnection(conninfo: conninfo)
        defer { conn.close() }
        let latest = try #require(Migrator.embedded.map(\.version).max())
        let first = try Migrator.migrate(conn)
        #expect(first == Migrator.embedded.sorted { $0.version < $1.version })
        #expect(try Migrator.currentVersion(conn) == latest)
        let second = try Migrator.migrate(conn)
        #expect(second.isEmpty)
        // Store.open on the migrated database migrates nothing either.
        _ = try Store.open(StoreLocation(databaseURL: conninfo))
        #expect(try Migrator.migrate(conn).isEmpty)
        let rows = try conn.execute("SELECT count(*) FROM schema_migrations").int(0, 0)
        #expect(rows == Migrator.embedded.count)
    }

    @Test("A database migrated by a newer Quiver is refused")
    func tooNew() throws {
        let conninfo = try TestCluster.freshDatabase("mig_new")
        let conn = try PGConnection(conninfo: conninfo)
        defer { conn.close() }
        try Migrator.migrate(conn)
        let latest = try #require(Migrator.embedded.map(\.version).max())
        _ = try conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future')",
                             [.int32(Int32(latest + 1))])

        func expectTooNew(_ body: () throws -> Void) {
            do {
                try body()
                Issue.record("expected schemaTooNew")
            } catch StoreError.schemaTooNew(let db, let ours) {
                #expect(db == latest + 1)
                #expect(ours == latest)
            } catch {
                Issue.record("expected schemaTooNew, got \(error)")
            }
        }
        expectTooNew { try Migrator.migrate(conn) }
        expectTooNew { _ = try Store.open(StoreLocation(databaseURL: conninfo)) }
        let message = StoreError.schemaTooNew(databaseVersion: latest + 1, supportedVersion: latest).description
        #expect(message.contains("version \(latest + 1)"))
        // The advisory lock was released: another connection can still take it.
        let other = try PGConnection(conninfo: conninfo)
        defer { other.close() }
        #expect(try other.execute("SELECT pg_try_advisory_lock($1)", [.int64(0x5155_4956_4552)]).bool(0, 0) == true)
    }
}
