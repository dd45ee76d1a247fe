/// The life of one client connection as a value: events in, decisions out, no I/O (as
/// postgres-nio's state machines are). `ConnectionHandler` feeds it what NIO tells it and does what
/// it answers; the rules live here, where they are tested without a socket.
///
/// One command runs at a time, so replies keep request order. While one runs, nothing more is
/// read; while replies the client has not read are queued past the bound, no more of its commands
/// run; after a protocol error the connection only drains its input until it closes.
struct ConnectionStateMachine: Sendable, Equatable {
    enum State: Sendable, Equatable {
        /// Taking commands.
        case idle
        /// A command's work (or a delayed reply) is pending.
        case running
        /// Shutdown was asked while a command ran: close once it has replied.
        case draining
        /// A protocol error was answered and our side half-closed; input is read and dropped
        /// until the client closes, so that it reads the error instead of a reset.
        case lingering
        /// Closing or closed: nothing more happens.
        case closed
    }

    private(set) var state = State.idle
    /// NIO asked for a read that was held back.
    private(set) var readPending = false
    /// Commands wait until the client has read the replies queued for it.
    private(set) var waitingForWritability = false

    /// Whether bytes that arrive are decoded (a running command's successors are kept).
    var acceptsInput: Bool { state == .idle || state == .running || state == .draining }

    /// NIO asks to read: read now, or hold the read until a command finishes or the client reads.
    mutating func readRequested(writable: Bool) -> Bool {
        switch state {
        case .lingering: return true
        case .idle where writable && !waitingForWritability: return true
        case .closed: return false
        default:
            readPending = true
            return false
        }
    }

    /// Whether the next decoded command may run now; when the output is full, it waits for
    /// `becameWritable`.
    mutating func mayRunNextCommand(writable: Bool) -> Bool {
        guard state == .idle else { return false }
        guard writable else {
            waitingForWritability = true
            return false
        }
        return true
    }

    /// A command's work (or a delayed reply) was handed off.
    mutating func commandStarted() {
        if state == .idle { state = .running }
    }

    enum AfterCommand: Sendable, Equatable {
        /// Encode the reply, run the commands already received, and read again if a read waits.
        case replyAndContinue(read: Bool)
        /// Encode the reply, then close (shutdown was asked meanwhile).
        case replyAndClose
        /// The connection is gone or going: drop the reply.
        case drop
    }

    mutating func commandFinished(writable: Bool) -> AfterCommand {
        switch state {
        case .running:
            state = .idle
            let read = readPending && writable
            if read { readPending = false }
            return .replyAndContinue(read: read)
        case .draining:
            state = .closed
            return .replyAndClose
        case .idle, .lingering, .closed:
            return .drop
        }
    }

    /// The client read enough of its replies: what to resume.
    mutating func becameWritable() -> (runCommands: Bool, read: Bool) {
        guard state == .idle else { return (false, false) }
        let run = waitingForWritability
        waitingForWritability = false
        let read = readPending
        readPending = false
        return (run, read)
    }

    /// A protocol error was answered; true when a held read must be released so the input drains.
    mutating func protocolError() -> Bool {
        state = .lingering
        let read = readPending
        readPending = false
        return read
    }

    /// Shutdown: true when the connection closes now (no command is running).
    mutating func drainRequested() -> Bool {
        switch state {
        case .idle:
            state = .closed
            return true
        case .running:
            state = .draining
            return false
        case .draining, .lingering, .closed:
            return false
        }
    }

    /// The client was silent too long: true when it is closed now (never while a command runs).
    mutating func idleTimedOut() -> Bool {
        guard state == .idle else { return false }
        state = .closed
        return true
    }

    /// The connection is being closed for any other reason (QUIT, a refused client, an error).
    mutating func closing() {
        state = .closed
    }
}
