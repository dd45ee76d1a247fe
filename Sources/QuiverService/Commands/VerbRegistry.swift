import QuiverStore
import QuiverCore

/// A verb with its type erased, as the surfaces hold it: the spec, and how to turn checked words
/// into a request ready to run.
public struct RegisteredVerb: Sendable {
    public let spec: VerbSpec
    /// The verb's type, for a surface that needs one per verb (the CLI's subcommands).
    public let type: any Verb.Type
    public let prepare: @Sendable (ParsedArguments) throws(RequestError) -> PreparedRequest

    public init<V: Verb>(_ type: V.Type) {
        spec = V.spec
        self.type = type
        prepare = { args throws(RequestError) in
            let request = try V(args)
            return PreparedRequest(
                timeout: request.timeout,
                run: { context in
                    let answer = try request.run(in: context)
                    return PreparedAnswer(value: answer, text: { request.text(answer) }, dot: { request.dot(answer) })
                },
                runBatch: { context, emit in try request.runBatch(in: context, emit: emit) },
                write: (request as? any GroupCommittedVerb)?.prepared)
        }
    }

    /// Parses `words` as `surface` spells them and prepares the request.
    public func prepare(_ words: [String], surface: Surface, common: [OptionSpec] = []) throws(RequestError) -> PreparedRequest {
        try prepare(try ParsedArguments.parse(words, verb: spec, surface: surface, common: common))
    }
}

/// A request checked and ready: what it asks for its deadline, and the work.
public struct PreparedRequest: Sendable {
    public let timeout: Duration?
    public let run: @Sendable (any GraphContext) throws -> PreparedAnswer
    /// `Verb.runBatch`.
    public let runBatch: @Sendable (any GraphContext, (String) throws -> Void) throws -> Bool
    /// The write of a `GroupCommittedVerb`: what to commit and the answer once it committed.
    public let write: PreparedWrite?
}

/// A request's small write, with what answers it once committed.
public struct PreparedWrite: Sendable {
    public let write: SmallWrite
    public let answer: @Sendable (SmallWriteReport, any GraphContext) -> PreparedAnswer
}

/// An answer with its renderings.
public struct PreparedAnswer: Sendable {
    /// The value that `--json` / `FORMAT JSON` print and the daemon encodes as RESP.
    public let value: any Encodable & Sendable
    public let text: @Sendable () -> String
    public let dot: @Sendable () -> String?
}

/// Every verb defined through `Verb`, in the order help lists them. The CLI and the daemon
/// dispatch through this table; adding a verb is its file and a line here.
public enum VerbRegistry {
    public static let all: [RegisteredVerb] = [
        RegisteredVerb(GraphsRequest.self),
        RegisteredVerb(StatsRequest.self),
        RegisteredVerb(DropRequest.self),
        RegisteredVerb(LoadRequest.self),
        RegisteredVerb(AddRequest.self),
        RegisteredVerb(DelRequest.self),
        RegisteredVerb(NeighborsRequest.self),
        RegisteredVerb(PathsRequest.self),
        RegisteredVerb(ReachRequest.self),
        RegisteredVerb(HopRequest.self),
        RegisteredVerb(SPARQLRequest.self),
        RegisteredVerb(SPARQLUpdateRequest.self),
        RegisteredVerb(PPRRequest.self),
        RegisteredVerb(PhiRequest.self),
        RegisteredVerb(AugmentVerb.self),
        RegisteredVerb(ExportRequest.self),
        RegisteredVerb(TrainRequest.self),
        RegisteredVerb(EvalRequest.self),
        RegisteredVerb(ScoreRequest.self),
        RegisteredVerb(ModelsRequest.self),
    ]

    /// By the CLI's name (`paths`); the daemon looks up its lower case.
    public static let byName: [String: RegisteredVerb] = Dictionary(uniqueKeysWithValues: all.map { ($0.spec.name, $0) })
}
