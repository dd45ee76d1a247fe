import QuiverPaths
import QuiverProtocol
import QuiverCore
import QuiverStore

/// A command refused, with the error code clients see first (`-NOGRAPH …`, `-WRONGARGS …`).
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func wrongArgs(_ message: String) -> CommandError { CommandError("WRONGARGS", message) }
    public static func noGraph(_ graph: String) -> CommandError {
        CommandError("NOGRAPH", "graph '\(graph)' does not exist (GRAPHS lists the graphs)")
    }
    public static func err(_ message: String) -> CommandError { CommandError("ERR", message) }

    public var description: String { "\(code) \(message)" }
    public var reply: RESPValue { .error(description) }

    /// The daemon's one mapping from an error's category to the prefix clients see first; the
    /// message in the daemon's words (`MAX-HOPS`, `GRAPHS`).
    static func from(_ e: any PresentableError) -> CommandError {
        let message = e.message.rendered(for: .daemon)
        switch e.category {
        // Options the request must change: malformed, or asking for more than the limits allow.
        case .usage, .tooLarge: return .wrongArgs(message)
        case .busy: return CommandError("BUSY", message)
        case .unavailable: return CommandError("ERR", "store unavailable: \(message)")
        case .notFound, .invalidInput, .cancelled, .internal: return .err(message)
        }
    }

    /// The reply for any error a library call threw.
    static func from(_ error: any Error) -> CommandError {
        switch error {
        case let e as CommandError: return e
        case StoreError.graphNotFound(let g): return .noGraph(g)
        case let e as any PresentableError: return from(e)
        default: return .err("\(error)")
        }
    }
}
