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
            try conn.executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? conn.executeScript("COMMIT") }
            guard let graph = try Store.graph(named: name, conn) else { throw StoreError.graphNotFound(name) }
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
