/// What kind of failure an error is. Each surface maps a category once: the CLI to an exit code,
/// the daemon to a RESP error prefix (see `ErrorCategory.exitCode` and the daemon's mapping).
public enum ErrorCategory: String, Sendable, CaseIterable {
    /// The request is malformed: an unknown option, a missing argument, a value of the wrong kind.
    case usage
    /// A graph, model, node, relation or job named by the request does not exist.
    case notFound
    /// Well formed, but the input cannot be used: a syntax error in a file, a value out of range.
    case invalidInput
    /// Well formed, but more than the limits allow: memory a request would need, a size past what
    /// the ids can hold. The request's options say what to lower.
    case tooLarge
    /// The store (or another resource) cannot be reached or is full.
    case unavailable
    /// The work was stopped: by its deadline, by its client leaving, by a cancel.
    case cancelled
    /// Too much is already running; try again later.
    case busy
    /// A fault of Quiver's own.
    case `internal`

    /// The CLI's exit code: 1 bad input, 2 usage, 3 unavailable (the README's contract).
    public var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .unavailable: 3
        case .notFound, .invalidInput, .tooLarge, .cancelled, .busy, .internal: 1
        }
    }
}

/// How a surface spells the names inside a message: the CLI writes `--max-hops` and
/// `` `quiver graphs` ``, the daemon `MAX-HOPS` and `GRAPHS`. Library code names an option or a
/// command once, as a value, and never in one surface's words.
public enum Surface: Sendable {
    case cli, daemon

    /// `max-hops` as this surface spells an option.
    public func option(_ name: String) -> String {
        switch self {
        case .cli: name.count == 1 ? "-" + name : "--" + name
        case .daemon: name.uppercased()
        }
    }

    /// `graphs` (with `arguments`) as this surface spells a command to run.
    public func command(_ verb: String, _ arguments: String = "") -> String {
        let args = arguments.isEmpty ? "" : " " + arguments
        switch self {
        case .cli: return "`quiver \(verb)\(args)`"
        case .daemon: return verb.uppercased() + args
        }
    }
}

/// A message whose option and command names are values, rendered per surface.
///
/// ```swift
/// let m: ErrorMessage = "\(option: "max-hops") 20 is above the ceiling of 16 hops"
/// m.rendered(for: .cli)     // --max-hops 20 is above the ceiling of 16 hops
/// m.rendered(for: .daemon)  // MAX-HOPS 20 is above the ceiling of 16 hops
/// ```
public struct ErrorMessage: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public enum Part: Sendable, Equatable {
        case text(String)
        case option(String)
        case command(String, arguments: String)
    }
    public private(set) var parts: [Part]

    public init(_ parts: [Part]) { self.parts = Self.merged(parts) }
    public init(stringLiteral value: String) { parts = value.isEmpty ? [] : [.text(value)] }
    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { appendText(literal) }
        public mutating func appendInterpolation<T>(_ value: T) { appendText("\(value)") }
        /// An option's name as the request's surface spells it.
        public mutating func appendInterpolation(option name: String) { parts.append(.option(name)) }
        /// A command to run, as the request's surface spells it.
        public mutating func appendInterpolation(command verb: String, _ arguments: String = "") {
            parts.append(.command(verb, arguments: arguments))
        }
        /// Another message, its names still values.
        public mutating func appendInterpolation(_ message: ErrorMessage) { parts = ErrorMessage.merged(parts + message.parts) }

        mutating func appendText(_ text: String) {
            guard !text.isEmpty else { return }
            if case .text(let previous)? = parts.last { parts[parts.count - 1] = .text(previous + text) } else { parts.append(.text(text)) }
        }
    }

    /// Adjacent text as one part, so that equal messages are equal however their text was split
    /// (`"got \(5)"` and `"got 5"`).
    static func merged(_ parts: [Part]) -> [Part] {
        var out = Interpolation(literalCapacity: 0, interpolationCount: 0)
        for part in parts {
            if case .text(let t) = part { out.appendText(t) } else { out.parts.append(part) }
        }
        return out.parts
    }

    public func rendered(for surface: Surface) -> String {
        parts.map { part in
            switch part {
            case .text(let s): s
            case .option(let name): surface.option(name)
            case .command(let verb, let args): surface.command(verb, args)
            }
        }.joined()
    }

    /// The CLI's spelling, for logs and `description`s.
    public var description: String { rendered(for: .cli) }

    public static func + (a: ErrorMessage, b: ErrorMessage) -> ErrorMessage { ErrorMessage(a.parts + b.parts) }
}

/// An error that presents itself: what kind of failure it is and what to tell the person who
/// asked, in the words of the surface they asked through. Library errors conform; the CLI and
/// the daemon each map `category` once and render `message` for themselves.
public protocol PresentableError: Error, CustomStringConvertible {
    var category: ErrorCategory { get }
    var message: ErrorMessage { get }
}

extension PresentableError {
    public var description: String { message.rendered(for: .cli) }
}

/// An error raised by a request itself (an option out of range, a missing argument).
public struct RequestError: PresentableError, Sendable, Equatable {
    public var category: ErrorCategory
    public var message: ErrorMessage

    public init(_ category: ErrorCategory, _ message: ErrorMessage) {
        self.category = category
        self.message = message
    }

    public static func usage(_ message: ErrorMessage) -> RequestError { RequestError(.usage, message) }
    public static func invalid(_ message: ErrorMessage) -> RequestError { RequestError(.invalidInput, message) }
    public static func notFound(_ message: ErrorMessage) -> RequestError { RequestError(.notFound, message) }
}
