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

/// Up to 64K triples as decoded from binary COPY, for snapshot builds.
public struct TripleRows: Sendable {
    public static let capacity = 1 << 16
    public var s: [Int64] = []
    public var p: [Int64] = []
    public var o: [Int64] = []
    public var provenance: [UInt8] = []
    /// `Split.rawValue`, or -1 for none.
    public var split: [Int8] = []
    public var count: Int { s.count }

    public init() {
        s.reserveCapacity(Self.capacity)
        p.reserveCapacity(Self.capacity)
        o.reserveCapacity(Self.capacity)
        provenance.reserveCapacity(Self.capacity)
        split.reserveCapacity(Self.capacity)
    }

    /// Empties the batch, keeping its storage for the next rows.
    public mutating func removeAll() {
        s.removeAll(keepingCapacity: true)
        p.removeAll(keepingCapacity: true)
        o.removeAll(keepingCapacity: true)
        provenance.removeAll(keepingCapacity: true)
        split.removeAll(keepingCapacity: true)
    }
}

extension Store {
    /// Reads a graph for a snapshot build, in parallel: the triples in `parts` block ranges, each
    /// on a connection and thread of its own, and the dictionary on one more; all of them share one
    /// exported database snapshot, under a share lock on the graph's row (so no write or drop of
    /// the graph commits meanwhile). `onRows` is called from several threads at once with batches
    /// of up to 64K rows; it takes the batch and leaves an empty one in its place (a used one
    /// emptied with `removeAll()`, so that its storage is filled again rather than allocated and
    /// faulted in afresh). `prepareDictionary` is called on the dictionary's thread once it is
    /// read, while the triples still stream in (to sort it, say). Returns the dictionary (ids and
    /// terms, in no particular order unless `prepareDictionary` gave them one).
    public func readGraphForSnapshot(
        _ name: String, parts: Int = 2,
        prepareDictionary: @escaping @Sendable (inout [Int64], inout [Term]) -> Void = { _, _ in },
        onRows: @escaping @Sendable (inout TripleRows) -> Void
    ) throws -> (graph: GraphInfo, termIDs: [Int64], terms: [Term]) {
        try withConnection { conn in
            // Read committed: with the graph row's share lock no write to this graph can commit,
            // so the exported snapshot and this connection's later statements see the same graph
            // (and a drop that committed while we waited for the lock shows as "not found").
            try conn.executeScript("BEGIN")
            defer { _ = try? conn.executeScript("COMMIT") }
            guard let graph = try Store.graph(named: name, conn, lockForRead: true) else { throw StoreError.graphNotFound(name) }
            let snapshotID = try conn.execute("SELECT pg_export_snapshot()").string(0, 0) ?? ""
            let blocks = try conn.execute(
                "SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint",
                [.text(quoteIdentifier(graph.triplesTable))]).int64(0, 0) ?? 0
            let parts = max(1, min(parts, Int(blocks)))
            let table = quoteIdentifier(graph.triplesTable)
            // Block ranges [lo, hi) as TID range scans; the last one is open-ended.
            var ranges: [(Int64, Int64?)] = []
            for k in 0..<parts {
                let lo = blocks * Int64(k) / Int64(parts)
                ranges.append((lo, k == parts - 1 ? nil : blocks * Int64(k + 1) / Int64(parts)))
            }

            let dictionary = DictionaryRead()
            let dictionaryThread = try startSideRead(snapshotID: snapshotID, into: dictionary) { side in
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
                prepareDictionary(&ids, &terms)
                dictionary.set(ids: ids, terms: terms)
            }
            @Sendable func copyRows(_ c: PGConnection, _ range: (Int64, Int64?)) throws {
                var filter = "ctid >= '(\(range.0),0)'::tid"
                if let hi = range.1 { filter += " AND ctid < '(\(hi),0)'::tid" }
                // Provenance and split travel as one smallint (provenance * 4 + split + 1, 0 for no
                // split): one field fewer to send and decode per row.
                let labels = "(provenance * 4 + coalesce(split + 1, 0))::smallint"
                let sql = parts == 1
                    ? "COPY (SELECT s, p, o, \(labels) FROM \(table)) TO STDOUT (FORMAT binary)"
                    : "COPY (SELECT s, p, o, \(labels) FROM \(table) WHERE \(filter)) TO STDOUT (FORMAT binary)"
                var decoder = TripleCopyDecoder()
                var rows = TripleRows()
                _ = try c.copyOut(sql) { chunk in
                    try decoder.feed(chunk, into: &rows, onFull: onRows)
                }
                try decoder.finish()
                if rows.count > 0 { onRows(&rows) }
            }
            var sideReads: [(Thread, DictionaryRead)] = []
            for range in ranges.dropFirst() {
                let result = DictionaryRead()
                sideReads.append((try startSideRead(snapshotID: snapshotID, into: result) { side in try copyRows(side, range) }, result))
            }
            var firstError: Error?
            do { try copyRows(conn, ranges[0]) } catch { firstError = error }
            for (_, result) in sideReads {
                do { _ = try result.wait() } catch { firstError = firstError ?? error }
            }
            _ = dictionaryThread
            let (ids, terms): ([Int64], [Term])
            do { (ids, terms) = try dictionary.wait() } catch { throw firstError ?? error }
            if let firstError { throw firstError }
            return (graph, ids, terms)
        }
    }

    /// Runs `body` on a new connection and thread inside a repeatable-read transaction that imports
    /// `snapshotID`; `result.finish()` is called when it ends, `result.fail` on error.
    private func startSideRead(
        snapshotID: String, into result: DictionaryRead, _ body: @escaping @Sendable (PGConnection) throws -> Void
    ) throws -> Thread {
        let side = try connect()
        let thread = Thread {
            defer {
                side.close()
                result.finish()
            }
            do {
                try side.executeScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                _ = try side.execute("SET TRANSACTION SNAPSHOT \(quoteLiteral(snapshotID))")
                try body(side)
                _ = try side.executeScript("COMMIT")
            } catch {
                result.fail(error)
            }
        }
        thread.start()
        return thread
    }
}

/// Decodes the binary COPY stream of `(s, p, o, labels)` rows that `readGraphForSnapshot` asks for:
/// every row has the same 44-byte layout (four non-null fields of 8, 8, 8 and 2 bytes), so rows
/// are read at fixed offsets straight from each chunk, without the general decoder's per-field
/// bookkeeping. A row split across chunks waits in `pending`.
struct TripleCopyDecoder {
    static let rowSize = 2 + 3 * (4 + 8) + (4 + 2)
    private var pending: [UInt8] = []
    private var headerDone = false
    private(set) var isFinished = false

    /// Decodes `chunk` into `rows`, handing `rows` to `onFull` whenever it reaches capacity
    /// (`onFull` leaves an empty batch in its place).
    mutating func feed(
        _ chunk: UnsafeRawBufferPointer, into rows: inout TripleRows, onFull: (inout TripleRows) -> Void
    ) throws {
        if pending.isEmpty {
            let consumed = try decode(chunk, into: &rows, onFull: onFull)
            if consumed < chunk.count { pending.append(contentsOf: chunk[consumed...]) }
        } else {
            pending.append(contentsOf: chunk)
            let buffered = pending
            let consumed = try buffered.withUnsafeBytes { try decode($0, into: &rows, onFull: onFull) }
            pending.removeFirst(consumed)
        }
    }

    func finish() throws {
        guard isFinished else {
            throw PGError(kind: .protocolViolation, message: "binary COPY stream of triples ended early")
        }
    }

    private mutating func decode(
        _ bytes: UnsafeRawBufferPointer, into rows: inout TripleRows, onFull: (inout TripleRows) -> Void
    ) throws -> Int {
        @inline(__always) func read<T: FixedWidthInteger>(_: T.Type, _ at: Int) -> T {
            T(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
        }
        var offset = 0
        if !headerDone {
            // "PGCOPY\n\xFF\r\n\0", flags, header extension length, extension.
            let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
            guard bytes.count >= 19 else { return 0 }
            guard bytes.prefix(11).elementsEqual(signature), read(UInt32.self, 11) & (1 << 16) == 0 else {
                throw PGError(kind: .protocolViolation, message: "not a binary COPY stream of triples (bad header)")
            }
            let length = 19 + Int(read(UInt32.self, 15))
            guard bytes.count >= length else { return 0 }
            offset = length
            headerDone = true
        }
        while !isFinished, bytes.count - offset >= 2 {
            if read(Int16.self, offset) == -1 {
                isFinished = true
                offset += 2
                guard offset == bytes.count else {
                    throw PGError(kind: .protocolViolation, message: "binary COPY data after the trailer")
                }
                break
            }
            guard bytes.count - offset >= Self.rowSize else { break }
            guard read(Int16.self, offset) == 4, read(Int32.self, offset + 2) == 8, read(Int32.self, offset + 14) == 8,
                read(Int32.self, offset + 26) == 8, read(Int32.self, offset + 38) == 2
            else {
                throw PGError(kind: .protocolViolation, message: "unexpected row layout in the binary COPY stream of triples")
            }
            rows.s.append(read(Int64.self, offset + 6))
            rows.p.append(read(Int64.self, offset + 18))
            rows.o.append(read(Int64.self, offset + 30))
            let labels = read(Int16.self, offset + 42)
            rows.provenance.append(UInt8(truncatingIfNeeded: labels >> 2))
            rows.split.append(Int8(truncatingIfNeeded: (labels & 3) - 1))
            offset += Self.rowSize
            if rows.count == TripleRows.capacity { onFull(&rows) }
        }
        return offset
    }
}

/// The result of the dictionary read on its own thread.
final class DictionaryRead: @unchecked Sendable {
    // @unchecked: written once by the reading thread and read after `wait()`, both under
    // `condition`.
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
