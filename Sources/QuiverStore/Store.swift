import Foundation
import Synchronization
import QuiverCore
import QuiverPostgres

/// Where the store lives: an external PostgreSQL given by URL, or the embedded cluster in a data
/// directory (the default).
public struct StoreLocation: Sendable, Equatable {
    public var databaseURL: String?
    public var dataDirectory: String

    public init(databaseURL: String? = nil, dataDirectory: String = "./quiver-data") {
        self.databaseURL = databaseURL
        self.dataDirectory = dataDirectory
    }
}

/// A named graph as the catalog knows it.
public struct GraphInfo: Sendable, Equatable {
    public var id: Int32
    public var name: String
    public var changeSeq: Int64
    public var tripleCount: Int64

    var termsTable: String { "terms_g\(id)" }
    var triplesTable: String { "triples_g\(id)" }
}

/// The PostgreSQL triple store. Cheap to keep around; each operation opens what it needs.
///
/// ```swift
/// let store = try Store.open(StoreLocation(dataDirectory: "./quiver-data"))
/// let report = try store.load(graph: "nations", inputs: [.file("train.txt")], options: .init(split: .train))
/// ```
public final class Store: Sendable {
    public let location: StoreLocation
    /// The libpq connection string of the database in use.
    public let conninfo: String
    /// Idle connections kept for `withConnection`: opening one costs a PostgreSQL backend fork
    /// (milliseconds), and a daemon makes several small calls per command.
    private let idle = Mutex<[(connection: PGConnection, since: ContinuousClock.Instant)]>([])
    static let idleConnections = 4
    /// A connection idle for longer is checked (a round trip) before it is used again.
    static let idleCheckAfter = Duration.seconds(1)
    private let identity = Mutex<String?>(nil)
    /// The nice value given to the server processes of new connections (embedded cluster only).
    private let backendNice = Mutex<Int32?>(nil)

    private init(location: StoreLocation, conninfo: String) {
        self.location = location
        self.conninfo = conninfo
    }

    /// Connects (starting the embedded cluster when no URL is given) and brings the schema up to date.
    public static func open(_ location: StoreLocation) throws -> Store {
        let conninfo: String
        if let url = location.databaseURL, !url.isEmpty {
            conninfo = url
        } else {
            do {
                conninfo = try EmbeddedCluster(dataDirectory: location.dataDirectory).start()
            } catch let e as PGError {
                throw StoreError.database(e)
            }
        }
        let store = Store(location: location, conninfo: conninfo)
        try store.withConnection { conn in _ = try Migrator.migrate(conn) }
        return store
    }

    /// What tells this database from every other: the cluster's system identifier and the
    /// database's oid (a snapshot file of another database, or of a re-created one, is not used).
    public func databaseIdentity() throws -> String {
        if let known = identity.withLock({ $0 }) { return known }
        let made = try withConnection { conn -> String in
            let db = try conn.execute("SELECT oid::text FROM pg_database WHERE datname = current_database()")
            let oid = db.string(0, 0) ?? "?"
            // pg_control_system() may be refused to a role without the right; then the server's
            // address and port stand in for the cluster (never the connection string: it may
            // hold a password, and the identity is written into snapshot files).
            if let r = try? conn.execute("SELECT system_identifier::text FROM pg_control_system()"), let id = r.string(0, 0) {
                return id + "/" + oid
            }
            let server = try? conn.execute("SELECT coalesce(host(inet_server_addr()), 'local') || ':' || current_setting('port')")
            return (server?.string(0, 0) ?? "?") + "/" + oid
        }
        identity.withLock { $0 = made }
        return made
    }

    /// A fresh connection; the caller closes it.
    public func connect() throws -> PGConnection {
        let conn: PGConnection
        do { conn = try PGConnection(conninfo: conninfo) } catch let e as PGError { throw StoreError.database(e) }
        if let nice = backendNice.withLock({ $0 }) { Self.lowerPriority(ofServerFor: conn, nice: nice) }
        return conn
    }

    /// From now on, the embedded cluster's server process for each new connection of this store
    /// runs at `nice` (10: a tenth of a default process's share of a busy CPU). The daemon does
    /// this: its connections carry writes, and on a machine whose cores are all busy, PostgreSQL
    /// inserting a stream of writes would otherwise delay the answers to reads, which never need
    /// the database. Writes still get every cycle that nothing else wants. Does nothing with
    /// `--database` (the server may be another machine's) or where the system refuses.
    public func lowerServerPriority(nice: Int32) {
        guard location.databaseURL?.isEmpty ?? true else { return }
        backendNice.withLock { $0 = nice }
        let pooled = idle.withLock { $0.map(\.connection) }
        for conn in pooled { Self.lowerPriority(ofServerFor: conn, nice: nice) }
    }

    private static func lowerPriority(ofServerFor conn: PGConnection, nice: Int32) {
        #if os(Linux)
        guard let r = try? conn.execute("SELECT pg_backend_pid()"), let pid = r.int(0, 0), pid > 0 else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid), nice)
        #endif
    }

    /// Runs `body` on a connection of the pool (or a fresh one), translating PostgreSQL errors
    /// into `StoreError.database`. The connection goes back to the pool only when `body` returned
    /// with no transaction open; after any error it is closed.
    public func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let conn = try pooledConnection()
        var reusable = false
        defer {
            if reusable && !conn.isInTransaction {
                let kept = idle.withLock { pool in
                    guard pool.count < Self.idleConnections else { return false }
                    pool.append((conn, .now))
                    return true
                }
                if !kept { conn.close() }
            } else {
                conn.close()
            }
        }
        do {
            let result = try body(conn)
            reusable = true
            return result
        } catch let e as PGError {
            throw StoreError.database(e)
        }
    }

    /// An idle connection that still answers (the server may have restarted since it was used), or
    /// a new one.
    private func pooledConnection() throws -> PGConnection {
        while let (conn, since) = idle.withLock({ $0.popLast() }) {
            // One used a moment ago is taken as it is: a group commit takes one per transaction,
            // and the check would be a round trip in each.
            if ContinuousClock.now - since < Self.idleCheckAfter || (try? conn.execute("SELECT 1")) != nil { return conn }
            conn.close()
        }
        return try connect()
    }

    /// Closes the idle connections (before the embedded cluster stops, and in tests).
    public func closeIdleConnections() {
        let pool = idle.withLock { pool in
            defer { pool = [] }
            return pool.map(\.connection)
        }
        for conn in pool { conn.close() }
    }

    // MARK: Catalog

    /// Every ready graph, by name.
    public func graphs() throws -> [GraphInfo] {
        try withConnection { conn in
            let r = try conn.execute("SELECT id, name, change_seq, triple_count FROM graphs WHERE ready ORDER BY name")
            return (0..<r.rowCount).map { i in
                GraphInfo(id: Int32(r.int(i, 0) ?? 0), name: r.string(i, 1) ?? "", changeSeq: r.int64(i, 2) ?? 0,
                          tripleCount: r.int64(i, 3) ?? 0)
            }
        }
    }

    /// The graph of that name, or nil.
    public func graph(named name: String) throws -> GraphInfo? {
        try withConnection { conn in try Self.graph(named: name, conn) }
    }

    /// The graph of that name, or nil. With `lockForRead`, the row is locked FOR SHARE until the
    /// transaction ends, so no write to the graph (each locks the row FOR UPDATE first) and no drop
    /// can commit while the caller reads its partitions.
    static func graph(named name: String, _ conn: PGConnection, lockForRead: Bool = false) throws -> GraphInfo? {
        let r = try conn.execute(
            "SELECT id, change_seq, triple_count FROM graphs WHERE name = $1 AND ready" + (lockForRead ? " FOR SHARE" : ""),
            [.text(name)])
        guard r.rowCount == 1, let id = r.int(0, 0) else { return nil }
        return GraphInfo(id: Int32(id), name: name, changeSeq: r.int64(0, 1) ?? 0, tripleCount: r.int64(0, 2) ?? 0)
    }

    /// The graph of that name, or `StoreError.graphNotFound`.
    public func requireGraph(_ name: String) throws -> GraphInfo {
        guard let g = try graph(named: name) else { throw StoreError.graphNotFound(name) }
        return g
    }

    /// Removes a graph with its dictionary, triples, ontology and change log. Returns false if absent.
    @discardableResult
    public func drop(graph name: String) throws -> Bool {
        try withConnection { conn in try conn.transaction { try drop(graph: name, conn) } }
    }

    /// Drops `name` inside the caller's transaction on `conn`; false when there is no such graph.
    func drop(graph name: String, _ conn: PGConnection) throws -> Bool {
        let r = try conn.execute("SELECT id FROM graphs WHERE name = $1 FOR UPDATE", [.text(name)])
        guard r.rowCount == 1, let id = r.int(0, 0) else { return false }
        // Dropping a partition locks its parent; take the parents in the order loads attach
        // them (terms, then triples), so a drop and a load never wait on each other in a cycle.
        try conn.executeScript("""
            DROP TABLE IF EXISTS \(quoteIdentifier("terms_g\(id)"));
            DROP TABLE IF EXISTS \(quoteIdentifier("triples_g\(id)"));
            """)
        _ = try conn.execute("DELETE FROM graphs WHERE id = $1", [.int32(Int32(id))])
        _ = try conn.execute("SELECT pg_notify($1, $2)", [.text(changeChannel), .text(changeNotice(seq: -1, graph: name))])
        return true
    }

    /// Every ready graph's change sequence, by exact name, in one query on `conn` (the snapshot
    /// watcher's own connection).
    public static func changeSequences(on conn: PGConnection) throws -> [ExactName: Int64] {
        do {
            let r = try conn.execute("SELECT name, change_seq FROM graphs WHERE ready")
            var seqs: [ExactName: Int64] = [:]
            for i in 0..<r.rowCount { if let name = r.string(i, 0) { seqs[ExactName(name)] = r.int64(i, 1) ?? 0 } }
            return seqs
        } catch let e as PGError {
            throw StoreError.database(e)
        }
    }

    /// The current change sequence of a graph (nil when it does not exist).
    public func changeSeq(of name: String) throws -> Int64? {
        try withConnection { conn in
            let r = try conn.execute("SELECT change_seq FROM graphs WHERE name = $1 AND ready", [.text(name)])
            return r.rowCount == 1 ? r.int64(0, 0) : nil
        }
    }
}

/// The NOTIFY channel on which every committed write announces its graph: the payload is
/// `changeNotice` (the change sequence it committed at, -1 for a drop, a space, the name).
public let changeChannel = "quiver_changes"

/// A change's NOTIFY payload: `"<seq> <graph name>"`.
public func changeNotice(seq: Int64, graph: String) -> String { "\(seq) \(graph)" }

/// The change sequence and graph of a NOTIFY payload (`changeNotice`); a payload of another form
/// is a graph name with no sequence.
public func parseChangeNotice(_ payload: String) -> (seq: Int64?, graph: String) {
    guard let space = payload.utf8.firstIndex(of: UInt8(ascii: " ")),
          let seq = Int64(String(decoding: payload.utf8[..<space], as: UTF8.self)) else { return (nil, payload) }
    return (seq, String(decoding: payload.utf8[payload.utf8.index(after: space)...], as: UTF8.self))
}

/// Quotes an SQL identifier (for the per-graph partitions, whose names Quiver makes from integers).
func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
