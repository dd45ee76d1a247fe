import QuiverCore
import QuiverPostgres

/// What a small write did, once committed.
public struct SmallWriteReport: Sendable, Equatable {
    public var graph: String
    /// Triples added (for `add`) or removed (for `delete`); triples already present, or absent, are not counted.
    public var changed: Int
    /// Terms that were new to the graph's dictionary (always 0 for `delete`).
    public var newTerms: Int
}

/// One small write: triples added to a graph (created if needed) or deleted from one.
public struct SmallWrite: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case add(provenance: Provenance, split: Split?)
        case delete
    }
    public var graph: String
    public var kind: Kind
    public var triples: [Triple]

    public init(graph: String, kind: Kind, triples: [Triple]) {
        self.graph = graph
        self.kind = kind
        self.triples = triples
    }
}

extension Store {
    /// Adds a few triples to `graph` (created if needed) in one transaction, which has committed
    /// when this returns. Triples already in the graph are skipped.
    ///
    /// ```swift
    /// let r = try store.add(graph: "demo", triples: [Triple(.name("erin"), .name("born_in"), .name("lyon"))])
    /// r.changed   // 1, or 0 when it was there already
    /// ```
    public func add(graph name: String, triples: [Triple], provenance: Provenance = .asserted, split: Split? = nil) throws -> SmallWriteReport {
        try commit([SmallWrite(graph: name, kind: .add(provenance: provenance, split: split), triples: triples)])[0].get()
    }

    /// Removes triples from an existing graph in one transaction. Triples not in the graph are
    /// ignored; their terms stay in the dictionary.
    public func delete(graph name: String, triples: [Triple]) throws -> SmallWriteReport {
        try commit([SmallWrite(graph: name, kind: .delete, triples: triples)])[0].get()
    }

    /// Commits several writes in one transaction, so that they share one flush to disk (a group
    /// commit). Each write is applied in order within a savepoint of its own: one that fails (a
    /// delete from a missing graph, a term-id collision, a term that cannot be stored) fails alone
    /// and the others commit. Every result is final once this returns: a write reported a success
    /// has committed; when the commit itself fails, every write fails with its error.
    public func commit(_ writes: [SmallWrite]) -> [Result<SmallWriteReport, any Error>] {
        var results: [Result<SmallWriteReport, any Error>] = writes.map { w in
            do { try check(w) } catch { return .failure(error) }
            return .success(SmallWriteReport(graph: w.graph, changed: 0, newTerms: 0))
        }
        do {
            try withConnection { conn in
                try conn.transaction {
                    // What each graph's change record counts: the writes that committed.
                    var changed: [Int32: (target: GraphTarget, added: Int, removed: Int)] = [:]
                    var order: [Int32] = []
                    for (i, write) in writes.enumerated() {
                        guard case .success = results[i] else { continue }
                        do {
                            let (target, report) = try conn.transaction { try apply(write, conn) }
                            results[i] = .success(report)
                            guard report.changed > 0 else { continue }
                            if changed[target.id] == nil { order.append(target.id); changed[target.id] = (target, 0, 0) }
                            if case .add = write.kind { changed[target.id]!.added += report.changed } else { changed[target.id]!.removed += report.changed }
                        } catch let e as PGError {
                            results[i] = .failure(StoreError.database(e))
                        } catch {
                            results[i] = .failure(error)
                        }
                    }
                    for id in order {
                        let c = changed[id]!
                        if c.added > 0 { try c.target.recordChange(conn, kind: "add", added: c.added, removed: 0) }
                        if c.removed > 0 { try c.target.recordChange(conn, kind: "delete", added: 0, removed: c.removed) }
                    }
                }
            }
        } catch {
            // Nothing committed: a write that looked done is not.
            return writes.indices.map { i in
                if case .failure = results[i] { return results[i] }
                return .failure(error)
            }
        }
        return results
    }

    /// Refuses what cannot be stored before any database work.
    private func check(_ write: SmallWrite) throws {
        try validateGraphName(write.graph)
        guard case .add = write.kind else { return }
        for triple in write.triples {
            for term in [triple.subject, triple.predicate, triple.object] {
                if let problem = term.problem { throw StoreError.invalidTerm(term, problem) }
            }
        }
    }

    private func apply(_ write: SmallWrite, _ conn: PGConnection) throws -> (GraphTarget, SmallWriteReport) {
        switch write.kind {
        case .add(let provenance, let split):
            let target = try GraphTarget.prepare(name: write.graph, conn, createIndexedIfNew: true)
            let terms = quoteIdentifier(target.termsTable), table = quoteIdentifier(target.triplesTable)
            var seen: Set<Term> = []
            var newTerms = 0
            for triple in write.triples {
                for term in [triple.subject, triple.predicate, triple.object] where seen.insert(term).inserted {
                    newTerms += try insertTerm(term, graphID: target.id, table: terms, conn)
                }
            }
            var added = 0
            for triple in write.triples {
                let r = try conn.execute(
                    "INSERT INTO \(table) (graph_id, s, p, o, provenance, split) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (s, p, o) DO NOTHING",
                    [.int32(target.id), .int64(triple.subject.id.rawValue), .int64(triple.predicate.id.rawValue),
                     .int64(triple.object.id.rawValue), .int16(provenance.rawValue), split.map { .int16($0.rawValue) } ?? .null])
                added += r.affectedRows
            }
            return (target, SmallWriteReport(graph: write.graph, changed: added, newTerms: newTerms))
        case .delete:
            let target = try GraphTarget.lockExisting(name: write.graph, conn)
            let table = quoteIdentifier(target.triplesTable)
            var removed = 0
            for triple in write.triples {
                let r = try conn.execute(
                    "DELETE FROM \(table) WHERE s = $1 AND p = $2 AND o = $3",
                    [.int64(triple.subject.id.rawValue), .int64(triple.predicate.id.rawValue), .int64(triple.object.id.rawValue)])
                removed += r.affectedRows
            }
            return (target, SmallWriteReport(graph: write.graph, changed: removed, newTerms: 0))
        }
    }

    /// Inserts a term unless its id is taken; refuses a different term under the same id.
    private func insertTerm(_ term: Term, graphID: Int32, table: String, _ conn: PGConnection) throws -> Int {
        let id = term.id.rawValue
        let inserted = try conn.execute(
            "INSERT INTO \(table) (graph_id, id, kind, value, datatype, lang) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            [.int32(graphID), .int64(id), .int16(term.kind.rawValue), .text(term.value),
             term.datatype.map { .text($0) } ?? .null, term.language.map { .text($0) } ?? .null])
        if inserted.affectedRows == 1 { return 1 }
        let stored = try conn.execute("SELECT kind, value, datatype, lang FROM \(table) WHERE id = $1", [.int64(id)])
        if stored.rowCount == 1 {
            let other = Term(row: stored, 0, offset: 0)
            if other != term { throw StoreError.termIDCollision(term.id, term, other) }
        }
        return 0
    }
}
