import QuiverCore
import QuiverGraph
import QuiverPaths
import QuiverSnapshot
import QuiverStore

/// One command, defined once: its spec (name, arguments, options, help), how its parsed words
/// become a typed request, what running it answers, and how that answer reads as text. The CLI
/// and the daemon derive everything they do with it from this.
///
/// Adding a verb is a file with a type conforming to `Verb` and a line in `VerbRegistry.all`.
public protocol Verb: Sendable {
    /// The answer: the JSON of `--json` / `FORMAT JSON`, and the daemon's RESP structure.
    associatedtype Answer: Encodable & Sendable

    static var spec: VerbSpec { get }

    /// The request from its checked words; refuses values out of range before any work starts.
    init(_ arguments: ParsedArguments) throws(RequestError)

    /// The deadline the request asks for (`--timeout-ms` / `TIMEOUT`), if it takes one.
    var timeout: Duration? { get }

    func run(in context: any GraphContext) throws -> Answer

    /// The answer for a person (the CLI without `--json`).
    func text(_ answer: Answer) -> String

    /// Another rendering the verb offers (`--format dot`); nil when it has none.
    func dot(_ answer: Answer) -> String?

    /// A batch the request asks for instead of one answer (the CLI's `paths --pairs FILE`): runs
    /// it, handing each result line to `emit`, and returns true; false when it asks for none.
    func runBatch(in context: any GraphContext, emit: (String) throws -> Void) throws -> Bool
}

extension Verb {
    public var timeout: Duration? { nil }
    public func dot(_ answer: Answer) -> String? { nil }
    public func runBatch(in context: any GraphContext, emit: (String) throws -> Void) throws -> Bool { false }
}

/// A verb whose work is one small write (ADD, DEL). The daemon queues the write for its group
/// commit and answers when it committed, holding no thread while it waits; other surfaces run it
/// through `run`, which commits and waits.
public protocol GroupCommittedVerb: Verb {
    /// The write the request makes.
    var write: SmallWrite { get }
    /// The answer once `write` committed with `report`; tells `context` what changed.
    func answer(_ report: SmallWriteReport, in context: any GraphContext) -> Answer
}

extension GroupCommittedVerb {
    public func run(in context: any GraphContext) throws -> Answer { answer(try context.commit(write), in: context) }

    var prepared: PreparedWrite {
        PreparedWrite(write: write) { report, context in
            let answer = self.answer(report, in: context)
            return PreparedAnswer(value: answer, text: { self.text(answer) }, dot: { self.dot(answer) })
        }
    }
}

/// One line of JSON, as `--json` prints it.
func jsonLine<T: Encodable>(_ value: T) throws -> String { String(decoding: try jsonBytes(value), as: UTF8.self) }

/// What a request runs against: the graphs of one surface, and that surface's bounds. The CLI's
/// context builds a graph's snapshot from the store for the one question it asks; the daemon's
/// keeps them cached and in step with writes.
public protocol GraphContext: Sendable {
    var surface: Surface { get }
    var store: Store { get throws }
    /// The path engine (snapshot and ontology inverses) of a graph; `notFound` when there is none.
    func engine(_ graph: String) throws -> PathEngine
    /// The budget of this request: rows and bytes of the surface, a deadline of `timeout` (or the
    /// surface's default) counted from when the request arrived, and the asker's cancellation.
    func budget(timeout: Duration?) throws(RequestError) -> ResultBudget
    /// Tells the surface that a write to `graph` committed (the daemon's next read sees it);
    /// `changeSeq`, when known, is the graph's change sequence after it (saves asking).
    func wrote(_ graph: String, changeSeq: Int64?)

    /// Runs long work: the daemon as a job of `kind` (answering its id at once) unless
    /// `foreground`, the CLI in the foreground with a progress bar. `work` reports to and stops
    /// by the progress it is given.
    func job<Result: Encodable & Sendable>(
        kind: String, graph: String, foreground: Bool, _ work: @escaping @Sendable (any JobProgress) throws -> Result
    ) throws -> JobAnswer<Result>

    /// Where a dataset named `out` is written: the CLI takes it as a path (`parent` nil); the
    /// daemon only as a new or empty directory directly inside its `--export-dir` (`parent`).
    func outputDirectory(_ out: String) throws -> (path: String, parent: String?)

    /// The load inputs a request names: files (the CLI), or a payload or a server-side file (the
    /// daemon, a regular file inside its `--import-dir`, opened and checked once).
    func loadInputs(files: [String], payload: [UInt8]?, serverFile: String?) throws -> [LoadInput]

    /// Applies the surface's limits to a load (the daemon's `--load-timeout`).
    func limit(_ options: inout LoadOptions)

    /// Loads of at least this many bytes run as jobs (the daemon's `--job-threshold-bytes`).
    var jobThresholdBytes: Int { get }

    /// Commits a small write; returns once it has committed. The daemon commits writes from all
    /// its connections together (`GroupCommit`).
    func commit(_ write: SmallWrite) throws -> SmallWriteReport

    /// Loads a saved model of a graph (the daemon keeps them cached per snapshot).
    func model(_ name: String, of snapshot: CSRSnapshot) throws -> LoadedModel

    /// The graph's current version, or nil when there is no such graph.
    func versionIfPresent(_ graph: String) throws -> CSRSnapshot?

    /// Commits `writes` and then drops `drops` in one transaction, all or nothing, and makes them
    /// visible to this surface's next reads (SPARQL Update).
    func commitAtomically(_ writes: [SmallWrite], drops: [String]) throws -> CommitOutcome
}

extension GraphContext {
    /// The graph's current version with its delta merged: for the readers of raw arrays (stats,
    /// PPR, phi, models). The path searches read versions through `engine`.
    public func snapshot(_ graph: String) throws -> CSRSnapshot { try engine(graph).snapshot.compacted() }
    public func wrote(_ graph: String, changeSeq: Int64?) {}
    public func wrote(_ graph: String) { wrote(graph, changeSeq: nil) }
    public func limit(_ options: inout LoadOptions) {}
    public var jobThresholdBytes: Int { .max }
    public func commit(_ write: SmallWrite) throws -> SmallWriteReport { try store.commit([write])[0].get() }

    public func versionIfPresent(_ graph: String) throws -> CSRSnapshot? {
        do {
            return try engine(graph).snapshot
        } catch StoreError.graphNotFound {
            return nil
        }
    }

    public func commitAtomically(_ writes: [SmallWrite], drops: [String]) throws -> CommitOutcome {
        let outcome = try store.commitAtomically(writes, drops: drops)
        for name in Set(writes.map(\.graph) + drops) { wrote(name) }
        return outcome
    }
}

/// The CLI's context: one store, each graph's snapshot built from it when first asked for.
public final class StoreGraphContext: GraphContext, Sendable {
    public let surface = Surface.cli
    private let storeValue: Store
    private let hopsCeiling: Int
    private let snapshotFiles: SnapshotFiles?
    private let progress: @Sendable () -> any JobProgress
    public var store: Store { storeValue }

    /// `progress` makes the progress of each job run in the foreground (the CLI's bar); graphs are
    /// opened from `snapshotFiles` when given (see `SnapshotLoader.open`).
    public init(store: Store, hopsCeiling: Int = 16, snapshotFiles: SnapshotFiles? = nil,
                progress: @escaping @Sendable () -> any JobProgress = { SilentProgress() }) {
        self.storeValue = store
        self.hopsCeiling = hopsCeiling
        self.snapshotFiles = snapshotFiles
        self.progress = progress
    }

    public func job<Result: Encodable & Sendable>(
        kind: String, graph: String, foreground: Bool, _ work: @escaping @Sendable (any JobProgress) throws -> Result
    ) throws -> JobAnswer<Result> {
        .finished(try work(progress()))
    }

    public func outputDirectory(_ out: String) throws -> (path: String, parent: String?) { (out, nil) }

    public func loadInputs(files: [String], payload: [UInt8]?, serverFile: String?) throws -> [LoadInput] {
        files.map { .file($0) }
    }

    public func engine(_ graph: String) throws -> PathEngine {
        let snapshot = try SnapshotLoader(store: storeValue, files: snapshotFiles).open(graph: graph).snapshot
        let ontology = try storeValue.ontology(graph: graph)
        return PathEngine(snapshot: snapshot, inverses: PathEngine.inverseMap(from: ontology, snapshot: snapshot), maxHopsCeiling: hopsCeiling)
    }

    public func model(_ name: String, of snapshot: CSRSnapshot) throws -> LoadedModel {
        try ModelService.load(store: storeValue, snapshot: snapshot, name: name)
    }

    /// The CLI's budget; its deadline counts from now, so ask for it after the snapshot is built
    /// (a one-shot CLI's build is not the query's time).
    public func budget(timeout: Duration?) throws(RequestError) -> ResultBudget {
        var b = ResultBudget.cli
        if let timeout { b.stop = StopCondition(deadline: .after(timeout)) }
        return b
    }
}
