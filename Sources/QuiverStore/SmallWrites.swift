import QuiverCore
import QuiverPostgres

/// What a small write did, once committed.
public struct SmallWriteReport: Sendable, Equatable {
    public var graph: String
    /// Triples added (for `add`) or removed (for `delete`); triples already present, or absent, are not counted.
    public var changed: Int
    /// Terms that were new to the graph's dictionary (always 0 for `delete`).
    public var newTerms: Int
    /// The graph's change sequence once the write committed (nil when it changed nothing): a
    /// reader that has seen this sequence has seen the write.
    public var changeSeq: Int64? = nil
}

/// One small write: triples added to a graph (created if needed) or deleted from one.
public struct SmallWrite: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case add(provenance: Provenance, split: Split?)
        case delete

        var isAdd: Bool { if case .add = self { true } else { false } }
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
        commitRecording(writes).results
    }

    /// `commit`, also returning what changed: one change per graph and run of writes, in commit
    /// order, as the change log records it, and the terms of the writes, so that the caller can
    /// apply them to the versions it holds in memory.
    public func commitRecording(_ writes: [SmallWrite]) -> CommitOutcome {
        let checked: [Result<SmallWriteReport, any Error>] = writes.map { w in
            do { try check(w) } catch { return .failure(error) }
            return .success(SmallWriteReport(graph: w.graph, changed: 0, newTerms: 0))
        }
        // The common batch is one run (writes of one kind to one graph): it is written without a
        // savepoint, two round trips fewer. Should it fail, the transaction is tried again with
        // savepoints, where a bad write fails alone.
        let valid = writes.indices.filter { if case .success = checked[$0] { true } else { false } }
        let oneRun = valid.allSatisfy { writes[$0].graph.utf8.elementsEqual(writes[valid[0]].graph.utf8) && writes[$0].kind.isAdd == writes[valid[0]].kind.isAdd }
        if oneRun, !valid.isEmpty, let outcome = try? commitRecording(writes, checked: checked, savepoints: false) { return outcome }
        do {
            return try commitRecording(writes, checked: checked, savepoints: true)
        } catch {
            // Nothing committed: a write that looked done is not.
            return CommitOutcome(results: writes.indices.map { i in
                if case .failure = checked[i] { return checked[i] }
                return .failure(error)
            }, changes: [], terms: [:])
        }
    }

    /// One try at `commitRecording`; throws when the transaction did not commit.
    private func commitRecording(_ writes: [SmallWrite], checked: [Result<SmallWriteReport, any Error>], savepoints: Bool) throws -> CommitOutcome {
        var results = checked
        var changes: [(graph: String, change: GraphChange)] = []
        try withConnection { conn in
            try conn.transaction {
                var graphIDs: [Int: Int32] = [:]
                var sequences: [Int32: Int64] = [:]
                /// Records what a run (or a single write) changed, as one change of its graph.
                func record(_ target: GraphTarget, _ kind: SmallWrite.Kind, _ changed: ChangedTriples) throws {
                    guard !changed.s.isEmpty else { return }
                    let isAdd = kind.isAdd
                    let seq = try target.recordChange(
                        conn, kind: isAdd ? "add" : "delete", added: isAdd ? changed.s.count : 0,
                        removed: isAdd ? 0 : changed.s.count, triples: changed)
                    sequences[target.id] = seq
                    changes.append((target.name, GraphChange(
                        seq: seq, kind: isAdd ? .add : .delete, subjects: changed.s, predicates: changed.p,
                        objects: changed.o, provenance: changed.provenance, split: changed.split)))
                }
                // Runs of consecutive writes to one graph (by exact bytes) of one kind are
                // written with one statement per table; a run that fails is written again one
                // write at a time, each in a savepoint of its own, so that only the bad write fails.
                var start = 0
                while start < writes.count {
                    var end = start + 1
                    while end < writes.count, writes[end].graph.utf8.elementsEqual(writes[start].graph.utf8),
                          writes[end].kind.isAdd == writes[start].kind.isAdd { end += 1 }
                    let run = (start..<end).filter { if case .success = results[$0] { true } else { false } }
                    start = end
                    guard !run.isEmpty else { continue }
                    do {
                        let (target, reports, changed) = savepoints
                            ? try conn.transaction { try applyRun(run.map { writes[$0] }, conn) }
                            : try applyRun(run.map { writes[$0] }, conn)
                        for (k, i) in run.enumerated() {
                            switch reports[k] {
                            case .success(let report):
                                results[i] = .success(report)
                                graphIDs[i] = target.id
                            case .failure(let error): results[i] = .failure(error)
                            }
                        }
                        try record(target, writes[run[0]].kind, changed)
                    } catch {
                        // Without a savepoint the transaction is lost: the caller tries again with them.
                        guard savepoints else { throw error }
                        for i in run {
                            do {
                                let (target, report, changed) = try conn.transaction { try apply(writes[i], conn) }
                                results[i] = .success(report)
                                graphIDs[i] = target.id
                                try record(target, writes[i].kind, changed)
                            } catch let e as PGError {
                                results[i] = .failure(StoreError.database(e))
                            } catch {
                                results[i] = .failure(error)
                            }
                        }
                    }
                }
                for i in writes.indices {
                    guard case .success(var report) = results[i], report.changed > 0, let id = graphIDs[i] else { continue }
                    report.changeSeq = sequences[id]
                    results[i] = .success(report)
                }
            }
        }
        var terms: [Int64: Term] = [:]
        for w in writes where w.kind.isAdd {
            for t in w.triples { for term in [t.subject, t.predicate, t.object] { terms[term.id.rawValue] = term } }
        }
        return CommitOutcome(results: results, changes: changes, terms: terms)
    }

    /// Commits `writes` in order, then drops `drops`, in one transaction, all or nothing: the
    /// first write the store refuses (a term-id collision, a term it cannot hold, a delete from a
    /// missing graph) rolls everything back and is thrown. A write with no triples makes its graph.
    /// SPARQL Update requests are committed this way: each is atomic.
    public func commitAtomically(_ writes: [SmallWrite], drops: [String] = []) throws -> CommitOutcome {
        for w in writes { try check(w) }
        var results: [Result<SmallWriteReport, any Error>] = []
        var changes: [(graph: String, change: GraphChange)] = []
        do {
            try withConnection { conn in
                try conn.transaction {
                    for w in writes {
                        let (target, reports, changed) = try applyRun([w], conn)
                        var report = try reports[0].get()
                        if !changed.s.isEmpty {
                            let isAdd = w.kind.isAdd
                            let seq = try target.recordChange(conn, kind: isAdd ? "add" : "delete", added: isAdd ? changed.s.count : 0,
                                                              removed: isAdd ? 0 : changed.s.count, triples: changed)
                            report.changeSeq = seq
                            changes.append((target.name, GraphChange(seq: seq, kind: isAdd ? .add : .delete, subjects: changed.s, predicates: changed.p,
                                                                     objects: changed.o, provenance: changed.provenance, split: changed.split)))
                        }
                        results.append(.success(report))
                    }
                    for name in drops { _ = try drop(graph: name, conn) }
                }
            }
        } catch let e as PGError {
            throw StoreError.database(e)
        }
        var terms: [Int64: Term] = [:]
        for w in writes where w.kind.isAdd {
            for t in w.triples { for term in [t.subject, t.predicate, t.object] { terms[term.id.rawValue] = term } }
        }
        return CommitOutcome(results: results, changes: changes, terms: terms)
    }

    /// Writes a run of writes of one kind to one graph with one statement per table. A write
    /// whose term collides with another term's id (in the store, or an earlier write of the run)
    /// fails alone; the others are written. Counts go to the first write, in order, that has a
    /// triple or term: as if the writes had run one after another.
    private func applyRun(_ run: [SmallWrite], _ conn: PGConnection) throws -> (GraphTarget, [Result<SmallWriteReport, any Error>], ChangedTriples) {
        var reports: [Result<SmallWriteReport, any Error>] = run.map { .success(SmallWriteReport(graph: $0.graph, changed: 0, newTerms: 0)) }
        func add(_ k: Int, changed: Int = 0, newTerms: Int = 0) {
            if case .success(var r) = reports[k] {
                r.changed += changed
                r.newTerms += newTerms
                reports[k] = .success(r)
            }
        }
        guard run[0].kind.isAdd else {
            let target = try GraphTarget.lockExisting(name: run[0].graph, conn)
            var first: [TripleKey: Int] = [:]
            var s: [Int64] = [], p: [Int64] = [], o: [Int64] = []
            for (k, write) in run.enumerated() {
                for t in write.triples where first[TripleKey(t)] == nil {
                    first[TripleKey(t)] = k
                    s.append(t.subject.id.rawValue); p.append(t.predicate.id.rawValue); o.append(t.object.id.rawValue)
                }
            }
            let r = try conn.executePrepared(
                """
                DELETE FROM \(quoteIdentifier(target.triplesTable)) t
                USING unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS d(s, p, o)
                WHERE t.s = d.s AND t.p = d.p AND t.o = d.o RETURNING t.s, t.p, t.o
                """, [.text(arrayLiteral(s)), .text(arrayLiteral(p)), .text(arrayLiteral(o))])
            var changed = ChangedTriples()
            for row in 0..<r.rowCount {
                let key = TripleKey(r.int64(row, 0) ?? 0, r.int64(row, 1) ?? 0, r.int64(row, 2) ?? 0)
                if let k = first[key] { add(k, changed: 1) }
                changed.append(key)
            }
            return (target, reports, changed)
        }
        let target = try GraphTarget.prepare(name: run[0].graph, conn, createIndexedIfNew: true)
        let termsTable = quoteIdentifier(target.termsTable), triplesTable = quoteIdentifier(target.triplesTable)
        // Every distinct term with the first write that has it; a second term under an id already
        // taken fails its write (as it would have, written after the first).
        var termOf: [Int64: (term: Term, first: Int)] = [:]
        var termOrder: [Int64] = []
        var failed = Set<Int>()
        var writesOf: [Int64: [Int]] = [:]
        for (k, write) in run.enumerated() {
            for t in write.triples {
                for term in [t.subject, t.predicate, t.object] {
                    let id = term.id.rawValue
                    if let known = termOf[id] {
                        if known.term != term { failed.insert(k); reports[k] = .failure(StoreError.termIDCollision(term.id, term, known.term)) }
                    } else {
                        termOf[id] = (term, k)
                        termOrder.append(id)
                    }
                    if writesOf[id]?.last != k { writesOf[id, default: []].append(k) }
                }
            }
        }
        // Terms the graph has already: a different stored term under an id fails every write using it.
        let stored = try conn.executePrepared("SELECT id, kind, value, datatype, lang FROM \(termsTable) WHERE id = ANY($1::bigint[])",
                                      [.text(arrayLiteral(termOrder))])
        var present = Set<Int64>()
        for row in 0..<stored.rowCount {
            let id = stored.int64(row, 0) ?? 0
            present.insert(id)
            let other = Term(row: stored, row, offset: 1)
            guard let mine = termOf[id], mine.term != other else { continue }
            for k in writesOf[id] ?? [] {
                failed.insert(k)
                reports[k] = .failure(StoreError.termIDCollision(mine.term.id, mine.term, other))
            }
        }
        // New terms, counted for the first write that has them and did not fail.
        var newIDs: [Int64] = [], kinds: [Int16] = [], values: [String?] = [], datatypes: [String?] = [], langs: [String?] = []
        var newFirst: [Int64: Int] = [:]
        for id in termOrder where !present.contains(id) {
            guard let k = writesOf[id]?.first(where: { !failed.contains($0) }), let term = termOf[id]?.term else { continue }
            newFirst[id] = k
            newIDs.append(id); kinds.append(term.kind.rawValue); values.append(term.value)
            datatypes.append(term.datatype); langs.append(term.language)
        }
        if !newIDs.isEmpty {
            let inserted = try conn.executePrepared(
                """
                INSERT INTO \(termsTable) (graph_id, id, kind, value, datatype, lang)
                SELECT $1, * FROM unnest($2::bigint[], $3::smallint[], $4::text[], $5::text[], $6::text[])
                ON CONFLICT (id) DO NOTHING RETURNING id
                """,
                [.int32(target.id), .text(arrayLiteral(newIDs)), .text(arrayLiteral(kinds)), .text(textArrayLiteral(values)),
                 .text(textArrayLiteral(datatypes)), .text(textArrayLiteral(langs))])
            // Another writer took an id since the look above: the one-at-a-time path checks it.
            guard inserted.rowCount == newIDs.count else { throw StoreError.unsupported("terms changed while a write ran") }
            for id in newIDs { if let k = newFirst[id] { add(k, newTerms: 1) } }
        }
        // Triples of the writes that did not fail, each once, with the first write's labels.
        var first: [TripleKey: Int] = [:]
        var labels: [TripleKey: (Provenance, Split?)] = [:]
        var s: [Int64] = [], p: [Int64] = [], o: [Int64] = [], provenance: [Int16] = [], split: [Int16?] = []
        for (k, write) in run.enumerated() where !failed.contains(k) {
            guard case .add(let prov, let sp) = write.kind else { continue }
            for t in write.triples where first[TripleKey(t)] == nil {
                first[TripleKey(t)] = k
                labels[TripleKey(t)] = (prov, sp)
                s.append(t.subject.id.rawValue); p.append(t.predicate.id.rawValue); o.append(t.object.id.rawValue)
                provenance.append(prov.rawValue); split.append(sp?.rawValue)
            }
        }
        var changed = ChangedTriples()
        if !s.isEmpty {
            let r = try conn.executePrepared(
                """
                INSERT INTO \(triplesTable) (graph_id, s, p, o, provenance, split)
                SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::smallint[], $6::smallint[])
                ON CONFLICT (s, p, o) DO NOTHING RETURNING s, p, o
                """,
                [.int32(target.id), .text(arrayLiteral(s)), .text(arrayLiteral(p)), .text(arrayLiteral(o)),
                 .text(arrayLiteral(provenance)), .text(arrayLiteral(split))])
            for row in 0..<r.rowCount {
                let key = TripleKey(r.int64(row, 0) ?? 0, r.int64(row, 1) ?? 0, r.int64(row, 2) ?? 0)
                if let k = first[key] { add(k, changed: 1) }
                if let (prov, sp) = labels[key] { changed.append(key, provenance: prov, split: sp) }
            }
        }
        return (target, reports, changed)
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

    private func apply(_ write: SmallWrite, _ conn: PGConnection) throws -> (GraphTarget, SmallWriteReport, ChangedTriples) {
        var changed = ChangedTriples()
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
                if r.affectedRows == 1 { changed.append(TripleKey(triple), provenance: provenance, split: split) }
            }
            return (target, SmallWriteReport(graph: write.graph, changed: added, newTerms: newTerms), changed)
        case .delete:
            let target = try GraphTarget.lockExisting(name: write.graph, conn)
            let table = quoteIdentifier(target.triplesTable)
            var removed = 0
            for triple in write.triples {
                let r = try conn.execute(
                    "DELETE FROM \(table) WHERE s = $1 AND p = $2 AND o = $3",
                    [.int64(triple.subject.id.rawValue), .int64(triple.predicate.id.rawValue), .int64(triple.object.id.rawValue)])
                removed += r.affectedRows
                if r.affectedRows == 1 { changed.append(TripleKey(triple)) }
            }
            return (target, SmallWriteReport(graph: write.graph, changed: removed, newTerms: 0), changed)
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

/// What `Store.commitRecording` did.
public struct CommitOutcome: Sendable {
    /// One per write, in order.
    public var results: [Result<SmallWriteReport, any Error>]
    /// The changes committed, in commit order, each with its graph's name.
    public var changes: [(graph: String, change: GraphChange)]
    /// The terms the writes named, by id.
    public var terms: [Int64: Term]
    /// The transactions this covers (`GroupCommit` hands on several at once).
    public var transactions = 1
}

/// The triples a write changed, by term id, with the labels of added ones.
struct ChangedTriples {
    var s: [Int64] = [], p: [Int64] = [], o: [Int64] = []
    var provenance: [UInt8] = [], split: [Int8] = []

    mutating func append(_ key: TripleKey, provenance prov: Provenance? = nil, split sp: Split? = nil) {
        s.append(key.s); p.append(key.p); o.append(key.o)
        if let prov {
            provenance.append(UInt8(prov.rawValue))
            split.append(sp.map { Int8($0.rawValue) } ?? -1)
        }
    }
}

/// A triple by its terms' ids.
struct TripleKey: Hashable {
    var s: Int64, p: Int64, o: Int64
    init(_ s: Int64, _ p: Int64, _ o: Int64) { (self.s, self.p, self.o) = (s, p, o) }
    init(_ t: Triple) { self.init(t.subject.id.rawValue, t.predicate.id.rawValue, t.object.id.rawValue) }
}

/// `{1,2,NULL}`: a PostgreSQL array literal of numbers, passed as one text parameter.
func arrayLiteral<T: BinaryInteger>(_ values: [T?]) -> String {
    "{" + values.map { $0.map { String($0) } ?? "NULL" }.joined(separator: ",") + "}"
}

func arrayLiteral<T: BinaryInteger>(_ values: [T]) -> String {
    "{" + values.map { String($0) }.joined(separator: ",") + "}"
}

/// `{"a","b\"c",NULL}`: every element quoted, with `"` and `\` escaped as the array syntax wants.
func textArrayLiteral(_ values: [String?]) -> String {
    var out = "{"
    for (i, v) in values.enumerated() {
        if i > 0 { out += "," }
        guard let v else { out += "NULL"; continue }
        out += "\""
        for ch in v.unicodeScalars {
            if ch == "\"" || ch == "\\" { out += "\\" }
            out.unicodeScalars.append(ch)
        }
        out += "\""
    }
    return out + "}"
}
