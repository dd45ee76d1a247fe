import QuiverCore
import QuiverPostgres

/// How many change records the store keeps per graph: a process that fell further behind rebuilds.
public let changeLogRetention = 10_000

/// What happened to a graph after a change sequence, as the change log tells it.
public enum ChangeFeed: Sendable, Equatable {
    /// The changes after the sequence asked for, in order, with nothing missing (maybe none).
    case changes([GraphChange])
    /// A load, a pruned stretch of the log, or a graph dropped and made again: only a rebuild from
    /// the tables gives the graph's state.
    case rebuild
    case graphNotFound
}

extension Store {
    /// The changes of `graph` after `seq`, at most `limit` of them (more means `.rebuild`). With
    /// `graphID`, a graph of that name with another id (dropped and made again) means `.rebuild`.
    public func changes(of graph: String, graphID: Int32? = nil, after seq: Int64, limit: Int = changeLogRetention) throws -> ChangeFeed {
        try withConnection { conn in try Self.changes(of: graph, graphID: graphID, after: seq, limit: limit, on: conn) }
    }

    public static func changes(
        of graph: String, graphID: Int32? = nil, after seq: Int64, limit: Int = changeLogRetention, on conn: PGConnection
    ) throws -> ChangeFeed {
        do {
            let g = try conn.execute("SELECT id, change_seq FROM graphs WHERE name = $1 AND ready", [.text(graph)])
            guard g.rowCount == 1, let id = g.int(0, 0), let current = g.int64(0, 1) else { return .graphNotFound }
            if let graphID, Int32(id) != graphID { return .rebuild }
            if current == seq { return .changes([]) }
            if current < seq || current - seq > Int64(limit) { return .rebuild }
            let r = try conn.execute(
                """
                SELECT seq, kind, s::text, p::text, o::text, provenance::text, split::text FROM changes
                WHERE graph_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq
                """, [.int32(Int32(id)), .int64(seq), .int64(current)])
            var out: [GraphChange] = []
            var expected = seq + 1
            for i in 0..<r.rowCount {
                guard let at = r.int64(i, 0), at == expected else { return .rebuild }
                expected += 1
                switch r.string(i, 1) {
                case "ontology":
                    out.append(GraphChange(seq: at, kind: .ontology))
                case let kind? where kind == "add" || kind == "delete" || kind == "load":
                    // A load logs its triples only when small; a big one is rebuilt from the tables.
                    guard let s = r.string(i, 2), let p = r.string(i, 3), let o = r.string(i, 4) else { return .rebuild }
                    let subjects = parseIntegerArray(s), predicates = parseIntegerArray(p), objects = parseIntegerArray(o)
                    guard subjects.count == predicates.count, subjects.count == objects.count else { return .rebuild }
                    if kind != "delete" {
                        let provenance = parseIntegerArray(r.string(i, 5) ?? "{}").map { UInt8(clamping: $0) }
                        let split = parseIntegerArray(r.string(i, 6) ?? "{}", null: -1).map { Int8(clamping: $0) }
                        guard provenance.count == subjects.count, split.count == subjects.count else { return .rebuild }
                        out.append(GraphChange(seq: at, kind: .add, subjects: subjects, predicates: predicates, objects: objects,
                                               provenance: provenance, split: split))
                    } else {
                        out.append(GraphChange(seq: at, kind: .delete, subjects: subjects, predicates: predicates, objects: objects))
                    }
                default:
                    return .rebuild
                }
            }
            return expected == current + 1 ? .changes(out) : .rebuild
        } catch let e as PGError {
            throw StoreError.database(e)
        }
    }

    /// The terms of `graph` with these ids (those it has).
    public func terms(of graph: String, ids: [Int64]) throws -> [Int64: Term] {
        guard !ids.isEmpty else { return [:] }
        return try withConnection { conn in
            guard let g = try Self.graph(named: graph, conn) else { throw StoreError.graphNotFound(graph) }
            let r = try conn.execute(
                "SELECT id, kind, value, datatype, lang FROM terms WHERE graph_id = $1 AND id = ANY($2::bigint[])",
                [.int32(g.id), .text(arrayLiteral(ids))])
            var out: [Int64: Term] = [:]
            for i in 0..<r.rowCount { if let id = r.int64(i, 0) { out[id] = Term(row: r, i, offset: 1) } }
            return out
        }
    }
}

/// `{1,-2,NULL}` → `[1, -2, null]`.
func parseIntegerArray(_ text: String, null: Int64 = 0) -> [Int64] {
    let body = text.utf8.dropFirst().dropLast()
    guard !body.isEmpty else { return [] }
    return body.split(separator: UInt8(ascii: ",")).map { Int64(String(decoding: $0, as: UTF8.self)) ?? null }
}
