import QuiverCore

/// A place in the text: 1-based line and column, the column counted in Unicode scalars.
struct JSONPosition: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// A streaming JSON pull scanner over a `ByteSource`, for readers that walk a known structure
/// (JSON Lines records, 2WikiMultiHopQA) without building a document tree.
///
/// It tracks the exact position of every byte, decodes strings with all escapes (`\uXXXX` with
/// surrogate pairs), checks UTF-8, and skips values it is not interested in without allocating.
/// Every method that fails throws a `ParseError` at the offending byte.
struct JSONScanner {
    let fileName: String
    private var input: ChunkedByteInput
    /// Position of the next byte.
    private(set) var position = JSONPosition(line: 1, column: 1)
    /// Where the last `}` or `]` consumed by `nextMember`/`nextElement` was.
    private(set) var lastClose = JSONPosition(line: 1, column: 1)
    private var scratch: [UInt8] = []
    /// Names repeat (relations above all); long ones share storage.
    private var interner = NameInterner()
    private let maxStringBytes: Int
    private let maxDepth: Int

    init(source: some ByteSource, fileName: String, chunkSize: Int, maxStringBytes: Int = 64 << 20, maxDepth: Int = 512) {
        self.fileName = fileName
        self.input = ChunkedByteInput(source, chunkSize: chunkSize)
        self.maxStringBytes = maxStringBytes
        self.maxDepth = maxDepth
    }

    // MARK: Bytes and positions

    mutating func skipByteOrderMark() throws {
        try input.skipByteOrderMark()
    }

    /// The next byte without consuming it; `nil` at end of input.
    @inline(__always)
    mutating func peek() throws -> UInt8? {
        if input.available == 0 {
            guard try input.fill() else { return nil }
        }
        return input.base.load(fromByteOffset: input.start, as: UInt8.self)
    }

    /// Consumes `byte`, which `peek()` just returned.
    @inline(__always)
    mutating func advance(over byte: UInt8) {
        input.start += 1
        if byte == 0x0A {
            position.line += 1
            position.column = 1
        } else if byte & 0xC0 != 0x80 {
            position.column += 1
        }
    }

    /// Skips JSON whitespace: space, tab, line feed, carriage return.
    mutating func skipWhitespace() throws {
        while let b = try peek(), b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D {
            advance(over: b)
        }
    }

    /// Skips spaces, tabs and carriage returns, stopping at a line feed.
    mutating func skipSpacesOnLine() throws {
        while let b = try peek(), b == 0x20 || b == 0x09 || b == 0x0D {
            advance(over: b)
        }
    }

    func error(at position: JSONPosition, found: String, expected: String) -> ParseError {
        ParseError(file: fileName, line: position.line, column: position.column, found: found, expected: expected)
    }

    /// An error at the next byte, describing it as what was found.
    mutating func errorHere(expected: String) throws -> ParseError {
        let here = position
        guard let b = try peek() else {
            return error(at: here, found: ErrorText.endOfInput, expected: expected)
        }
        if b >= 0x61 && b <= 0x7A {
            return error(at: here, found: "'\(try readWord())'", expected: expected)
        }
        return error(at: here, found: Self.describeValueStart(b), expected: expected)
    }

    static func describeValueStart(_ byte: UInt8) -> String {
        switch byte {
        case 0x7B: "an object"
        case 0x5B: "an array"
        default: ErrorText.describe(byte)
        }
    }

    /// Consumes `byte` or throws, naming `expected`.
    mutating func expect(_ byte: UInt8, _ expected: String) throws {
        guard try peek() == byte else { throw try errorHere(expected: expected) }
        advance(over: byte)
    }

    // MARK: Containers

    /// Consumes `{` and following whitespace; returns `false` if the object is empty (`}` consumed).
    mutating func beginObject(expected: String = "'{'") throws -> Bool {
        try expect(0x7B, expected)
        try skipWhitespace()
        if try peek() == 0x7D {
            lastClose = position
            advance(over: 0x7D)
            return false
        }
        return true
    }

    /// Reads a member's key and the `:` after it, leaving the scanner at the value. Returns the key and where it starts.
    mutating func readKey() throws -> (key: String, at: JSONPosition) {
        try skipWhitespace()
        let at = position
        guard try peek() == 0x22 else { throw try errorHere(expected: "a string key") }
        let key = try readString()
        try skipWhitespace()
        try expect(0x3A, "':' after the key")
        try skipWhitespace()
        return (key, at)
    }

    /// After a member's value: consumes `,` (returns `true`: another member follows) or `}` (returns `false`).
    mutating func nextMember() throws -> Bool {
        try skipWhitespace()
        switch try peek() {
        case 0x2C:
            advance(over: 0x2C)
            return true
        case 0x7D:
            lastClose = position
            advance(over: 0x7D)
            return false
        default:
            throw try errorHere(expected: "',' or '}'")
        }
    }

    /// Consumes `[` and following whitespace; returns `false` if the array is empty (`]` consumed).
    mutating func beginArray(expected: String = "'['") throws -> Bool {
        try expect(0x5B, expected)
        try skipWhitespace()
        if try peek() == 0x5D {
            lastClose = position
            advance(over: 0x5D)
            return false
        }
        return true
    }

    /// After an element: consumes `,` and whitespace (returns `true`) or `]` (returns `false`).
    mutating func nextElement(expected: String = "',' or ']'") throws -> Bool {
        try skipWhitespace()
        switch try peek() {
        case 0x2C:
            advance(over: 0x2C)
            try skipWhitespace()
            return true
        case 0x5D:
            lastClose = position
            advance(over: 0x5D)
            return false
        default:
            throw try errorHere(expected: expected)
        }
    }

    // MARK: Scalars

    /// Reads a string at the next byte (which must be `"`), decoding escapes.
    mutating func readString() throws -> String {
        try scanString(keep: true)
        return scratch.withUnsafeBytes { interner.string($0) }
    }

    /// Scans a string; with `keep`, its decoded UTF-8 is left in `scratch`.
    private mutating func scanString(keep: Bool) throws {
        let open = position
        try expect(0x22, "'\"'")
        scratch.removeAll(keepingCapacity: true)
        var utf8 = UTF8StreamCheck()
        var sequenceStart = position
        while true {
            if input.available == 0 {
                guard try input.fill() else {
                    throw error(at: open, found: "a string that is never closed", expected: "a closing '\"'")
                }
            }
            if !utf8.isInsideSequence {
                // Fast path: a run of plain ASCII.
                let base = UnsafeRawPointer(input.base)
                let runStart = input.start
                let end = input.end
                var i = runStart
                while i < end {
                    let b = base.load(fromByteOffset: i, as: UInt8.self)
                    if b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 { break }
                    i += 1
                }
                if i > runStart {
                    if keep {
                        scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
                        if scratch.count > maxStringBytes {
                            throw error(
                                at: open, found: "a string longer than \(maxStringBytes) bytes", expected: "a shorter string")
                        }
                    }
                    position.column += i - runStart
                    input.start = i
                }
                if i == end { continue }
            }
            let b = input.base.load(fromByteOffset: input.start, as: UInt8.self)
            if b >= 0x80 || utf8.isInsideSequence {
                if !utf8.isInsideSequence { sequenceStart = position }
                guard utf8.accept(b) else {
                    throw error(at: sequenceStart, found: ErrorText.invalidUTF8(b), expected: "valid UTF-8")
                }
                if keep { scratch.append(b) }
                advance(over: b)
                continue
            }
            switch b {
            case 0x22:
                advance(over: b)
                return
            case 0x5C:
                try scanEscape(keep: keep)
            default:
                throw error(
                    at: position, found: ErrorText.describe(b),
                    expected: b == 0x0A ? "a closing '\"' before the end of the line" : "an escaped control character")
            }
        }
    }

    private mutating func scanEscape(keep: Bool) throws {
        let start = position
        advance(over: 0x5C)
        guard let e = try peek() else {
            throw error(at: position, found: ErrorText.endOfInput, expected: "an escape character")
        }
        let simple: UInt8?
        switch e {
        case 0x22, 0x5C, 0x2F: simple = e
        case 0x62: simple = 0x08
        case 0x66: simple = 0x0C
        case 0x6E: simple = 0x0A
        case 0x72: simple = 0x0D
        case 0x74: simple = 0x09
        case 0x75: simple = nil
        default:
            throw error(
                at: start, found: "'\\" + String(decoding: [e], as: UTF8.self) + "'",
                expected: "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX")
        }
        advance(over: e)
        if let simple {
            if keep { scratch.append(simple) }
            return
        }
        var value = try readHex4()
        if value == 0 && keep {
            throw error(at: start, found: "an escaped NUL byte '\\u0000'", expected: ErrorText.noNUL)
        }
        if value >= 0xDC00 && value <= 0xDFFF {
            throw error(
                at: start, found: "a lone low surrogate \\u\(hex4(value))", expected: "a high surrogate before it")
        }
        if value >= 0xD800 && value <= 0xDBFF {
            let unpaired = error(
                at: start, found: "an unpaired high surrogate \\u\(hex4(value))",
                expected: "a low surrogate \\uDC00-\\uDFFF after it")
            guard try peek() == 0x5C else { throw unpaired }
            advance(over: 0x5C)
            guard try peek() == 0x75 else { throw unpaired }
            advance(over: 0x75)
            let low = try readHex4()
            guard low >= 0xDC00 && low <= 0xDFFF else { throw unpaired }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        }
        if keep, let scalar = Unicode.Scalar(value) {
            scratch.append(contentsOf: UTF8.encode(scalar).map { Array($0) } ?? [])
        }
    }

    private func hex4(_ value: UInt32) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    private mutating func readHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0 ..< 4 {
            guard let b = try peek() else {
                throw error(at: position, found: ErrorText.endOfInput, expected: "a hex digit")
            }
            let digit: UInt32
            switch b {
            case 0x30 ... 0x39: digit = UInt32(b - 0x30)
            case 0x41 ... 0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61 ... 0x66: digit = UInt32(b - 0x61 + 10)
            default: throw error(at: position, found: ErrorText.describe(b), expected: "a hex digit")
            }
            value = value << 4 | digit
            advance(over: b)
        }
        return value
    }

    /// Reads a number at the next byte; returns its text exactly as written and whether it is an integer.
    mutating func readNumber() throws -> (lexical: String, isInteger: Bool) {
        let isInteger = try scanNumber()
        return (String(decoding: scratch, as: UTF8.self), isInteger)
    }

    private mutating func scanNumber() throws -> Bool {
        scratch.removeAll(keepingCapacity: true)
        var isInteger = true
        if try peek() == 0x2D { take(0x2D) }
        guard let first = try peek(), first >= 0x30 && first <= 0x39 else { throw try errorHere(expected: "a digit") }
        take(first)
        if first != 0x30 { try takeDigits() }
        if try peek() == 0x2E {
            isInteger = false
            take(0x2E)
            guard let d = try peek(), d >= 0x30 && d <= 0x39 else { throw try errorHere(expected: "a digit after '.'") }
            try takeDigits()
        }
        if let e = try peek(), e == 0x65 || e == 0x45 {
            isInteger = false
            take(e)
            if let sign = try peek(), sign == 0x2B || sign == 0x2D { take(sign) }
            guard let d = try peek(), d >= 0x30 && d <= 0x39 else { throw try errorHere(expected: "a digit in the exponent") }
            try takeDigits()
        }
        return isInteger
    }

    private mutating func take(_ byte: UInt8) {
        scratch.append(byte)
        advance(over: byte)
    }

    private mutating func takeDigits() throws {
        while let d = try peek(), d >= 0x30 && d <= 0x39 {
            take(d)
            if scratch.count > maxStringBytes {
                throw error(at: position, found: "a number longer than \(maxStringBytes) bytes", expected: "a shorter number")
            }
        }
    }

    /// Reads a run of ASCII letters (at most 32), e.g. `true` or a misspelling of it.
    mutating func readWord() throws -> String {
        var word: [UInt8] = []
        while word.count < 32, let b = try peek(), (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) {
            word.append(b)
            advance(over: b)
        }
        return String(decoding: word, as: UTF8.self)
    }

    // MARK: Skipping

    /// Skips one complete value of any kind, checking its syntax, without building it.
    mutating func skipValue() throws {
        var open: [UInt8] = []  // the closing bracket each open container needs
        valueLoop: while true {
            try skipWhitespace()
            let here = position
            guard let b = try peek() else {
                throw error(at: here, found: ErrorText.endOfInput, expected: "a JSON value")
            }
            switch b {
            case 0x7B:
                if try beginObject() {
                    open.append(0x7D)
                    guard open.count <= maxDepth else {
                        throw error(at: here, found: "nesting deeper than \(maxDepth)", expected: "a flatter value")
                    }
                    try skipKeyAndColon()
                    continue valueLoop
                }
            case 0x5B:
                if try beginArray() {
                    open.append(0x5D)
                    guard open.count <= maxDepth else {
                        throw error(at: here, found: "nesting deeper than \(maxDepth)", expected: "a flatter value")
                    }
                    continue valueLoop
                }
            case 0x22:
                try scanString(keep: false)
            case 0x2D, 0x30 ... 0x39:
                _ = try scanNumber()
            case 0x61 ... 0x7A:
                let word = try readWord()
                guard word == "true" || word == "false" || word == "null" else {
                    throw error(at: here, found: "'\(word)'", expected: "a JSON value")
                }
            default:
                throw error(at: here, found: ErrorText.describe(b), expected: "a JSON value")
            }
            // A value ended: close every container that ends here, or move on to the next element.
            while let close = open.last {
                if close == 0x7D {
                    if try nextMember() {
                        try skipKeyAndColon()
                        continue valueLoop
                    }
                } else if try nextElement() {
                    continue valueLoop
                }
                open.removeLast()
            }
            return
        }
    }

    private mutating func skipKeyAndColon() throws {
        try skipWhitespace()
        guard try peek() == 0x22 else { throw try errorHere(expected: "a string key") }
        try scanString(keep: false)
        try skipWhitespace()
        try expect(0x3A, "':' after the key")
    }
}
