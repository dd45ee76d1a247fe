import CLibPQ

extension PGConnection {
    /// Runs `COPY ... FROM STDIN` and streams the data `body` writes.
    ///
    /// If `body` throws, the COPY is aborted (`PQputCopyEnd` with the error's text), so nothing
    /// is stored, and the body's error is rethrown.
    ///
    /// ```swift
    /// let rows = try db.copyIn("COPY terms (id, value) FROM STDIN") { writer in
    ///     try writer.write(Array("1\thello\n".utf8))
    /// }
    /// ```
    /// - Returns: the number of rows copied.
    public func copyIn(_ sql: String, _ body: (PGCopyWriter) throws -> Void) throws -> Int {
        let connection = try liveConnection()
        guard let start = PQexec(connection, sql) else {
            throw PGError.fromConnection(
                connection, fallback: "no result from the server", lost: PQstatus(connection) == CONNECTION_BAD)
        }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try complete(start, connection)
            throw PGError(kind: .copy, message: "copyIn() needs a COPY ... FROM STDIN statement")
        }
        PQclear(start)

        let writer = PGCopyWriter(connection: connection)
        do {
            try body(writer)
            try writer.flush()
        } catch {
            writer.invalidate()
            if PQstatus(connection) == CONNECTION_OK {
                PQputCopyEnd(connection, "COPY aborted by the client: \(error)")
                drainResults(connection)
            }
            throw error
        }
        writer.invalidate()
        guard PQputCopyEnd(connection, nil) == 1 else {
            let error = PGError.fromConnection(connection, fallback: "could not end COPY", lost: true)
            drainResults(connection)
            throw error
        }
        return try finishCommand(connection).affectedRows
    }

    /// Runs `COPY ... TO STDOUT` and hands each chunk (one row for text and binary formats; the
    /// binary header and trailer arrive with the first and in the last chunk) to `body`. The
    /// buffer is valid only during the call.
    ///
    /// If `body` throws, the COPY is cancelled on the server and the body's error is rethrown.
    /// - Returns: the number of rows copied.
    public func copyOut(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let connection = try liveConnection()
        guard let start = PQexec(connection, sql) else {
            throw PGError.fromConnection(
                connection, fallback: "no result from the server", lost: PQstatus(connection) == CONNECTION_BAD)
        }
        guard PQresultStatus(start) == PGRES_COPY_OUT else {
            _ = try complete(start, connection)
            throw PGError(kind: .copy, message: "copyOut() needs a COPY ... TO STDOUT statement")
        }
        PQclear(start)

        var bodyError: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = PQgetCopyData(connection, &buffer, 0)
            guard count > 0, let buffer else {
                if let buffer { PQfreemem(buffer) }
                break  // -1: done, -2: error (reported by finishCommand)
            }
            defer { PQfreemem(buffer) }
            guard bodyError == nil else { continue }
            do {
                try body(UnsafeRawBufferPointer(start: buffer, count: Int(count)))
            } catch {
                bodyError = error
                cancelRunningCommand(connection)
            }
        }
        do {
            let result = try finishCommand(connection)
            if let bodyError { throw bodyError }
            return result.affectedRows
        } catch {
            throw bodyError ?? error
        }
    }

    /// Asks the server to cancel the command in progress (best effort).
    func cancelRunningCommand(_ connection: OpaquePointer) {
        guard let cancel = PQgetCancel(connection) else { return }
        defer { PQfreeCancel(cancel) }
        var errorBuffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &errorBuffer, Int32(errorBuffer.count))
    }
}

/// Streams data into a running `COPY ... FROM STDIN`. Writes are buffered and sent to the
/// server in large chunks. Valid only inside the `copyIn` body that received it.
public final class PGCopyWriter {
    /// Bytes collected before they are handed to libpq.
    public static let chunkSize = 1 << 20

    private var connection: OpaquePointer?
    private var buffer: [UInt8] = []
    /// Bytes written so far (including those still buffered).
    public private(set) var bytesWritten = 0

    init(connection: OpaquePointer) {
        self.connection = connection
        buffer.reserveCapacity(PGCopyWriter.chunkSize)
    }

    /// Appends raw COPY data (text, CSV or binary format, as the COPY statement says).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard connection != nil else {
            throw PGError(kind: .copy, message: "the COPY this writer belonged to has ended")
        }
        bytesWritten += bytes.count
        if buffer.isEmpty && bytes.count >= PGCopyWriter.chunkSize {
            try send(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= PGCopyWriter.chunkSize { try flush() }
    }

    /// Appends raw COPY data.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends a string's UTF-8 bytes (for text and CSV format COPY).
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Sends buffered data to libpq now.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try send($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    func invalidate() {
        connection = nil
        buffer = []
    }

    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        guard let connection else {
            throw PGError(kind: .copy, message: "the COPY this writer belonged to has ended")
        }
        var offset = 0
        while offset < bytes.count {
            let length = min(bytes.count - offset, Int(Int32.max))
            guard let base = bytes.baseAddress else { return }
            let status = PQputCopyData(
                connection, (base + offset).assumingMemoryBound(to: CChar.self), Int32(length))
            guard status == 1 else {
                throw PGError.fromConnection(
                    connection, fallback: "could not send COPY data",
                    lost: PQstatus(connection) == CONNECTION_BAD)
            }
            offset += length
        }
    }
}
