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

extension Store {
    /// Adds a few triples to `graph` (created if needed) in one transaction, which has committed
    /// when this returns. Triples already in the graph are skipped.
    ///
    /// ```swift
    /// let r = try store.add(graph: "demo", triples: [Triple(.name("erin"), .name("born_in"), .name("lyon"))])
    /// r.changed   // 1, or 0 when it was there already
    /// ```
    public func add(graph name: String, triples: [Triple], provenance: Provenance = .asserted, split: Split? = nil) throws -> SmallWriteReport {
        try validateGraphName(name)
        for triple in triples {
            for term in [triple.subject, triple.predicate, triple.object] {
                if let problem = term.problem { throw StoreError.invalidTerm(term, problem) }
            }
        }
        return try withConnection { conn in
            try conn.transaction {
                let target = try GraphTarget.prepare(name: name, conn, createIndexedIfNew: true)
                let terms = quoteIdentifier(target.termsTable), table = quoteIdentifier(target.triplesTable)
                var seen: Set<Term> = []
                var newTerms = 0
                for triple in triples {
                    for term in [triple.subject, triple.predicate, triple.object] where seen.insert(term).inserted {
                        newTerms += try insertTerm(term, graphID: target.id, table: terms, conn)
                    }
                }
                var added = 0
                for triple in triples {
                    let r = try conn.execute(
                        "INSERT INTO \(table) (graph_id, s, p, o, provenance, split) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (s, p, o) DO NOTHING",
                        [.int32(target.id), .int64(triple.subject.id.rawValue), .int64(triple.predicate.id.rawValue),
                         .int64(triple.object.id.rawValue), .int16(provenance.rawValue), split.map { .int16($0.rawValue) } ?? .null])
                    added += r.affectedRows
                }
                if added > 0 { try target.recordChange(conn, kind: "add", added: added, removed: 0) }
                return SmallWriteReport(graph: name, changed: added, newTerms: newTerms)
            }
        }
    }

    /// Removes triples from an existing graph in one transaction. Triples not in the graph are
    /// ignored; their terms stay in the dictionary.
    public func delete(graph name: String, triples: [Triple]) throws -> SmallWriteReport {
        try withConnection { conn in
            try conn.transaction {
                let target = try GraphTarget.lockExisting(name: name, conn)
                let table = quoteIdentifier(target.triplesTable)
                var removed = 0
                for triple in triples {
                    let r = try conn.execute(
                        "DELETE FROM \(table) WHERE s = $1 AND p = $2 AND o = $3",
                        [.int64(triple.subject.id.rawValue), .int64(triple.predicate.id.rawValue), .int64(triple.object.id.rawValue)])
                    removed += r.affectedRows
                }
                if removed > 0 { try target.recordChange(conn, kind: "delete", added: 0, removed: removed) }
                return SmallWriteReport(graph: name, changed: removed, newTerms: 0)
            }
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
