import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An asynchronous notification received from `NOTIFY` / `pg_notify`.
public struct PGNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload ("" when none was given).
    public var payload: String
    /// The process id of the sending backend.
    public var pid: Int32

    public init(channel: String, payload: String, pid: Int32) {
        self.channel = channel
        self.payload = payload
        self.pid = pid
    }
}

extension PGConnection {
    /// Subscribes to `channel` (`LISTEN`, with the name quoted). The subscription survives a
    /// reconnect.
    public func listen(_ channel: String) throws {
        try executeScript("LISTEN \(try PGConnection.quoteIdentifier(channel))")
        rememberListen(channel)
    }

    /// Unsubscribes from `channel` (`UNLISTEN`).
    public func unlisten(_ channel: String) throws {
        try executeScript("UNLISTEN \(try PGConnection.quoteIdentifier(channel))")
        forgetListen(channel)
    }

    /// Sends a notification (`pg_notify($1, $2)`); it is delivered when the current transaction
    /// commits.
    public func notify(_ channel: String, payload: String) throws {
        try execute("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// Returns the notifications that have arrived, waiting up to `timeout` seconds for the
    /// first one. Returns an empty array when none arrived in time.
    public func notifications(timeout: Double) throws -> [PGNotification] {
        let connection = try liveConnection()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(max(0, timeout) * 1000)))
        while true {
            guard PQconsumeInput(connection) == 1 else {
                throw PGError.fromConnection(connection, fallback: "connection lost", lost: true)
            }
            let received = drainNotifications(connection)
            if !received.isEmpty { return received }
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { return [] }
            let socket = PQsocket(connection)
            guard socket >= 0 else {
                throw PGError.fromConnection(connection, fallback: "connection has no socket", lost: true)
            }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 && errno != EINTR {
                throw PGError(kind: .connection, message: "poll failed: errno \(errno)", isConnectionLost: false)
            }
        }
    }

    private func drainNotifications(_ connection: OpaquePointer) -> [PGNotification] {
        var received: [PGNotification] = []
        while let notice = PQnotifies(connection) {
            defer { PQfreemem(notice) }
            received.append(
                PGNotification(
                    channel: notice.pointee.relname.map { String(cString: $0) } ?? "",
                    payload: notice.pointee.extra.map { String(cString: $0) } ?? "",
                    pid: notice.pointee.be_pid))
        }
        return received
    }
}
