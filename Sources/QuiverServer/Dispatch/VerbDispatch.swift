import QuiverCore
import QuiverGraph
import QuiverPaths
import QuiverProtocol
import QuiverService
import QuiverStore

/// The daemon's side of `Verb`: words checked into strings, parsed by the verb's spec, run on a
/// worker against the cached engines, the answer encoded straight into RESP (or its JSON text).
extension GraphBackend {
    func outcome(for verb: RegisteredVerb, arguments: Arguments, session: Session) throws -> Outcome {
        var arguments = arguments
        let words = try arguments.remainingWords { verb.spec.daemonRole(ofWordAt: $0, in: $1) }
        let parsed = try ParsedArguments.parse(words, verb: verb.spec, surface: .daemon)
        let request = try verb.prepare(parsed)
        // The deadline counts from now: time spent waiting for a worker is the command's time too.
        let context = DaemonGraphContext(backend: self, budget: try budget(timeout: request.timeout, session: session))
        let json = parsed.format == .json, answersOK = verb.spec.answersOK
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
    let fixedBudget: ResultBudget

    init(backend: GraphBackend, budget: ResultBudget) {
        self.backend = backend
        self.fixedBudget = budget
    }

    var surface: Surface { .daemon }
    var store: Store { backend.store }
    func engine(_ graph: String) throws -> PathEngine { try backend.engines.engine(graph) }
    func budget(timeout: Duration?) throws(RequestError) -> ResultBudget { fixedBudget }
    func wrote(_ graph: String) { backend.engines.wrote(graph) }
    func model(_ name: String, of snapshot: CSRSnapshot) throws -> LoadedModel {
        try backend.models.model(store: backend.store, snapshot: snapshot, name: name)
    }
}
