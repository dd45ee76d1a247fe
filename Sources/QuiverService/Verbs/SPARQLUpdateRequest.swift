import Foundation
import QuiverCore
import QuiverGraph
import QuiverSPARQLEval
import QuiverSPARQLSyntax
import QuiverStore

/// `quiver update` / `UPDATE`: a SPARQL 1.1 Update request, evaluated by Quiver's engine over the
/// graphs' current versions and committed in one transaction: all of it or nothing.
public struct SPARQLUpdateRequest: Verb {
    public static let spec = VerbSpec(
        "update", summary: "Apply a SPARQL 1.1 Update (INSERT DATA, DELETE/INSERT … WHERE, CLEAR, DROP, COPY, …) atomically.",
        discussion: """
            The graph is the update's default graph. GRAPH <urn:quiver:graph:NAME> names Quiver's other graphs, and \
            any other IRI names the Quiver graph of that name (made by its first triple or by CREATE). Plain names \
            are the IRIs <urn:quiver:name:NAME>. The whole request commits in one transaction, or nothing does; \
            operations run in order, each seeing those before it. LOAD is not supported (use `quiver load`).
            """,
        positionals: [PositionalSpec("graph", "The graph (the default graph of the update)."),
                      PositionalSpec("update", "The update; - reads it from standard input.", .optional, daemon: .one)],
        options: [
            OptionSpec("file", .text, value: "path", help: "Read the update from this file.", surfaces: .cli),
            OptionSpec("max-rows", .integer, value: "n", help: "The most solutions a WHERE may give and triples the update may change: a guard against exhausting memory.",
                       default: "10000000"),
            OptionSpec("timeout-ms", .integer, value: "ms", help: "Stop evaluating after this many milliseconds, with an error (nothing is written).", aliases: ["timeout"]),
        ],
        examples: ["update demo 'INSERT DATA { <urn:quiver:name:erin> <urn:quiver:name:likes> <urn:quiver:name:tea> }'",
                   "update demo 'PREFIX q: <urn:quiver:name:> DELETE { ?x q:likes ?y } INSERT { ?x q:loves ?y } WHERE { ?x q:likes ?y }'",
                   "update demo --file changes.ru", "update demo - < changes.ru"],
        outputs: [.json], writes: true)

    public var graph: String
    public var update: String?
    public var file: String?
    public var maxRows: Int
    public var timeout: Duration?

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        update = args.positional("update")
        file = args.text("file")
        maxRows = try args.integer("max-rows") ?? 10_000_000
        guard maxRows > 0 else { throw .usage("\(option: "max-rows") must be positive") }
        timeout = try args.milliseconds("timeout-ms")
        try SPARQLText.checkOneSource(inline: update, file: file, noun: "update")
    }

    func text(in context: any GraphContext) throws -> String { try SPARQLText.read(inline: update, file: file, noun: "update", in: context) }

    public func run(in context: any GraphContext) throws -> UpdateJSON {
        try run(parsed: try Self.parse(try text(in: context)), in: context)
    }

    static func parse(_ text: String) throws -> UpdateRequest {
        do {
            return try SPARQLParser.parseUpdate(text)
        } catch {
            throw RequestError.invalid("SPARQL syntax: \(error.description)")
        }
    }

    /// Evaluates a parsed update and commits its effect (the HTTP endpoint comes here with the
    /// request it parsed).
    public func run(parsed: UpdateRequest, in context: any GraphContext) throws -> UpdateJSON {
        let prepared = try prepare(parsed: parsed, in: context)
        try commit(prepared, in: context)
        return prepared.answer
    }

    /// Commits what `prepare` planned: one write with the daemon's group commit (it is atomic
    /// on its own, and shares a transaction and its flush with other clients' writes), more in
    /// one transaction of their own.
    public func commit(_ prepared: Prepared, in context: any GraphContext) throws {
        guard !prepared.writes.isEmpty || !prepared.drops.isEmpty else { return }
        do {
            if let write = prepared.single {
                let report = try context.commit(write)
                if report.changed > 0 { context.wrote(write.graph, changeSeq: report.changeSeq) }
            } else {
                _ = try context.commitAtomically(prepared.writes, drops: prepared.drops)
            }
        } catch let e as PresentableError {
            throw Self.notWritten(e)
        }
    }

    /// An update evaluated, with what it will write: the surface commits `writes` and `drops` in
    /// one transaction, or `single` alone with other clients' writes, then answers `answer`.
    public struct Prepared: Sendable {
        public var writes: [SmallWrite]
        public var drops: [String]
        public var answer: UpdateJSON
        /// The one write, when the update is exactly one (atomic alone).
        public var single: SmallWrite? { drops.isEmpty && writes.count == 1 ? writes[0] : nil }
    }

    /// A commit's failure, worded as the update's.
    public static func notWritten(_ e: any PresentableError) -> RequestError {
        RequestError(e.category, "SPARQL update: \(e.message); nothing was written")
    }

    public func prepare(parsed: UpdateRequest, in context: any GraphContext) throws -> Prepared {
        let budget = try context.budget(timeout: timeout)
        let limits = SPARQLLimits(maxIntermediateRows: maxRows, stop: budget.stop,
                                  limitName: context.surface == .cli ? "--max-rows" : "MAX-ROWS")
        let started = DispatchTime.now().uptimeNanoseconds
        let effect: UpdateEffect
        do {
            effect = try SPARQLUpdate.effect(of: parsed, defaultGraph: graph, versions: { try context.versionIfPresent($0) },
                                             allGraphs: { try context.store.graphs().map(\.name) }, limits: limits,
                                             extensions: SPARQLReasoning(context: context))
        } catch {
            throw RequestError(budget.stop.reason != nil ? .cancelled : .invalidInput, "SPARQL update: \(error.description); nothing was written")
        }
        var writes: [SmallWrite] = [], drops: [String] = []
        for g in effect.graphs {
            if g.existedBefore && !g.existsAfter {
                drops.append(g.name)
                continue
            }
            if !g.deleted.isEmpty { writes.append(SmallWrite(graph: g.name, kind: .delete, triples: g.deleted)) }
            if !g.added.isEmpty || !g.existedBefore { writes.append(SmallWrite(graph: g.name, kind: .add(provenance: .asserted, split: nil), triples: g.added)) }
        }
        let answer = UpdateJSON(graph: graph, operations: effect.operations, inserted: effect.inserted, deleted: effect.deletedCount,
                                graphs: effect.graphs.map { g in
                                    UpdateJSON.GraphChanges(graph: g.name, inserted: g.added.count, deleted: g.deleted.count,
                                                            created: !g.existedBefore && g.existsAfter, dropped: g.existedBefore && !g.existsAfter)
                                },
                                seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return Prepared(writes: writes, drops: drops, answer: answer)
    }

    public func text(_ answer: UpdateJSON) -> String {
        var line = "updated \(answer.graph): \(answer.inserted) inserted, \(answer.deleted) deleted"
        let made = answer.graphs.filter(\.created).map(\.graph), dropped = answer.graphs.filter(\.dropped).map(\.graph)
        if !made.isEmpty { line += "; made \(made.joined(separator: ", "))" }
        if !dropped.isEmpty { line += "; dropped \(dropped.joined(separator: ", "))" }
        return line + " (\(answer.operations) operation\(answer.operations == 1 ? "" : "s"), \(String(format: "%.3f", answer.seconds)) s)"
    }
}

/// What `quiver update --json` and `UPDATE … FORMAT JSON` answer.
public struct UpdateJSON: Encodable, Sendable {
    public struct GraphChanges: Encodable, Sendable {
        public var graph: String
        public var inserted: Int
        public var deleted: Int
        public var created: Bool
        public var dropped: Bool
    }
    public var graph: String
    public var operations: Int
    public var inserted: Int
    public var deleted: Int
    public var graphs: [GraphChanges]
    public var seconds: Double
}
