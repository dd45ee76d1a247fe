/// What one request may hold. A request over a limit is a protocol error: the client gets
/// `-ERR Protocol error: …` and the connection is closed, as Redis does.
public struct ProtocolLimits: Sendable, Equatable {
    /// The longest inline command line, and the longest `*N` / `$N` header line.
    public var maxInlineBytes: Int
    /// The largest bulk string (a `LOAD` payload is one).
    public var maxBulkBytes: Int
    /// The most arguments in one command.
    public var maxArguments: Int

    public init(maxInlineBytes: Int = 64 * 1024, maxBulkBytes: Int = 512 * 1024 * 1024, maxArguments: Int = 1024 * 1024) {
        self.maxInlineBytes = maxInlineBytes
        self.maxBulkBytes = maxBulkBytes
        self.maxArguments = maxArguments
    }
}

/// Why a request could not be read. Its description is the text after `-ERR Protocol error: `.
public enum ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooBigInlineRequest(limit: Int)
    case unbalancedQuotes
    case nulInInlineRequest
    case invalidMultibulkLength(String)
    case invalidBulkLength(String)
    case expectedDollar(found: UInt8)
    case expectedCRLF(after: String)

    public var description: String {
        switch self {
        case .tooBigInlineRequest(let limit): "too big inline request (more than \(limit) bytes without a newline)"
        case .unbalancedQuotes: "unbalanced quotes in request"
        case .nulInInlineRequest: "NUL byte in inline request"
        case .invalidMultibulkLength(let s): "invalid multibulk length '\(s)'"
        case .invalidBulkLength(let s): "invalid bulk length '\(s)'"
        case .expectedDollar(let b): "expected '$', got '\(printable(b))'"
        case .expectedCRLF(let what): "expected CRLF after \(what)"
        }
    }

    /// The whole error reply line (without `-` and CRLF).
    public var replyText: String { "ERR Protocol error: \(description)" }
}

func printable(_ b: UInt8) -> String {
    b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16, uppercase: false).leftPadded(2)
}

func printable<C: Collection>(_ bytes: C, limit: Int = 32) -> String where C.Element == UInt8 {
    var s = bytes.prefix(limit).map { printable($0) }.joined()
    if bytes.count > limit { s += "…" }
    return s
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
