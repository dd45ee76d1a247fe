import QuiverPostgres

/// One schema step from `migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
}

/// Applies the embedded migrations in order, each in its own transaction, and records them in
/// `schema_migrations`. Re-running is a no-op; a database that a newer Quiver migrated is refused.
public enum Migrator {
    /// Any fixed number: the advisory lock that keeps two processes from migrating at once.
    static let lockKey: Int64 = 0x5155_4956_4552 // "QUIVER"

    /// Returns the migrations applied by this call (empty when the schema was current).
    @discardableResult
    public static func migrate(_ conn: PGConnection, migrations: [Migration] = embedded) throws -> [Migration] {
        _ = try conn.execute("SELECT pg_advisory_lock($1)", [.int64(lockKey)])
        defer { _ = try? conn.execute("SELECT pg_advisory_unlock($1)", [.int64(lockKey)]) }

        let exists = try conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").bool(0, 0) ?? false
        if !exists {
            try conn.executeScript("""
            CREATE TABLE schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """)
        }
        let current = try currentVersion(conn)
        let latest = migrations.map(\.version).max() ?? 0
        if current > latest {
            throw StoreError.schemaTooNew(databaseVersion: current, supportedVersion: latest)
        }
        var applied: [Migration] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
            try conn.transaction {
                try conn.executeScript(migration.sql)
                _ = try conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    [.int32(Int32(migration.version)), .text(migration.name)])
            }
            applied.append(migration)
        }
        return applied
    }

    /// The highest applied version, 0 for an empty database.
    public static func currentVersion(_ conn: PGConnection) throws -> Int {
        let r = try conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
        return r.int(0, 0) ?? 0
    }
}
