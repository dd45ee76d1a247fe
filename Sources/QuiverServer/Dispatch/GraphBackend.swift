import Foundation
import QuiverAugment
import QuiverCore
import QuiverParsers
import QuiverPaths
import QuiverProtocol
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Synchronization

/// The graph commands: each parses its words on the event loop and returns work for a worker
/// thread that calls the same library functions as the CLI command of the same name.
final class GraphBackend: Sendable {
    let store: Store
    let cache: SnapshotCache
    let engines: EngineCache
    let models = ModelCache()
    let configuration: ServerConfiguration

    init(store: Store, configuration: ServerConfiguration) {
        self.store = store
        self.cache = SnapshotCache(store: store)
        self.engines = EngineCache(store: store, cache: cache, hopsCeiling: configuration.hopsCeiling)
        self.configuration = configuration
    }

    var snapshotBytes: Int { engines.snapshotBytes }

    /// The budget of one command: rows and reply bytes from the configuration, a deadline of
    /// `timeout` (the command's TIMEOUT) or else the server's default, and the connection's
    /// cancellation token.
    func budget(timeout: Duration?, session: Session) throws(CommandError) -> ResultBudget {
        let c = configuration
        var milliseconds = c.commandTimeoutMilliseconds
        if let timeout {
            let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            guard ms <= Int64(c.maxCommandTimeoutMilliseconds) else {
                throw .wrongArgs("TIMEOUT must be at most \(c.maxCommandTimeoutMilliseconds) ms (the server's --max-timeout-ms), not \(ms)")
            }
            milliseconds = Int(ms)
        }
        return ResultBudget(maxRows: c.maxResultRows, maxBytes: c.maxReplyBytes,
                            stop: StopCondition(deadline: .after(milliseconds: milliseconds), token: session.cancellation))
    }

    func outcome(for command: Command, arguments: Arguments, state: ServerState, session: Session) throws -> Outcome {
        var args = arguments
        if let verb = VerbRegistry.byName[command.name.lowercased()] {
            return try outcome(for: verb, arguments: args, session: session)
        }
        switch command.name {
        case "ADD", "DEL":
            let graph = try args.string("a graph")
            let s = try Self.term(&args, "a subject"), p = try Self.term(&args, "a predicate"), o = try Self.term(&args, "an object")
            var provenance = Provenance.asserted
            var split: Split?
            while let option = args.peekOption(), command.name == "ADD" {
                args.skip()
                switch option {
                case "provenance":
                    let v = try args.string("a provenance")
                    guard let pv = Provenance(name: v) else { throw CommandError.wrongArgs("unknown PROVENANCE '\(v)'; use asserted, inferred, synthetic or corrupted") }
                    provenance = pv
                case "split":
                    split = try args.split()
                default: throw CommandError.wrongArgs("ADD takes PROVENANCE p and SPLIT s, not '\(args.peek() ?? option)'")
                }
            }
            if !args.isAtEnd { throw CommandError.wrongArgs("\(command.name) graph s p o: unexpected '\(args.peek() ?? "")'") }
            let triple = Triple(s, p, o)
            let isAdd = command.name == "ADD"
            return .work { [store, engines, provenance, split] in
                let report = isAdd
                    ? try store.add(graph: graph, triples: [triple], provenance: provenance, split: split)
                    : try store.delete(graph: graph, triples: [triple])
                // Read-your-writes on every connection: the next query sees at least this state.
                engines.wrote(graph)
                return .integer(Int64(report.changed))
            }
        case "LOAD": return try load(&args, state: state, session: session)
        case "AUGMENT": return try augment(&args, state: state)
        case "TRAIN": return try train(&args, state: state)
        default:
            throw CommandError.err("unknown command '\(command.name)'")
        }
    }

    /// The next word as a term, refused (naming the word) when it could not be stored or exported
    /// as TSV and loaded back: the rule of `Term.problem`, which the TSV reader and `Store.add` share.
    static func term(_ args: inout Arguments, _ what: String) throws(CommandError) -> Term {
        let position = args.index
        let term = term(try args.string(what))
        if let problem = term.problem { throw args.refusal(at: position, what, problem.description) }
        return term
    }

    /// `<iri>` is an IRI, `_:b` a blank node, anything else a plain name (as in TSV files).
    /// Decided on bytes, not `Character`s: `<` followed by a combining mark is one `Character`
    /// that is not `<`, yet the stored IRI must be exactly the bytes between the brackets.
    static func term(_ word: String) -> Term {
        let bytes = word.utf8
        if bytes.count >= 2 && bytes.first == UInt8(ascii: "<") && bytes.last == UInt8(ascii: ">") {
            return .iri(String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self))
        }
        if bytes.count > 2 && bytes.starts(with: "_:".utf8) { return .blank(String(decoding: bytes.dropFirst(2), as: UTF8.self)) }
        return .name(word)
    }

    private func load(_ args: inout Arguments, state: ServerState, session: Session) throws -> Outcome {
        let graph = try args.string("a graph")
        var options = LoadOptions()
        var input: LoadInput?
        var path: String?
        var async = false
        while let option = args.peekOption() {
            args.skip()
            switch option {
            case "format":
                let f = try args.string("a format")
                guard let format = InputFormat(name: f.lowercased()) else {
                    throw CommandError.wrongArgs("unknown FORMAT '\(f)'; use tsv, nt, ttl, csv or jsonl")
                }
                options.format = format
                if args.peekOption() == "path" {
                    args.skip()
                    guard configuration.importDirectory != nil else {
                        throw CommandError.err("LOAD … PATH is off: start quiver serve with --import-dir DIR, or send the payload")
                    }
                    path = try args.string("a file path")
                } else {
                    input = .bytes(name: "payload", try args.bytes("the payload"))
                }
            case "split":
                options.split = try args.split()
            case "provenance":
                let v = try args.string("a provenance")
                guard let p = Provenance(name: v) else { throw CommandError.wrongArgs("unknown PROVENANCE '\(v)'") }
                options.provenance = p
            case "base": options.baseIRI = try args.string("a base IRI")
            case "async": async = true
            default: throw CommandError.wrongArgs("LOAD takes FORMAT f payload|PATH file, SPLIT, PROVENANCE, BASE, ASYNC; not '\(args.peek() ?? option)'")
            }
        }
        guard input != nil || path != nil else { throw CommandError.wrongArgs("LOAD graph FORMAT tsv|nt|ttl|csv|jsonl payload: the format and payload are missing") }
        options.timeout = configuration.loadTimeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) }
        let loadOptions = options
        let store = self.store, engines = self.engines, jobs = state.jobs
        let limit = configuration.loadTimeoutSeconds, threshold = configuration.jobThresholdBytes, asJob = async
        /// The store's timeout, worded for this surface: the limit is the server's `--load-timeout`.
        @Sendable func load(_ payload: LoadInput, _ options: LoadOptions, progress: ((LoadProgress) -> Void)? = nil) throws -> LoadReport {
            do {
                return try store.load(graph: graph, inputs: [payload], options: options, progress: progress)
            } catch StoreError.timedOut {
                throw CommandError.err("the load ran longer than the server's --load-timeout (\(limit.map { "\($0)" } ?? "?") s) and was rolled back; nothing of it was stored")
            }
        }
        /// Big loads (and ASYNC ones) become a job; the others answer when committed, and roll back
        /// when their client goes away first.
        @Sendable func start(_ payload: LoadInput, size: Int) throws -> RESPValue {
            if asJob || size >= threshold {
                let job = try jobs.submit(kind: "load", graph: graph) { job in
                    var jobOptions = loadOptions
                    jobOptions.cancellation = job.cancellation
                    let report = try load(payload, jobOptions) { p in
                        job.report(fraction: p.phase == .reading ? p.totalBytes.map { $0 > 0 ? Double(p.bytesRead) / Double($0) * 0.9 : 0 } : 0.95,
                                   items: p.triplesRead)
                    }
                    engines.wrote(graph)
                    job.report(fraction: 1, items: report.read)
                    return try reply(LoadReportJSON(report), json: false)
                }
                return .map(["job": .bulk(job.id), "state": .bulk(job.state.rawValue)])
            }
            var inlineOptions = loadOptions
            inlineOptions.cancellation = session.cancellation
            let report = try load(payload, inlineOptions)
            engines.wrote(graph)
            return try reply(LoadReportJSON(report), json: false)
        }
        if let path {
            // Opening and checking a server-side file asks the file system: on a worker, never on
            // the event loop. The descriptor checked is the one read.
            return .work { [self] in
                let file = try importFile(path)
                return try start(.opened(file), size: file.size)
            }
        }
        guard let payload = input, case .bytes(_, let bytes) = payload else { throw CommandError.wrongArgs("LOAD needs a payload or PATH file") }
        if asJob || bytes.count >= threshold { return .reply(try start(payload, size: bytes.count)) }
        return .work { try start(payload, size: bytes.count) }
    }

    /// AUGMENT: the same `AugmentRequest` as `quiver augment`, always as a job, writing into a
    /// directory named by OUT inside `--export-dir`.
    private func augment(_ args: inout Arguments, state: ServerState) throws -> Outcome {
        guard let exportDirectory = configuration.exportDirectory else {
            throw CommandError.err("AUGMENT is off: start quiver serve with --export-dir DIR")
        }
        let first = try args.string("a graph or SYNTHETIC")
        let synthetic = Arguments.normalize(first) == "synthetic"
        var request = AugmentRequest(graph: synthetic ? nil : first, out: "")
        request.synthetic = synthetic
        var outName: String?
        func number(_ what: String) throws(CommandError) -> Double {
            let v = try args.string(what)
            guard let x = Double(v) else { throw .wrongArgs("\(what.uppercased()) must be a number, not '\(v)'") }
            return x
        }
        while let option = args.peekOption() {
            args.skip()
            switch option {
            case "out": outName = try args.string("an output name")
            case "task":
                let v = try args.string("composition or comparison")
                guard let t = AugmentRequest.Task(rawValue: v.lowercased()) else { throw CommandError.wrongArgs("TASK must be composition or comparison, not '\(v)'") }
                request.task = t
            case "phi": request.phi = try number("phi")
            case "hops": request.hops = try args.integer("HOPS")
            case "seed":
                let v = try args.string("a seed")
                guard let n = UInt64(v) else { throw CommandError.wrongArgs("SEED must be a non-negative integer, not '\(v)'") }
                request.seed = n
            case "maxitems": request.maxItems = try args.integer("MAX-ITEMS")
            case "probesize": request.probeSize = try args.integer("PROBE-SIZE")
            case "split":
                request.split = try args.split()
            case "jsonl": request.jsonl = true
            case "targetphir": request.targetPhiR = try number("target-phi-r")
            case "targetphi": request.targetPhi = try number("target-phi")
            case "corruptrate": request.corruptRate = try number("corrupt-rate")
            case "intograph": request.intoGraph = try args.string("a graph name")
            case "entities": request.entities = try args.integer("ENTITIES")
            case "relations": request.relations = try args.integer("RELATIONS")
            case "outdegree": request.outDegree = try args.integer("OUT-DEGREE")
            default: throw CommandError.wrongArgs("AUGMENT does not take '\(option)' (see COMMAND DOCS AUGMENT)")
            }
        }
        guard let outName, !outName.isEmpty, !outName.contains("/"), outName != ".", outName != ".." else {
            throw CommandError.wrongArgs("AUGMENT needs OUT name: a directory name (no '/') inside the server's --export-dir")
        }
        request.out = URL(fileURLWithPath: exportDirectory).appendingPathComponent(outName).path
        request.outParent = exportDirectory
        do { try request.validate() } catch { throw CommandError.wrongArgs(error.description) }
        let store = self.store, engines = self.engines
        let job = try state.jobs.submit(kind: "augment", graph: request.graph ?? "synthetic") { [request] job in
            let outcome: AugmentRequest.Outcome
            var request = request
            request.cancellation = job.cancellation
            do {
                outcome = try request.run(store: store) { _, fraction, count in job.report(fraction: fraction, items: count) }
            } catch let e as AugmentRequest.Failure {
                throw CommandError.err(e.description)
            } catch let e as AugmentError {
                throw CommandError.err(e.description)
            }
            if let into = request.intoGraph { engines.wrote(into) }
            var reader = JSONToRESP(bytes: try outcome.jsonBytes())
            return try reader.value()
        }
        return .reply(.map(["job": .bulk(job.id), "state": .bulk(job.state.rawValue)]))
    }

    /// A server-side file for LOAD, opened once: a regular file inside `--import-dir`, reached
    /// without `..` or links. The loader reads this descriptor; the name is never opened again,
    /// so the file cannot be swapped for a link between the checks and the read.
    private func importFile(_ path: String) throws(CommandError) -> RegularFile {
        guard let dir = configuration.importDirectory else {
            throw CommandError.err("LOAD … PATH is off: start quiver serve with --import-dir DIR, or send the payload")
        }
        let outside = CommandError.err("'\(path)' is outside the import directory \(dir)")
        var relative = path
        if path.hasPrefix("/") {
            // An absolute path names a file inside the directory as configured or as resolved.
            let spellings = [dir, URL(fileURLWithPath: dir).standardizedFileURL.resolvingSymlinksInPath().path]
                .map { $0.hasSuffix("/") ? $0 : $0 + "/" }
            guard let root = spellings.first(where: { path.hasPrefix($0) }) else { throw outside }
            relative = String(path.dropFirst(root.count))
        }
        do {
            return try RegularFile(opening: relative, inside: dir)
        } catch .outsideDirectory {
            throw outside
        } catch {
            throw CommandError.err(error.description)
        }
    }
}
