#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A command as the client sent it: its words (the first is the command name), byte for byte.
public struct Command: Sendable, Equatable {
    public var arguments: [[UInt8]]
    /// True when it came as an inline line rather than a RESP array.
    public var isInline: Bool

    public init(_ arguments: [[UInt8]], isInline: Bool = false) {
        self.arguments = arguments
        self.isInline = isInline
    }

    /// The command name, upper-cased (ASCII only).
    public var name: String {
        guard let first = arguments.first else { return "" }
        return String(decoding: first.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }
}

/// Reads commands from the bytes of one connection, in either form Redis accepts: inline lines
/// (`PING\r\n`, `paths g "new york" paris\n`) and RESP arrays of bulk strings
/// (`*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n`). A pure state machine: feed it bytes as they arrive, in any
/// pieces, and take commands out; the result is the same however the bytes were split.
///
/// ```swift
/// var decoder = CommandDecoder()
/// decoder.append(Array("PING\r\n*1\r\n$4\r\nPI".utf8))
/// decoder.next()   // .command(["PING"])
/// decoder.next()   // nil: the second command is not complete yet
/// ```
///
/// After a `.failure` the decoder stays failed: the connection must be closed.
public struct CommandDecoder: Sendable {
    public enum Event: Sendable, Equatable {
        case command(Command)
        case failure(ProtocolError)
    }

    /// Checked as each header is read, so a change applies from the next command on (the daemon
    /// raises them once a client has authenticated).
    public var limits: ProtocolLimits
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes.
    private var start = 0
    /// Where the search for the current line's end resumes (so a slow sender costs linear time).
    private var scanned = 0
    /// An array being read: how many arguments it has, and those read so far.
    private var expected = 0
    private var arguments: [[UInt8]] = []
    /// The length of the bulk string being read, once its `$N` header was read.
    private var bulkLength: Int?
    private var failed: ProtocolError?

    public init(limits: ProtocolLimits = ProtocolLimits()) {
        self.limits = limits
    }

    /// Bytes received but not yet part of a returned command.
    public var bufferedByteCount: Int { buffer.count - start }

    /// True when a command has been started but not finished.
    public var isMidCommand: Bool { expected > 0 || bufferedByteCount > 0 }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard failed == nil else { return }
        if start > 0 && start >= buffer.count / 2 && start >= 4096 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes.bindMemory(to: UInt8.self))
    }

    /// The next complete command, a failure, or nil when more bytes are needed.
    public mutating func next() -> Event? {
        if let failed { return .failure(failed) }
        while true {
            let result: Step
            if expected == 0 {
                guard start < buffer.count else {
                    buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
                    start = 0
                    scanned = 0
                    return nil
                }
                result = buffer[start] == UInt8(ascii: "*") ? readArrayHeader() : readInline()
            } else {
                result = readBulk()
            }
            switch result {
            case .needMore: return nil
            case .again: continue
            case .command(let c): return .command(c)
            case .failure(let e):
                failed = e
                buffer = []
                start = 0
                return .failure(e)
            }
        }
    }

    private enum Step { case needMore, again, command(Command), failure(ProtocolError) }

    /// The index of the next `\n` at or after `start`, or nil.
    private mutating func findNewline() -> Int? {
        let from = Swift.max(scanned, start)
        let end = buffer.count
        let found: Int? = buffer.withUnsafeBufferPointer { p in
            guard from < end, let base = p.baseAddress,
                  let hit = memchr(base + from, 10, end - from) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        guard let found else {
            scanned = end
            return nil
        }
        scanned = start
        return found
    }

    private mutating func consume(to index: Int) {
        start = index
        scanned = index
    }

    private mutating func readInline() -> Step {
        guard let nl = findNewline() else {
            if bufferedByteCount > limits.maxInlineBytes { return .failure(.tooBigInlineRequest(limit: limits.maxInlineBytes)) }
            return .needMore
        }
        // The limit counts the bytes before the LF (CR included), as the byte-by-byte path sees them.
        if nl - start > limits.maxInlineBytes { return .failure(.tooBigInlineRequest(limit: limits.maxInlineBytes)) }
        var lineEnd = nl
        if lineEnd > start && buffer[lineEnd - 1] == 13 { lineEnd -= 1 }
        let line = buffer[start..<lineEnd]
        consume(to: nl + 1)
        if line.contains(0) { return .failure(.nulInInlineRequest) }
        do {
            let words = try InlineTokenizer.split(line)
            if words.isEmpty { return .again }
            return .command(Command(words, isInline: true))
        } catch {
            return .failure(error)
        }
    }

    /// Reads a `*N\r\n` or `$N\r\n` header line's number; nil result with needMore when incomplete.
    private mutating func readHeader(maxValue: Int, invalid: (String) -> ProtocolError) -> (Step?, Int) {
        // Built only on failure: this runs twice per command.
        func tooLong() -> ProtocolError { invalid("a header line longer than \(limits.maxInlineBytes) bytes") }
        guard let nl = findNewline() else {
            if bufferedByteCount > limits.maxInlineBytes { return (.failure(tooLong()), 0) }
            return (.needMore, 0)
        }
        if nl - start > limits.maxInlineBytes { return (.failure(tooLong()), 0) }
        guard nl > start + 1, buffer[nl - 1] == 13 else {
            return (.failure(invalid(printable(buffer[(start + 1)..<nl]))), 0)
        }
        let digits = buffer[(start + 1)..<(nl - 1)]
        guard let n = Self.parseInteger(digits), n <= maxValue else {
            return (.failure(invalid(printable(digits))), 0)
        }
        consume(to: nl + 1)
        return (nil, n)
    }

    private mutating func readArrayHeader() -> Step {
        let (step, n) = readHeader(maxValue: limits.maxArguments, invalid: ProtocolError.invalidMultibulkLength)
        if let step { return step }
        // `*0` and `*-1` are empty requests, skipped as Redis does.
        if n <= 0 { return .again }
        expected = n
        arguments = []
        arguments.reserveCapacity(Swift.min(n, 64))
        return .again
    }

    private mutating func readBulk() -> Step {
        if bulkLength == nil {
            guard start < buffer.count else { return .needMore }
            guard buffer[start] == UInt8(ascii: "$") else { return .failure(.expectedDollar(found: buffer[start])) }
            let (step, n) = readHeader(maxValue: limits.maxBulkBytes, invalid: ProtocolError.invalidBulkLength)
            if let step { return step }
            guard n >= 0 else { return .failure(.invalidBulkLength(String(n))) }
            bulkLength = n
            if n > 1 << 16 { buffer.reserveCapacity(start + n + 2) }
        }
        guard let length = bulkLength else { return .needMore }
        guard buffer.count - start >= length + 2 else { return .needMore }
        guard buffer[start + length] == 13, buffer[start + length + 1] == 10 else {
            return .failure(.expectedCRLF(after: "a bulk string of \(length) bytes"))
        }
        arguments.append(Array(buffer[start..<(start + length)]))
        consume(to: start + length + 2)
        bulkLength = nil
        if arguments.count == expected {
            let command = Command(arguments)
            arguments = []
            expected = 0
            return .command(command)
        }
        return .again
    }

    /// A decimal integer with an optional leading `-`, at most 18 digits (so it cannot overflow).
    static func parseInteger(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        var negative = false
        if i < bytes.endIndex && bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let digitCount = bytes.endIndex - i
        guard digitCount >= 1 && digitCount <= 18 else { return nil }
        var n = 0
        while i < bytes.endIndex {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            n = n * 10 + Int(d)
            i += 1
        }
        return negative ? -n : n
    }
}
