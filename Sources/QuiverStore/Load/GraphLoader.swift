import Foundation
import QuiverCore
import QuiverParsers
import QuiverPostgres

extension Store {
    /// Loads triples into `graph` (created if needed) in one transaction: the load lands whole or not
    /// at all, and a syntax error leaves the graph exactly as it was.
    ///
    /// A new graph is written the fast way: its partitions are created in the load's transaction,
    /// filled by binary COPY without indexes (PostgreSQL skips the WAL for them), indexed once and
    /// attached. An existing graph gets the triples through a staging table and a set-based merge.
    public func load(
        graph name: String, inputs: [LoadInput], options: LoadOptions = LoadOptions(),
        progress: ((LoadProgress) -> Void)? = nil
    ) throws -> LoadReport {
        try validateGraphName(name)
        let started = DispatchTime.now()
        let deadline = options.deadline(from: .now)
        let conn = try connect()
        defer { conn.close() }
        do {
            var report = try conn.transaction {
                try load(into: name, inputs: inputs, options: options, deadline: deadline, conn, progress: progress)
            }
            report.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            return report
        } catch let e as PGError {
            throw StoreError.database(e)
        } catch let e as ParseError {
            throw StoreError.parse(e)
        }
    }

    /// Loads RDF datasets (N-Quads, TriG; triple formats count as their default graph) into
    /// several graphs in one transaction: all of them land, or none. The default graph goes to
    /// `defaultGraph`; a named graph goes to the graph `graphName` gives its name (an IRI or a
    /// blank node; it throws to refuse one). The quads are first split by graph into temporary
    /// N-Triples files (memory stays bounded), then each graph is loaded as `load` loads one.
    public func loadDataset(
        defaultGraph: String, inputs: [LoadInput], options: LoadOptions = LoadOptions(),
        graphName: (Term) throws -> String, progress: ((LoadProgress) -> Void)? = nil
    ) throws -> [LoadReport] {
        try validateGraphName(defaultGraph)
        let started = DispatchTime.now()
        let deadline = options.deadline(from: .now)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quiver-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String: (path: String, handle: FileHandle, buffer: [UInt8])] = [:]
        func append(_ triple: Triple, to graph: String) throws {
            if files[graph] == nil {
                try validateGraphName(graph)
                let path = folder.appendingPathComponent("g\(files.count).nt").path
                FileManager.default.createFile(atPath: path, contents: nil)
                files[graph] = (path, try FileHandle(forWritingTo: URL(fileURLWithPath: path)), [])
            }
            files[graph]!.buffer += Array(NTriples.format(triple).utf8)
            files[graph]!.buffer.append(0x0A)
            if files[graph]!.buffer.count >= 1 << 20 {
                try files[graph]!.handle.write(contentsOf: files[graph]!.buffer)
                files[graph]!.buffer.removeAll(keepingCapacity: true)
            }
        }
        var names: [Term: String] = [:]
        do {
            for input in inputs {
                let (format, source, base, _) = try LoadSession.open(input, options: options, counter: ByteCounter())
                var reader = makeQuadReader(format: format, source: source, fileName: input.displayName, baseIRI: base)
                var batch: [Quad] = []
                while try reader.readBatch(into: &batch, maxCount: options.batchSize) {
                    for q in batch {
                        let graph: String
                        if let g = q.graph {
                            if let known = names[g] { graph = known } else { graph = try graphName(g); names[g] = graph }
                        } else {
                            graph = defaultGraph
                        }
                        try append(q.triple, to: graph)
                    }
                    batch.removeAll(keepingCapacity: true)
                    try options.checkContinue(deadline: deadline)
                }
            }
            for (_, f) in files {
                try f.handle.write(contentsOf: f.buffer)
                try f.handle.close()
            }
        } catch let e as ParseError {
            throw StoreError.parse(e)
        }
        var fileOptions = options
        fileOptions.format = .ntriples
        fileOptions.baseIRI = nil
        let conn = try connect()
        defer { conn.close() }
        do {
            var reports = try conn.transaction {
                // Graphs in name order: two dataset loads lock them in one order.
                try files.keys.sorted().map { graph in
                    try load(into: graph, inputs: [.file(files[graph]!.path)], options: fileOptions, deadline: deadline, conn, progress: progress)
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            for i in reports.indices { reports[i].seconds = seconds }
            return reports
        } catch let e as PGError {
            throw StoreError.database(e)
        } catch let e as ParseError {
            throw StoreError.parse(e)
        }
    }

    /// One graph's load inside the caller's transaction on `conn` (`load`, and each graph of
    /// `loadDataset`).
    private func load(
        into name: String, inputs: [LoadInput], options: LoadOptions, deadline: ContinuousClock.Instant?, _ conn: PGConnection,
        progress: ((LoadProgress) -> Void)?
    ) throws -> LoadReport {
        let target = try GraphTarget.prepare(name: name, conn)
        var session = LoadSession(graphID: target.id, options: options, deadline: deadline)
        let copyTable = target.isFresh ? target.triplesTable : "load_triples"
        // Rows of a partition created by this transaction go in frozen: no reader has to
        // set their hint bits later, and no vacuum has to freeze them.
        let freeze = target.isFresh ? ", FREEZE" : ""
        if !target.isFresh {
            // `LIKE` locks its table: terms before triples, the order in which a drop locks
            // them, or a drop and this load can each hold one and wait for the other.
            try conn.executeScript("""
                CREATE TEMP TABLE load_terms (LIKE terms) ON COMMIT DROP;
                CREATE TEMP TABLE load_triples (LIKE triples) ON COMMIT DROP;
                """)
        }
        // Triples stream straight into PostgreSQL; the (much smaller) new terms are buffered
        // and copied after, since a connection runs one COPY at a time.
        _ = try conn.copyIn(
            "COPY \(quoteIdentifier(copyTable)) (graph_id, s, p, o, provenance, split) FROM STDIN (FORMAT binary\(freeze))"
        ) { writer in
            let background = BackgroundCopyWriter(writer: writer)
            do {
                for (index, input) in inputs.enumerated() {
                    try session.read(input, index: index, count: inputs.count, writer: background, progress: progress)
                }
                try session.finishTriples(writer: background)
                try background.finish()
            } catch {
                background.abandon()
                throw error
            }
        }
        let termsTable = target.isFresh ? target.termsTable : "load_terms"
        _ = try conn.copyIn(
            "COPY \(quoteIdentifier(termsTable)) (graph_id, id, kind, value, datatype, lang) FROM STDIN (FORMAT binary\(freeze))"
        ) { writer in
            try session.finishTerms(writer: writer)
        }
        progress?(session.progress(phase: target.isFresh ? .indexing : .merging))
        let counts = target.isFresh
            ? try target.finishFresh(
                conn, rows: session.rowsWritten, terms: session.newTermCount,
                dedupeTriples: session.triplesSpilled, dedupeTerms: session.termsSpilled)
            : try target.mergeStaged(
                conn, checkStagedTerms: session.termsSpilled,
                returningTriples: session.triplesRead <= smallLoadTriples)
        // The staging tables go now, not at commit: the next graph of a dataset load makes its own.
        if !target.isFresh { try conn.executeScript("DROP TABLE load_triples; DROP TABLE load_terms;") }
        // A cancel that came while the indexes were built still wins: nothing commits.
        try options.checkContinue(deadline: deadline)
        try target.recordChange(conn, kind: "load", added: counts.newTriples, removed: 0, triples: counts.triples)
        return LoadReport(
            graph: name, read: session.triplesRead, new: counts.newTriples,
            duplicates: session.triplesRead - counts.newTriples, newTerms: counts.newTerms, seconds: 0)
    }
}

/// Loads into an existing graph of at most this many triples log their triples, so that other
/// processes apply them to the graph in memory; a bigger load makes them rebuild it.
let smallLoadTriples = 10_000

/// The graph a write goes to, locked for the write's transaction.
struct GraphTarget {
    var id: Int32
    var name: String
    /// Created by this transaction: its partitions are new, unindexed and not yet attached.
    var isFresh: Bool

    var termsTable: String { "terms_g\(id)" }
    var triplesTable: String { "triples_g\(id)" }

    /// Finds the graph and locks its row, or creates it. Writers to one graph queue on that lock;
    /// writers to different graphs do not wait for each other.
    static func prepare(name: String, _ conn: PGConnection, createIndexedIfNew: Bool = false) throws -> GraphTarget {
        // Most writes go to a graph that exists: lock it in one round trip.
        let existing = try conn.executePrepared("SELECT id FROM graphs WHERE name = $1 FOR UPDATE", [.text(name)])
        if existing.rowCount == 1, let id = existing.int(0, 0) { return GraphTarget(id: Int32(id), name: name, isFresh: false) }
        let inserted = try conn.execute(
            "INSERT INTO graphs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id", [.text(name)])
        if inserted.rowCount == 1, let id = inserted.int(0, 0) {
            let target = GraphTarget(id: Int32(id), name: name, isFresh: true)
            try target.createPartitions(conn)
            if createIndexedIfNew {
                _ = try target.finishFresh(conn, rows: 0, terms: 0)
                return GraphTarget(id: Int32(id), name: name, isFresh: false)
            }
            return target
        }
        let r = try conn.execute("SELECT id FROM graphs WHERE name = $1 FOR UPDATE", [.text(name)])
        guard r.rowCount == 1, let id = r.int(0, 0) else { throw StoreError.graphNotFound(name) }
        return GraphTarget(id: Int32(id), name: name, isFresh: false)
    }

    /// The existing graph, locked for writing.
    static func lockExisting(name: String, _ conn: PGConnection) throws -> GraphTarget {
        let r = try conn.executePrepared("SELECT id FROM graphs WHERE name = $1 AND ready FOR UPDATE", [.text(name)])
        guard r.rowCount == 1, let id = r.int(0, 0) else { throw StoreError.graphNotFound(name) }
        return GraphTarget(id: Int32(id), name: name, isFresh: false)
    }

    private func createPartitions(_ conn: PGConnection) throws {
        // Standalone tables with a CHECK on graph_id: filled and indexed first, then attached, which
        // needs no validation scan and only a brief lock on the parents.
        try conn.executeScript("""
            CREATE TABLE \(quoteIdentifier(termsTable)) (LIKE terms INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                CHECK (graph_id = \(id)));
            CREATE TABLE \(quoteIdentifier(triplesTable)) (LIKE triples INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                CHECK (graph_id = \(id)));
            """)
    }

    struct Counts {
        var newTriples: Int
        var newTerms: Int
        /// The triples added, when the load was small enough to log them (see `smallLoadTriples`).
        var triples: ChangedTriples? = nil
    }

    /// Indexes and attaches a fresh graph's partitions and marks the graph ready. When the load
    /// outgrew its in-memory sets, the partitions may hold repeats: they are rewritten without
    /// them first, and the counts are taken from the result.
    func finishFresh(
        _ conn: PGConnection, rows: Int, terms: Int, dedupeTriples: Bool = false, dedupeTerms: Bool = false
    ) throws -> Counts {
        let tt = quoteIdentifier(triplesTable), dt = quoteIdentifier(termsTable)
        var rows = rows, terms = terms
        if dedupeTerms {
            try checkTermCollisions(conn, table: dt)
            terms = try rewriteDistinct(conn, table: termsTable, key: "id")
        }
        if dedupeTriples {
            rows = try rewriteDistinct(conn, table: triplesTable, key: "s, p, o")
        }
        // One statement at a time, so that the server log's durations tell the steps apart.
        for statement in [
            "ALTER TABLE \(dt) ADD CONSTRAINT \(quoteIdentifier("\(termsTable)_pkey")) PRIMARY KEY (id)",
            "CREATE UNIQUE INDEX \(quoteIdentifier("\(triplesTable)_spo")) ON \(tt) (s, p, o)",
            // (o, p) serves lookups by o and by (p, o) alike: one index fewer to build and keep.
            "CREATE INDEX \(quoteIdentifier("\(triplesTable)_op")) ON \(tt) (o, p)",
            "ALTER TABLE terms ATTACH PARTITION \(dt) FOR VALUES IN (\(id))",
            "ALTER TABLE triples ATTACH PARTITION \(tt) FOR VALUES IN (\(id))",
        ] {
            try conn.executeScript(statement)
        }
        _ = try conn.execute("UPDATE graphs SET ready = true WHERE id = $1", [.int32(id)])
        return Counts(newTriples: rows, newTerms: terms)
    }

    /// Replaces `table` by its rows without repeats of `key` (the first of each kept), in the same
    /// transaction; returns the rows kept.
    private func rewriteDistinct(_ conn: PGConnection, table: String, key: String) throws -> Int {
        let t = quoteIdentifier(table), d = quoteIdentifier(table + "_distinct")
        try conn.executeScript("CREATE TABLE \(d) (LIKE \(t) INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        let kept = try conn.execute("INSERT INTO \(d) SELECT DISTINCT ON (\(key)) * FROM \(t) ORDER BY \(key)").affectedRows
        try conn.executeScript("DROP TABLE \(t); ALTER TABLE \(d) RENAME TO \(t)")
        return kept
    }

    /// Two different terms with one id among rows not checked in memory: refused as a collision.
    private func checkTermCollisions(_ conn: PGConnection, table: String) throws {
        let clash = try conn.execute("""
            SELECT id FROM \(table) GROUP BY id
            HAVING count(DISTINCT (kind, value, coalesce(datatype, ''), coalesce(lang, ''))) > 1 LIMIT 1
            """)
        if clash.rowCount == 1 {
            let id = clash.int64(0, 0) ?? 0
            let r = try conn.execute(
                "SELECT kind, value, datatype, lang FROM \(table) WHERE id = $1 LIMIT 2", [.int64(id)])
            throw StoreError.termIDCollision(TermID(rawValue: id), Term(row: r, 0, offset: 0), Term(row: r, min(1, r.rowCount - 1), offset: 0))
        }
    }

    /// Merges the staging tables of a load into an existing graph.
    /// With `returningTriples`, the triples added come back, for the change log.
    func mergeStaged(_ conn: PGConnection, checkStagedTerms: Bool = false, returningTriples: Bool = false) throws -> Counts {
        let dt = quoteIdentifier(termsTable), tt = quoteIdentifier(triplesTable)
        if checkStagedTerms { try checkTermCollisions(conn, table: "load_terms") }
        // A staged term whose id is taken by a different stored term is a hash collision.
        let clash = try conn.execute("""
            SELECT l.kind, l.value, l.datatype, l.lang, t.kind, t.value, t.datatype, t.lang, l.id
            FROM load_terms l JOIN \(dt) t ON t.id = l.id
            WHERE (l.kind, l.value, l.datatype, l.lang) IS DISTINCT FROM (t.kind, t.value, t.datatype, t.lang)
            LIMIT 1
            """)
        if clash.rowCount == 1 {
            let a = Term(row: clash, 0, offset: 0), b = Term(row: clash, 0, offset: 4)
            throw StoreError.termIDCollision(TermID(rawValue: clash.int64(0, 8) ?? 0), a, b)
        }
        let terms = try conn.execute("""
            INSERT INTO \(dt) (graph_id, id, kind, value, datatype, lang)
            SELECT graph_id, id, kind, value, datatype, lang FROM load_terms ON CONFLICT (id) DO NOTHING
            """)
        let triples = try conn.execute("""
            INSERT INTO \(tt) (graph_id, s, p, o, provenance, split)
            SELECT graph_id, s, p, o, provenance, split FROM load_triples ON CONFLICT (s, p, o) DO NOTHING
            """ + (returningTriples ? " RETURNING s, p, o, provenance, split" : ""))
        var added: ChangedTriples?
        if returningTriples {
            var changed = ChangedTriples()
            for row in 0..<triples.rowCount {
                changed.append(TripleKey(triples.int64(row, 0) ?? 0, triples.int64(row, 1) ?? 0, triples.int64(row, 2) ?? 0),
                               provenance: Provenance(rawValue: Int16(triples.int(row, 3) ?? 0)) ?? .asserted,
                               split: triples.int(row, 4).flatMap { Split(rawValue: Int16($0)) })
            }
            added = changed
        }
        return Counts(newTriples: returningTriples ? triples.rowCount : triples.affectedRows, newTerms: terms.affectedRows, triples: added)
    }

    /// Bumps the graph's change sequence, logs the change and tells listeners once it commits.
    /// Bumps the graph's change sequence and logs the change; returns the new sequence.
    @discardableResult
    /// Records a committed change (with its triples, for a small write) and announces it.
    /// Every 1,000th change prunes the graph's log to its last `changeLogRetention` records.
    func recordChange(_ conn: PGConnection, kind: String, added: Int, removed: Int, triples: ChangedTriples? = nil) throws -> Int64 {
        // One statement (one round trip, which under load costs more than the work): the
        // sequence bumped, the record written and the notification sent, in this transaction.
        // The payload is `changeNotice`'s: the sequence, a space, the graph's name.
        let r = try conn.executePrepared(
            """
            WITH bumped AS (
                UPDATE graphs SET change_seq = change_seq + 1, triple_count = triple_count + $2 - $3 WHERE id = $1 RETURNING change_seq
            ), logged AS (
                INSERT INTO changes (graph_id, seq, kind, added, removed, s, p, o, provenance, split)
                SELECT $1, change_seq, $4, $2, $3, $5::bigint[], $6::bigint[], $7::bigint[], $8::smallint[], $9::smallint[] FROM bumped
            )
            SELECT change_seq, pg_notify($10, change_seq::text || ' ' || $11) FROM bumped
            """,
            [.int32(id), .int64(Int64(added)), .int64(Int64(removed)), .text(kind),
             triples.map { .text(arrayLiteral($0.s)) } ?? .null, triples.map { .text(arrayLiteral($0.p)) } ?? .null,
             triples.map { .text(arrayLiteral($0.o)) } ?? .null, triples.map { .text(arrayLiteral($0.provenance)) } ?? .null,
             triples.map { .text(arrayLiteral($0.split)) } ?? .null, .text(changeChannel), .text(name)])
        let seq = r.int64(0, 0) ?? 0
        if seq % 1000 == 0 {
            _ = try conn.execute("DELETE FROM changes WHERE graph_id = $1 AND seq <= $2",
                                 [.int32(id), .int64(seq - Int64(changeLogRetention))])
        }
        return seq
    }
}

extension Term {
    /// Reads (kind, value, datatype, lang) from four columns of a result row.
    init(row r: PGResult, _ i: Int, offset c: Int) {
        let kind = TermKind(rawValue: Int16(r.int(i, c) ?? 0)) ?? .name
        self.init(kind: kind, value: r.string(i, c + 1) ?? "", datatype: r.string(i, c + 2), language: r.string(i, c + 3))
    }
}
