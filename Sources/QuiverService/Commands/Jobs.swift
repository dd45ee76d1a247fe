import QuiverCore

/// How long work tells where it is, and learns that it must stop: the daemon's job (`JOB STATUS`,
/// `JOB CANCEL`), the CLI's progress bar, or nothing at all.
public protocol JobProgress: Sendable {
    /// `fraction` in 0...1 when the total is known; `items` done so far, counted in `unit`.
    func report(_ label: String, fraction: Double?, items: Int, unit: String)
    /// A line worth keeping in a log (a validation result); the CLI prints it on standard error.
    func note(_ line: String)
    /// Set when the work must stop (JOB CANCEL, the asking client gone).
    var cancellation: CancellationToken? { get }
}

extension JobProgress {
    public var isCancelled: Bool { cancellation?.isCancelled ?? false }
}

/// Progress that goes nowhere, stopping when `cancellation` is set.
public struct SilentProgress: JobProgress {
    public let cancellation: CancellationToken?
    public init(cancellation: CancellationToken? = nil) { self.cancellation = cancellation }
    public func report(_ label: String, fraction: Double?, items: Int, unit: String) {}
    public func note(_ line: String) {}
}

/// The answer of work that may run as a job: the daemon answers at once with the job's id (the
/// result is JOB STATUS's), the CLI waits and answers the result.
public enum JobAnswer<Result: Encodable & Sendable>: Encodable, Sendable {
    case started(id: String, state: String)
    case finished(Result)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .started(let id, let state):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(id, forKey: .job)
            try c.encode(state, forKey: .state)
        case .finished(let result): try result.encode(to: encoder)
        }
    }

    enum Keys: String, CodingKey { case job, state }

    /// The finished result's text, or a line naming the job.
    public func text(_ finished: (Result) -> String) -> String {
        switch self {
        case .started(let id, let state): "job \(id) \(state)"
        case .finished(let result): finished(result)
        }
    }
}
