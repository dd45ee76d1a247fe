import QuiverCore

/// A window on a byte source for the Turtle parser: arbitrary lookahead, refilled across reads, with
/// the line and column of the next byte. Only LF counts as a line break; columns count scalars.
///
/// Consumed bytes are dropped on the next refill, so memory stays at one chunk plus the lookahead.
struct TurtleInput {
    /// An existential: the parser is not generic, so it needs no generic-metadata look-ups per byte.
    private var source: any ByteSource
    private(set) var buffer: [UInt8]
    private(set) var start = 0
    private(set) var end = 0
    private(set) var atEOF = false
    private(set) var line = 1
    private(set) var column = 1
    /// Bytes consumed and dropped from the buffer by refills.
    private var dropped = 0
    let chunkSize: Int

    init(source: any ByteSource, chunkSize: Int) {
        self.source = source
        self.chunkSize = max(16, chunkSize)
        self.buffer = [UInt8](repeating: 0, count: self.chunkSize)
    }

    var position: TurtlePosition { TurtlePosition(line: line, column: column) }

    /// How many bytes have been consumed from the source.
    var offset: Int { dropped + start }

    /// The byte `k` places ahead, or `nil` past the end of input.
    @inline(__always)
    mutating func peek(_ k: Int = 0) throws -> UInt8? {
        if start + k < end { return buffer[start + k] }
        return try peekSlow(k)
    }

    private mutating func peekSlow(_ k: Int) throws -> UInt8? {
        while start + k >= end {
            if atEOF { return nil }
            try refill(need: k + 1)
        }
        return buffer[start + k]
    }

    /// The scalar starting `k` bytes ahead and its length in bytes, `nil` at end of input.
    /// Throws `TurtleInputIssue.invalidUTF8` when the bytes there are not well-formed UTF-8.
    mutating func peekScalar(_ k: Int = 0) throws -> (UInt32, Int)? {
        guard let b = try peek(k) else { return nil }
        if b < 0x80 { return (UInt32(b), 1) }
        _ = try peek(k + 3)  // make up to four bytes visible
        let (s, e) = (start + k, end)
        let decoded = buffer.withUnsafeBufferPointer { buf in
            RDFCharacters.decodeScalar(buf.baseAddress.unsafelyUnwrapped, s, e)
        }
        guard let decoded else { throw TurtleInputIssue.invalidUTF8(offset: k) }
        return decoded
    }

    /// Consumes one byte that `peek` has shown to exist.
    @inline(__always)
    mutating func advance() {
        let b = buffer[start]
        start += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// Skips a UTF-8 byte order mark at the very start of the input; it takes no column.
    mutating func skipByteOrderMark() throws {
        guard start == 0, line == 1, column == 1,
              try peek() == 0xEF, try peek(1) == 0xBB, try peek(2) == 0xBF else { return }
        start += 3
    }

    @inline(__always)
    mutating func advance(_ n: Int) {
        for _ in 0..<n { advance() }
    }

    /// A short excerpt of what comes next, for error messages.
    mutating func excerpt(at k: Int = 0) -> String {
        _ = try? peek(k + 80)
        let (s, e, eof) = (start + k, min(end, start + k + 80), atEOF)
        guard s < e else { return "end of input" }
        return buffer.withUnsafeBufferPointer { buf in
            RDFCharacters.excerpt(buf.baseAddress.unsafelyUnwrapped, from: s, end: e, atEOF: eof && s >= end)
        }
    }

    private mutating func refill(need: Int) throws {
        if start > 0 {
            let count = end - start
            let from = start
            buffer.withUnsafeMutableBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                base.update(from: base + from, count: count)
            }
            end = count
            dropped += from
            start = 0
        }
        while buffer.count < max(need, end + 1) {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let (from, capacity) = (end, min(buffer.count - end, chunkSize))
        let n = try buffer.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[from..<(from + capacity)]))
        }
        if n == 0 { atEOF = true } else { end += n }
    }
}

struct TurtlePosition: Equatable {
    var line: Int
    var column: Int
}

enum TurtleInputIssue: Error {
    /// Malformed UTF-8 `offset` bytes ahead of the cursor.
    case invalidUTF8(offset: Int)
}
