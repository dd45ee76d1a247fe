import QuiverCore

/// Reads RFC 4180 CSV with three columns — head, relation, tail — each a plain name (`Term.name`).
///
/// Fields are separated by commas; a field may be double-quoted, and then holds commas, line breaks
/// and `""` for a quote. Records end in LF or CRLF (the last one needs no terminator); blank lines
/// and a leading UTF-8 byte order mark are skipped. The first record is skipped as a header only if
/// it is, ignoring case, `head,relation,tail`, `subject,predicate,object`, `s,p,o` or `h,r,t`.
///
/// Errors (`ParseError` with line and column): a record with other than 3 fields, an empty field,
/// a quote that is never closed (reported where it opened), text after a closing quote, a quote
/// inside an unquoted field, a carriage return not followed by a line feed, invalid UTF-8.
///
/// ```swift
/// var reader = CSVReader(source: MemoryByteSource("h,r,t\nparis,capital_of,france\n"), fileName: "facts.csv")
/// var batch: [Triple] = []
/// _ = try reader.readBatch(into: &batch, maxCount: 100)   // [paris capital_of france]
/// ```
public struct CSVReader<Source: ByteSource>: TripleReader {
    /// The file name used in errors (`-` for standard input).
    public var fileName: String { scanner.fileName }
    private var scanner: CSVRecordScanner
    private var failure: ParseError?

    /// - Parameters:
    ///   - source: the bytes to parse.
    ///   - fileName: the name shown in errors.
    ///   - chunkSize: how many bytes to ask the source for at a time.
    ///   - maxFieldBytes: fields longer than this are an error rather than unbounded buffering.
    public init(source: Source, fileName: String = "-", chunkSize: Int = 1 << 20, maxFieldBytes: Int = 64 << 20) {
        scanner = CSVRecordScanner(
            source: source, fileName: fileName, chunkSize: chunkSize, maxFieldBytes: maxFieldBytes)
    }

    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        if let failure { throw failure }
        do {
            return try scanner.scan(into: &batch, maxCount: maxCount) > 0
        } catch let error as ParseError {
            failure = error
            throw error
        }
    }
}

/// The RFC 4180 state machine behind `CSVReader`, free of the source type so it is compiled once.
struct CSVRecordScanner {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, carriageReturn
    }

    private struct Position {
        var line: Int
        var column: Int
    }

    let fileName: String
    private var input: ChunkedByteInput
    private let maxFieldBytes: Int
    /// Position of the next byte.
    private var line = 1
    private var column = 1
    private var state = State.fieldStart
    private var fields: [[UInt8]] = [[], [], []]
    private var fieldStarts = [Position](repeating: Position(line: 1, column: 1), count: 3)
    private var fieldQuoted = [false, false, false]
    /// Fields of the current record already ended.
    private var fieldCount = 0
    private var quoteOpened = Position(line: 1, column: 1)
    private var carriageReturnAt = Position(line: 1, column: 1)
    private var utf8 = UTF8StreamCheck()
    private var utf8SequenceStart = Position(line: 1, column: 1)
    private var sawFirstRecord = false
    private var skippedByteOrderMark = false
    private var interner = NameInterner()

    init(source: some ByteSource, fileName: String, chunkSize: Int, maxFieldBytes: Int) {
        self.fileName = fileName
        self.input = ChunkedByteInput(source, chunkSize: chunkSize)
        self.maxFieldBytes = maxFieldBytes
    }

    mutating func scan(into batch: inout [Triple], maxCount: Int) throws -> Int {
        if !skippedByteOrderMark {
            try input.skipByteOrderMark()
            skippedByteOrderMark = true
        }
        var produced = 0
        while produced < maxCount {
            if input.available == 0 {
                if try !input.fill() {
                    if let triple = try finishInput() {
                        batch.append(triple)
                        produced += 1
                    }
                    break
                }
                continue
            }
            let base = UnsafeRawPointer(input.base)
            let end = input.end
            var i = input.start
            while i < end && produced < maxCount {
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                input.start = i
                if let triple = try consume(byte) {
                    batch.append(triple)
                    produced += 1
                }
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
        }
        return produced
    }

    /// Handles one byte at (`line`, `column`); returns a triple when it completes a record.
    @inline(__always)
    private mutating func consume(_ byte: UInt8) throws -> Triple? {
        switch state {
        case .fieldStart:
            fieldStarts[fieldCount] = Position(line: line, column: column)
            switch byte {
            case 0x22:
                fieldQuoted[fieldCount] = true
                quoteOpened = Position(line: line, column: column)
                state = .quoted
            case 0x2C:
                try endField(terminator: byte)
            case 0x0A:
                try endField(terminator: byte)
                return try endRecord(at: Position(line: line, column: column), found: ErrorText.endOfLine)
            case 0x0D:
                try endField(terminator: byte)
                carriageReturnAt = Position(line: line, column: column)
                state = .carriageReturn
            default:
                try append(byte)
                state = .unquoted
            }
        case .unquoted:
            switch byte {
            case 0x2C:
                try endField(terminator: byte)
            case 0x0A:
                try endField(terminator: byte)
                return try endRecord(at: Position(line: line, column: column), found: ErrorText.endOfLine)
            case 0x0D:
                try endField(terminator: byte)
                carriageReturnAt = Position(line: line, column: column)
                state = .carriageReturn
            case 0x22:
                throw error(
                    at: Position(line: line, column: column), found: "'\"'",
                    expected: "no quote inside an unquoted field (quote the whole field and double the quote)")
            default:
                try append(byte)
            }
        case .quoted:
            if byte == 0x22 {
                state = .quoteInQuoted
            } else {
                try append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case 0x22:
                try append(byte)
                state = .quoted
            case 0x2C:
                try endField(terminator: byte)
            case 0x0A:
                try endField(terminator: byte)
                return try endRecord(at: Position(line: line, column: column), found: ErrorText.endOfLine)
            case 0x0D:
                try endField(terminator: byte)
                carriageReturnAt = Position(line: line, column: column)
                state = .carriageReturn
            default:
                throw error(
                    at: Position(line: line, column: column), found: ErrorText.describe(byte),
                    expected: "',' or end of line after a closing quote")
            }
        case .carriageReturn:
            guard byte == 0x0A else {
                throw error(
                    at: Position(line: line, column: column), found: ErrorText.describe(byte),
                    expected: "a line feed after a carriage return")
            }
            return try endRecord(at: carriageReturnAt, found: ErrorText.endOfLine)
        }
        return nil
    }

    /// End of input: completes the last record if it has no line terminator.
    private mutating func finishInput() throws -> Triple? {
        let here = Position(line: line, column: column)
        switch state {
        case .fieldStart:
            if fieldCount == 0 { return nil }
            fieldStarts[fieldCount] = here
            try endField(terminator: nil)
            return try endRecord(at: here, found: ErrorText.endOfInput)
        case .unquoted, .quoteInQuoted:
            try endField(terminator: nil)
            return try endRecord(at: here, found: ErrorText.endOfInput)
        case .quoted:
            throw error(
                at: quoteOpened, found: "a quoted field that is never closed", expected: "a closing '\"'")
        case .carriageReturn:
            return try endRecord(at: carriageReturnAt, found: ErrorText.endOfLine)
        }
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) throws {
        if byte == 0 {
            throw error(at: Position(line: line, column: column), found: TermProblem.nul.found, expected: ErrorText.noNUL)
        }
        if !utf8.isInsideSequence {
            utf8SequenceStart = Position(line: line, column: column)
        }
        guard utf8.accept(byte) else {
            throw error(at: utf8SequenceStart, found: ErrorText.invalidUTF8(byte), expected: "valid UTF-8")
        }
        fields[fieldCount].append(byte)
        if fields[fieldCount].count > maxFieldBytes {
            throw error(
                at: fieldStarts[fieldCount], found: "a field longer than \(maxFieldBytes) bytes",
                expected: "a shorter field")
        }
    }

    private mutating func endField(terminator: UInt8?) throws {
        if utf8.isInsideSequence {
            throw error(at: utf8SequenceStart, found: ErrorText.invalidUTF8(terminator), expected: "valid UTF-8")
        }
        if terminator == 0x2C && fieldCount == 2 {
            throw error(
                at: Position(line: line, column: column), found: "more than 3 fields",
                expected: "3 comma-separated fields")
        }
        fieldCount += 1
        state = .fieldStart
    }

    private mutating func endRecord(at terminator: Position, found: String) throws -> Triple? {
        state = .fieldStart
        defer {
            fieldCount = 0
            for i in 0 ..< 3 {
                fields[i].removeAll(keepingCapacity: true)
                fieldQuoted[i] = false
            }
        }
        if fieldCount == 1 && fields[0].isEmpty && !fieldQuoted[0] {
            return nil  // a blank line
        }
        guard fieldCount == 3 else {
            throw error(
                at: terminator, found: fieldCount == 1 ? "1 field" : "\(fieldCount) fields",
                expected: "3 comma-separated fields")
        }
        for i in 0 ..< 3 where fields[i].isEmpty {
            throw error(at: fieldStarts[i], found: "an empty field", expected: ErrorText.fieldName(i))
        }
        if !sawFirstRecord {
            sawFirstRecord = true
            if isHeader() { return nil }
        }
        return Triple(.name(name(of: 0)), .name(name(of: 1)), .name(name(of: 2)))
    }

    private mutating func name(of field: Int) -> String {
        fields[field].withUnsafeBytes { interner.string($0) }
    }

    private static let headers: [[[UInt8]]] =
        [["head", "relation", "tail"], ["subject", "predicate", "object"], ["s", "p", "o"], ["h", "r", "t"]]
        .map { $0.map { Array($0.utf8) } }

    private func isHeader() -> Bool {
        let lowered = fields.map { field in field.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        return Self.headers.contains(lowered)
    }

    private func error(at position: Position, found: String, expected: String) -> ParseError {
        ParseError(file: fileName, line: position.line, column: position.column, found: found, expected: expected)
    }
}

extension CSVReader where Source == AnyByteSource {
    /// Opens `path` with `openInput(path:)` (`-` is standard input; gzip is detected by content).
    public init(path: String) throws {
        self.init(source: AnyByteSource(try openInput(path: path)), fileName: path)
    }
}
