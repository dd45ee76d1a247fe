/// An HTTP request as the endpoint sees it: whole (the body already read, within its limit),
/// with no SwiftNIO types, so the endpoint's logic runs and is tested apart from the sockets.
struct HTTPRequestParts: Sendable {
    var method: String
    /// The request target: path and query string.
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// `ip:port` of the client.
    var remote: String
    /// Whether the client is on the loopback interface (protected mode).
    var isLoopback: Bool

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// An answer to send: status, headers and the body, which may come in parts (the shell writes
/// each part as it is handed over, chunked).
struct HTTPReply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Body

    enum Body: Sendable {
        case bytes([UInt8])
        /// Written part by part with chunked transfer encoding: `next` gives the next part, nil at
        /// the end. It runs on a worker thread, never on the event loop.
        case parts(@Sendable () throws -> [UInt8]?)
    }

    /// Set for an answer that comes later (an update waiting for its group commit): the shell
    /// calls it with where to send the answer, from whichever thread has it.
    var later: (@Sendable (@escaping @Sendable (HTTPReply) -> Void) -> Void)?

    init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An answer `start` gives later, without holding a thread meanwhile.
    static func deferred(_ start: @escaping @Sendable (@escaping @Sendable (HTTPReply) -> Void) -> Void) -> HTTPReply {
        var reply = HTTPReply(status: 0)
        reply.later = start
        return reply
    }

    /// A plain-text answer (errors: the message names the problem).
    static func text(_ status: Int, _ message: String, headers: [(name: String, value: String)] = []) -> HTTPReply {
        HTTPReply(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers,
                  body: .bytes(Array((message.hasSuffix("\n") ? message : message + "\n").utf8)))
    }
}

/// What answers the HTTP port: called on a worker thread with each whole request.
protocol HTTPResponder: Sendable {
    /// Whether the request must be refused before its body is read (auth, method, size): a
    /// reply to send at once, or nil to read the body and call `respond`.
    func early(_ head: HTTPRequestParts, contentLength: Int?) -> HTTPReply?
    func respond(_ request: HTTPRequestParts) -> HTTPReply
    /// The largest body read; past it the answer is 413.
    var maxBodyBytes: Int { get }
}
