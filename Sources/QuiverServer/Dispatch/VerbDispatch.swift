import Foundation
import QuiverCore
import QuiverGraph
import QuiverModels
import QuiverPaths
import QuiverProtocol
import QuiverService
import QuiverStore

/// The daemon's side of `Verb`: words checked into strings, parsed by the verb's spec, run on a
/// worker against the cached engines, the answer encoded straight into RESP (or its JSON text).
extension GraphBackend {
    func outcome(for verb: RegisteredVerb, arguments: Arguments, state: ServerState, session: Session) throws -> Outcome {
        let parsed = try ParsedArguments.parse(daemonWords: arguments.remainingBytes, verb: verb.spec)
        let request = try verb.prepare(parsed)
        // The deadline counts from now: time spent waiting for a worker is the command's time too.
        let context = DaemonGraphContext(backend: self, jobs: state.jobs, session: session,
                                         budget: try budget(timeout: request.timeout, session: session))
        let json = parsed.format == .json, answersOK = verb.spec.answersOK
        if let prepared = request.write {
            return .write(prepared.write) { result in
                do {
                    let answer = prepared.answer(try result.get(), context)
                    return answersOK && !json ? .ok : try reply(answer.value, json: json)
                } catch {
                    return CommandError.from(error).reply
                }
            }
        }
        return .work {
            let answer = try request.run(context)
            if answersOK && !json { return .ok }
            return try reply(answer.value, json: json)
        }
    }
}

/// A request's view of the daemon: the engine cache, the store, and the budget fixed when the
/// command arrived.
struct DaemonGraphContext: GraphContext {
    let backend: GraphBackend
    let jobs: JobRegistry
    let session: Session
    let fixedBudget: ResultBudget

    init(backend: GraphBackend, jobs: JobRegistry, session: Session, budget: ResultBudget) {
        self.backend = backend
        self.jobs = jobs
        self.session = session
        self.fixedBudget = budget
    }

    var surface: Surface { .daemon }
    var store: Store { backend.store }
    func engine(_ graph: String) throws -> PathEngine { try backend.engines.engine(graph) }
    func budget(timeout: Duration?) throws(RequestError) -> ResultBudget { fixedBudget }
    func wrote(_ graph: String, changeSeq: Int64?) { backend.engines.wrote(graph, changeSeq: changeSeq) }

    /// In the foreground the work stops when its client leaves; as a job it outlives the
    /// connection and stops at JOB CANCEL, its result kept for JOB STATUS.
    func job<Result: Encodable & Sendable>(
        kind: String, graph: String, foreground: Bool, _ work: @escaping @Sendable (any JobProgress) throws -> Result
    ) throws -> JobAnswer<Result> {
        if foreground { return .finished(try work(SilentProgress(cancellation: session.cancellation))) }
        let job = try jobs.submit(kind: kind, graph: graph) { job in try reply(try work(JobReporter(job: job)), json: false) }
        return .started(id: job.id, state: job.state.rawValue)
    }

    func outputDirectory(_ out: String) throws -> (path: String, parent: String?) {
        guard let exportDirectory = backend.configuration.exportDirectory else {
            throw CommandError.err("AUGMENT is off: start quiver serve with --export-dir DIR")
        }
        guard !out.isEmpty, !out.contains("/"), out != ".", out != ".." else {
            throw CommandError.wrongArgs("AUGMENT needs OUT name: a directory name (no '/') inside the server's --export-dir")
        }
        return (URL(fileURLWithPath: exportDirectory).appendingPathComponent(out).path, exportDirectory)
    }

    func loadInputs(files: [String], payload: [UInt8]?, serverFile: String?) throws -> [LoadInput] {
        if let serverFile { return [.opened(try backend.importFile(serverFile))] }
        guard let payload else { throw CommandError.wrongArgs("LOAD graph FORMAT tsv|nt|ttl|csv|jsonl payload: the format and payload are missing") }
        return [.bytes(name: "payload", payload)]
    }

    func limit(_ options: inout LoadOptions) {
        options.timeout = backend.configuration.loadTimeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) }
    }

    var jobThresholdBytes: Int { backend.configuration.jobThresholdBytes }

    func commit(_ write: SmallWrite) throws -> SmallWriteReport { try backend.writes.commit(write) }

    func versionIfPresent(_ graph: String) throws -> CSRSnapshot? {
        do {
            return try engine(graph).snapshot
        } catch let e as CommandError where e.code == "NOGRAPH" {
            return nil
        }
    }

    /// Beside the group commit, as one transaction of its own; what it changed is applied to
    /// the held versions as the group commit's writes are, so the next command sees it.
    func commitAtomically(_ writes: [SmallWrite], drops: [String]) throws -> CommitOutcome {
        backend.cache.localCommitBegins()
        let outcome: CommitOutcome
        do {
            outcome = try backend.store.commitAtomically(writes, drops: drops)
        } catch {
            backend.cache.localCommitsEnded(1, [], terms: [:])
            throw error
        }
        backend.cache.localCommitsEnded(1, outcome.changes, terms: outcome.terms)
        var last: [String: Int64] = [:]
        for (graph, change) in outcome.changes { last[graph] = max(last[graph] ?? 0, change.seq) }
        for graph in Set(writes.map(\.graph) + drops) { backend.engines.wrote(graph, changeSeq: last[graph]) }
        return outcome
    }

    func model(_ name: String, of snapshot: CSRSnapshot) throws -> LoadedModel {
        try backend.models.model(store: backend.store, snapshot: snapshot, name: name)
    }
}

/// A daemon job as the progress of the work it runs: JOB STATUS shows it, JOB CANCEL stops it.
struct JobReporter: JobProgress {
    let job: JobRegistry.Job
    func report(_ label: String, fraction: Double?, items: Int, unit: String) { job.report(fraction: fraction, items: items) }
    func note(_ line: String) { job.note(line) }
    var cancellation: CancellationToken? { job.cancellation }
}
