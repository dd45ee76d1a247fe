import Foundation
import QuiverCore
import QuiverPostgres

extension Store {
    /// Streams a graph's dictionary and triples with binary COPY in one repeatable-read transaction,
    /// so both belong to the same committed state. `onTerm` sees every term first, then `onTriple`
    /// every triple; returns the change sequence the data belongs to.
    ///
    /// `filter` optionally restricts the triples by provenance and split.
    @discardableResult
    public func readGraph(
        _ name: String, orderBySubject: Bool = false,
        onTerm: (Int64, Term) throws -> Void,
        onTriple: (_ s: Int64, _ p: Int64, _ o: Int64, _ provenance: Int16, _ split: Int16?) throws -> Void
    ) throws -> (graph: GraphInfo, changeSeq: Int64) {
        try withConnection { conn in
            // The graph row's share lock keeps writers and drops of this graph out until COMMIT, so
            // the dictionary and the triples belong to one committed state.
            try conn.executeScript("BEGIN")
            defer { _ = try? conn.executeScript("COMMIT") }
            guard let graph = try Store.graph(named: name, conn, lockForRead: true) else { throw StoreError.graphNotFound(name) }
            var decoder = PGBinaryCopyDecoder()
            _ = try conn.copyOut(
                "COPY \(quoteIdentifier(graph.termsTable)) (id, kind, value, datatype, lang) TO STDOUT (FORMAT binary)"
            ) { chunk in
                try decoder.feed(chunk) { row in
                    let kind = TermKind(rawValue: row.int16(1) ?? 0) ?? .name
                    let term = Term(kind: kind, value: row.text(2) ?? "", datatype: row.text(3), language: row.text(4))
                    try onTerm(row.int64(0) ?? 0, term)
                }
            }
            try decoder.finish()
            var triples = PGBinaryCopyDecoder()
            let order = orderBySubject ? " ORDER BY s, p, o" : ""
            _ = try conn.copyOut(
                "COPY (SELECT s, p, o, provenance, split FROM \(quoteIdentifier(graph.triplesTable))\(order)) TO STDOUT (FORMAT binary)"
            ) { chunk in
                try triples.feed(chunk) { row in
                    try onTriple(row.int64(0) ?? 0, row.int64(1) ?? 0, row.int64(2) ?? 0, row.int16(3) ?? 0, row.int16(4))
                }
            }
            try triples.finish()
            return (graph, graph.changeSeq)
        }
    }
}

extension Store {
    /// Reads a graph for a snapshot build: the triples stream to `onTriple` on the calling thread
    /// while a second connection, sharing the same exported database snapshot, reads the dictionary
    /// on another thread. Returns the dictionary (ids and terms, in no particular order).
    public func readGraphForSnapshot(
        _ name: String,
        onTriple: (_ s: Int64, _ p: Int64, _ o: Int64, _ provenance: Int16, _ split: Int16?) throws -> Void
    ) throws -> (graph: GraphInfo, termIDs: [Int64], terms: [Term]) {
        try withConnection { conn in
            try conn.executeScript("BEGIN")
            defer { _ = try? conn.executeScript("COMMIT") }
            guard let graph = try Store.graph(named: name, conn, lockForRead: true) else { throw StoreError.graphNotFound(name) }
            let snapshotID = try conn.execute("SELECT pg_export_snapshot()").string(0, 0) ?? ""

            let dictionary = DictionaryRead()
            let side = try connect()
            let thread = Thread {
                defer { dictionary.finish() }
                do {
                    try side.executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    _ = try side.execute("SET TRANSACTION SNAPSHOT \(quoteLiteral(snapshotID))")
                    var decoder = PGBinaryCopyDecoder()
                    var ids: [Int64] = []
                    var terms: [Term] = []
                    _ = try side.copyOut(
                        "COPY \(quoteIdentifier(graph.termsTable)) (id, kind, value, datatype, lang) TO STDOUT (FORMAT binary)"
                    ) { chunk in
                        try decoder.feed(chunk) { row in
                            let kind = TermKind(rawValue: row.int16(1) ?? 0) ?? .name
                            ids.append(row.int64(0) ?? 0)
                            terms.append(Term(kind: kind, value: row.text(2) ?? "", datatype: row.text(3), language: row.text(4)))
                        }
                    }
                    try decoder.finish()
                    _ = try side.executeScript("COMMIT")
                    dictionary.set(ids: ids, terms: terms)
                } catch {
                    dictionary.fail(error)
                }
                side.close()
            }
            thread.start()

            var triples = PGBinaryCopyDecoder()
            do {
                _ = try conn.copyOut(
                    "COPY \(quoteIdentifier(graph.triplesTable)) (s, p, o, provenance, split) TO STDOUT (FORMAT binary)"
                ) { chunk in
                    try triples.feed(chunk) { row in
                        try onTriple(row.int64(0) ?? 0, row.int64(1) ?? 0, row.int64(2) ?? 0, row.int16(3) ?? 0, row.int16(4))
                    }
                }
                try triples.finish()
            } catch {
                _ = try? dictionary.wait()
                throw error
            }
            let (ids, terms) = try dictionary.wait()
            return (graph, ids, terms)
        }
    }
}

/// The result of the dictionary read on its own thread.
private final class DictionaryRead: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private var ids: [Int64] = []
    private var terms: [Term] = []
    private var error: Error?

    func set(ids: [Int64], terms: [Term]) {
        condition.lock()
        self.ids = ids
        self.terms = terms
        condition.unlock()
    }

    func fail(_ error: Error) {
        condition.lock()
        self.error = error
        condition.unlock()
    }

    func finish() {
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    func wait() throws -> ([Int64], [Term]) {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        if let error { throw error }
        return (ids, terms)
    }
}

/// Quotes an SQL string literal.
func quoteLiteral(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
}
