import Testing
@testable import QuiverPostgres
import QuiverTestSupport

@Suite("PGConnection against the embedded cluster")
struct PGConnectionTests {
    @Test func everyParameterTypeRoundTrips() throws {
        let db = try TestCluster.connect()
        let result = try db.execute(
            "SELECT $1::text, $2::int8, $3::int4, $4::int2, $5::float8, $6::bool, $7::bytea, $8::text, $9::int8",
            [
                .text("héllo 'world' ✓"), .int64(Int64.min), .int32(Int32.max), .int16(-7), .double(0.1),
                .bool(true), .bytes([0, 1, 254, 255]), .null, .null,
            ])
        #expect(result.rowCount == 1)
        #expect(result.columnCount == 9)
        #expect(result.string(0, 0) == "héllo 'world' ✓")
        #expect(result.int64(0, 1) == Int64.min)
        #expect(result.int(0, 2) == Int(Int32.max))
        #expect(result.int(0, 3) == -7)
        #expect(result.double(0, 4) == 0.1)
        #expect(result.bool(0, 5) == true)
        #expect(result.bytes(0, 6) == [0, 1, 254, 255])
        #expect(result.string(0, 7) == nil)
        #expect(result.isNull(0, 8))
        #expect(result.int64(0, 8) == nil)
    }

    @Test func specialDoublesAndUntypedParameters() throws {
        let db = try TestCluster.connect()
        let result = try db.execute(
            "SELECT $1::float8, $2::float8, $3::float8, $4 AS untyped, $5 + 1 AS sum",
            [.double(.infinity), .double(-.infinity), .double(.nan), .text("plain"), .int64(41)])
        #expect(result.double(0, 0) == .infinity)
        #expect(result.double(0, 1) == -.infinity)
        #expect(result.double(0, 2)?.isNaN == true)
        #expect(result.string(0, 3) == "plain")
        #expect(result.columnNames == ["float8", "float8", "float8", "untyped", "sum"])
        #expect(result.int64(0, 4) == 42)
    }

    @Test func insertsIntoTypedColumnsAndCountsRows() throws {
        let db = try TestCluster.connect()
        try db.executeScript("""
            CREATE TEMP TABLE typed (a int2, b int4, c int8, d float8, e bool, f bytea, g text, h jsonb);
            """)
        let insert = try db.execute(
            "INSERT INTO typed VALUES ($1, $2, $3, $4, $5, $6, $7, $8), ($1, $2, $3, $4, $5, $6, $7, $8)",
            [.int16(1), .int32(2), .int64(3), .double(4.5), .bool(false), .bytes([9]), .text("t"), .text(#"{"k": 1}"#)])
        #expect(insert.affectedRows == 2)
        #expect(insert.commandTag == "INSERT 0 2")
        let rows = try db.execute("SELECT a, b, c, d, e, f, g, h->>'k' FROM typed")
        #expect(rows.rowCount == 2)
        #expect(rows.int(1, 0) == 1 && rows.int(1, 1) == 2 && rows.int64(1, 2) == 3)
        #expect(rows.double(1, 3) == 4.5 && rows.bool(1, 4) == false && rows.bytes(1, 5) == [9])
        #expect(rows.string(1, 6) == "t" && rows.int(1, 7) == 1)
    }

    @Test func textWithNulIsRejectedBeforeSending() throws {
        let db = try TestCluster.connect()
        let error = #expect(throws: PGError.self) { try db.execute("SELECT $1", [.text("a\u{0}b")]) }
        #expect(error?.kind == .protocolViolation)
    }

    @Test func missingTableCarriesSQLStateAndPosition() throws {
        let db = try TestCluster.connect()
        let error = #expect(throws: PGError.self) { try db.execute("SELECT * FROM no_such_table") }
        #expect(error?.kind == .server)
        #expect(error?.sqlState == "42P01")
        #expect(error?.message == "relation \"no_such_table\" does not exist")
        #expect(error?.position == 15)
        #expect(error?.isConnectionLost == false)
        #expect(error?.description.hasPrefix("ERROR 42P01: relation \"no_such_table\" does not exist") == true)
        // The connection is still usable.
        #expect(try db.execute("SELECT 1").int(0, 0) == 1)
    }

    @Test func uniqueViolationCarriesDetail() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE uniq (id int PRIMARY KEY); INSERT INTO uniq VALUES (1);")
        let error = #expect(throws: PGError.self) { try db.execute("INSERT INTO uniq VALUES ($1)", [.int32(1)]) }
        #expect(error?.sqlState == "23505")
        #expect(error?.detail == "Key (id)=(1) already exists.")
    }

    @Test func scriptRunsSeveralStatementsAndStopsAtTheFirstError() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE script (v int); INSERT INTO script VALUES (1); INSERT INTO script VALUES (2);")
        #expect(try db.execute("SELECT count(*) FROM script").int(0, 0) == 2)
        let error = #expect(throws: PGError.self) {
            try db.executeScript("INSERT INTO script VALUES (3); SELECT 1/0; INSERT INTO script VALUES (4);")
        }
        #expect(error?.sqlState == "22012")
        // A multi-statement script runs as one implicit transaction: the first insert is undone too.
        #expect(try db.execute("SELECT count(*) FROM script").int(0, 0) == 2)
    }

    struct Boom: Error {}

    @Test func transactionCommitsOrRollsBack() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE tx (v int)")
        let value = try db.transaction {
            try db.execute("INSERT INTO tx VALUES (1)")
            return 7
        }
        #expect(value == 7)
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO tx VALUES (2)")
                throw Boom()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.execute("SELECT array_agg(v ORDER BY v)::text FROM tx").string(0, 0) == "{1}")
    }

    @Test func nestedTransactionUsesASavepoint() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE nested (v int)")
        try db.transaction {
            try db.execute("INSERT INTO nested VALUES (1)")
            _ = try? db.transaction {
                try db.execute("INSERT INTO nested VALUES (2)")
                throw Boom()
            }
            try db.execute("INSERT INTO nested VALUES (3)")
        }
        #expect(try db.execute("SELECT array_agg(v ORDER BY v)::text FROM nested").string(0, 0) == "{1,3}")
    }

    @Test func swallowedErrorInsideTransactionIsReported() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE swallowed (v int)")
        let error = #expect(throws: PGError.self) {
            try db.transaction {
                try db.execute("INSERT INTO swallowed VALUES (1)")
                _ = try? db.execute("SELECT * FROM missing_table")
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(try db.execute("SELECT count(*) FROM swallowed").int(0, 0) == 0)
    }

    @Test func listenAndNotifyBetweenTwoConnections() throws {
        let listener = try TestCluster.connect()
        let sender = try TestCluster.connect()
        try listener.listen("quiver \"events\"")
        #expect(try listener.notifications(timeout: 0).isEmpty)
        try sender.notify("quiver \"events\"", payload: "graph 1 changed")
        try sender.notify("other", payload: "ignored")
        let received = try listener.notifications(timeout: 5)
        #expect(received == [PGNotification(channel: "quiver \"events\"", payload: "graph 1 changed", pid: sender.backendPID)])
        // Delivered only on commit.
        try sender.transaction {
            try sender.notify("quiver \"events\"", payload: "second")
            #expect(try listener.notifications(timeout: 0.2).isEmpty)
        }
        #expect(try listener.notifications(timeout: 5).map(\.payload) == ["second"])
    }

    @Test func reconnectsAfterTheBackendIsTerminated() throws {
        let db = try TestCluster.connect()
        let admin = try TestCluster.connect()
        try db.listen("after_reconnect")
        let oldPID = db.backendPID
        let terminated = try admin.execute("SELECT pg_terminate_backend($1::int4)", [.int32(oldPID)])
        #expect(terminated.bool(0, 0) == true)
        // Wait until the backend is gone so the loss is certain to be observed.
        for _ in 0..<100 {
            let alive = try admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int4", [.int32(oldPID)])
            if alive.int(0, 0) == 0 { break }
            try admin.execute("SELECT pg_sleep(0.02)")
        }
        let error = #expect(throws: PGError.self) { try db.execute("SELECT 1") }
        #expect(error?.isConnectionLost == true)
        // The next command reconnects, and the LISTEN survives.
        #expect(try db.execute("SELECT 2").int(0, 0) == 2)
        #expect(db.backendPID != oldPID)
        try admin.notify("after_reconnect", payload: "still here")
        #expect(try db.notifications(timeout: 5).map(\.payload) == ["still here"])
    }

    @Test func closedConnectionThrows() throws {
        let db = try TestCluster.connect()
        #expect(db.serverVersion >= 100_000)
        db.close()
        let error = #expect(throws: PGError.self) { try db.execute("SELECT 1") }
        #expect(error?.kind == .connection)
        #expect(error?.isConnectionLost == false)
    }

    @Test func badConninfoIsAConnectionError() throws {
        let error = #expect(throws: PGError.self) {
            try PGConnection(conninfo: "host=/nonexistent-quiver-socket-dir port=1 user=x dbname=y connect_timeout=1")
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("/nonexistent-quiver-socket-dir") == true)
    }

    @Test func urlConninfoWorks() throws {
        guard case .running(_, let socketDirectory) = try #require(TestCluster.cluster).status() else {
            Issue.record("cluster not running")
            return
        }
        let encoded = socketDirectory.replacingAll("/", with: "%2F")
        let db = try PGConnection(conninfo: "postgresql://quiver@\(encoded):5432/quiver")
        #expect(try db.execute("SELECT current_database()").string(0, 0) == "quiver")
        #expect(try db.execute("SHOW client_encoding").string(0, 0) == "UTF8")
    }
}

@Suite("Prepared statements")
struct PGPreparedTests {
    /// A statement prepared once runs again by name with new values; the same text with other
    /// parameter types is a statement of its own; past the bound they are all dropped and
    /// prepared anew, and a failed statement leaves the connection usable.
    @Test func preparedStatementsRunAgainWithNewValues() throws {
        let db = try TestCluster.connect()
        for i in 0..<5 {
            let r = try db.executePrepared("SELECT $1::bigint * 2", [.int64(Int64(i))])
            #expect(r.int64(0, 0) == Int64(i) * 2)
        }
        // Text and NULL for the same text: different parameter types, both right.
        #expect(try db.executePrepared("SELECT coalesce($1::text, 'none')", [.text("x")]).string(0, 0) == "x")
        #expect(try db.executePrepared("SELECT coalesce($1::text, 'none')", [.null]).string(0, 0) == "none")
        #expect(try db.executePrepared("SELECT coalesce($1::text, 'none')", [.text("y")]).string(0, 0) == "y")
        for i in 0..<(PGConnection.maxPrepared + 10) {
            #expect(try db.executePrepared("SELECT $1::int + \(i)", [.int32(1)]).int(0, 0) == 1 + i)
        }
        #expect(try db.executePrepared("SELECT $1::bigint * 2", [.int64(21)]).int64(0, 0) == 42)
        #expect(throws: PGError.self) { try db.executePrepared("SELECT 1 / $1::int", [.int32(0)]) }
        #expect(try db.executePrepared("SELECT 1 / $1::int", [.int32(1)]).int(0, 0) == 1)
    }
}
