#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import QuiverCore

/// Reads `head<TAB>relation<TAB>tail` lines (PyKEEN, FB15k-237, WN18RR, Nations, Kinships), each
/// field a plain name (`Term.name`).
///
/// Lines end in LF or CRLF; the last line needs no terminator; blank lines and a leading UTF-8 byte
/// order mark are skipped. Every other line must have exactly three non-empty, tab-separated fields
/// of valid UTF-8, or the reader throws a `ParseError` with the line and column.
///
/// The reader works on 1 MiB chunks of raw bytes and builds strings only for finished fields, so it
/// is the fast path for large benchmark loads.
///
/// ```swift
/// var reader = try TSVReader(path: "train.txt")
/// var batch: [Triple] = []
/// while try reader.readBatch(into: &batch, maxCount: 10_000) {
///     store(batch)
///     batch.removeAll(keepingCapacity: true)
/// }
/// ```
public struct TSVReader<Source: ByteSource>: TripleReader {
    /// The file name used in errors (`-` for standard input).
    /// The file name used in errors (`-` for standard input).
    public var fileName: String { scanner.fileName }
    private var scanner: TSVLineScanner
    private var failure: ParseError?

    /// - Parameters:
    ///   - source: the bytes to parse.
    ///   - fileName: the name shown in errors.
    ///   - chunkSize: how many bytes to ask the source for at a time.
    ///   - maxLineBytes: lines longer than this are an error rather than unbounded buffering.
    public init(source: Source, fileName: String = "-", chunkSize: Int = 1 << 20, maxLineBytes: Int = 64 << 20) {
        scanner = TSVLineScanner(source: source, fileName: fileName, chunkSize: chunkSize, maxLineBytes: maxLineBytes)
    }

    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        if let failure { throw failure }
        do {
            return try scanner.readTriples(into: &batch, maxCount: maxCount) > 0
        } catch let error as ParseError {
            failure = error
            throw error
        }
    }

    /// Reads up to `maxCount` triples without building strings: `body` gets the UTF-8 bytes of
    /// head, relation and tail (already checked: non-empty, well-formed UTF-8, no tab or newline).
    ///
    /// The buffers are valid only during the call to `body`. Returns how many triples were passed
    /// to `body`; 0 means the input is exhausted. Errors are the same as `readBatch`'s.
    ///
    /// ```swift
    /// var ids: [(TermID, TermID, TermID)] = []
    /// while try reader.readRawBatch(maxCount: 65_536, { s, p, o in ids.append((hash(s), hash(p), hash(o))) }) > 0 {}
    /// ```
    public mutating func readRawBatch(
        maxCount: Int,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        if let failure { throw failure }
        do {
            return try scanner.scan(maxCount: maxCount, body)
        } catch let error as ParseError {
            failure = error
            throw error
        }
    }
}

/// The TSV line splitter behind `TSVReader`, free of the source type so it is compiled (and
/// optimised) once inside this module rather than left generic for callers.
struct TSVLineScanner {
    let fileName: String
    private var input: ChunkedByteInput
    private let maxLineBytes: Int
    /// Lines consumed so far; the current line's number once it is consumed.
    private var lineNumber = 0
    private var skippedByteOrderMark = false
    private var interner = NameInterner()

    init(source: some ByteSource, fileName: String, chunkSize: Int, maxLineBytes: Int) {
        self.fileName = fileName
        self.input = ChunkedByteInput(source, chunkSize: chunkSize)
        self.maxLineBytes = maxLineBytes
    }

    /// Appends up to `maxCount` triples of names; returns how many.
    mutating func readTriples(into batch: inout [Triple], maxCount: Int) throws -> Int {
        var interner = self.interner
        defer { self.interner = interner }
        return try scan(maxCount: maxCount) { head, relation, tail in
            batch.append(
                Triple(.name(interner.string(head)), .name(interner.string(relation)), .name(interner.string(tail))))
        }
    }

    @inline(__always)
    mutating func scan(
        maxCount: Int,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        if !skippedByteOrderMark {
            try input.skipByteOrderMark()
            skippedByteOrderMark = true
        }
        var count = 0
        while count < maxCount {
            let base = UnsafeRawPointer(input.base)
            let lineStart = input.start
            let end = input.end
            let lineEnd: Int
            let next: Int
            if lineStart < end, let newline = memchr(base + lineStart, 0x0A, end - lineStart) {
                lineEnd = UnsafeRawPointer(newline) - base
                next = lineEnd + 1
            } else if input.atEOF {
                if lineStart == end { break }
                lineEnd = end
                next = end
            } else {
                if end - lineStart > maxLineBytes {
                    throw ParseError(
                        file: fileName, line: lineNumber + 1, column: 1, found: "a line longer than \(maxLineBytes) bytes",
                        expected: "a shorter line")
                }
                _ = try input.fill()
                continue
            }
            lineNumber += 1
            input.start = next
            var contentEnd = lineEnd
            if contentEnd > lineStart && base.load(fromByteOffset: contentEnd - 1, as: UInt8.self) == 0x0D {
                contentEnd -= 1
            }
            if contentEnd == lineStart { continue }

            let line = base + lineStart
            let length = contentEnd - lineStart
            if !UTF8Rules.isASCII(line, count: length), let bad = UTF8Rules.firstInvalid(line, count: length) {
                throw error(line: line, at: bad.offset, found: ErrorText.invalidUTF8(bad.byte), expected: "valid UTF-8")
            }
            // Tabs and line ends are structure here; NUL is the one byte of `Term.problem` a field can hold.
            if let nul = memchr(line, 0, length) {
                throw error(line: line, at: UnsafeRawPointer(nul) - line, found: TermProblem.nul.found, expected: ErrorText.noNUL)
            }
            guard let tab1 = memchr(line, 0x09, length).map({ UnsafeRawPointer($0) - line }) else {
                throw fieldCountError(line: line, length: length, fields: 1, at: length)
            }
            guard let tab2 = memchr(line + tab1 + 1, 0x09, length - tab1 - 1).map({ UnsafeRawPointer($0) - line })
            else {
                throw fieldCountError(line: line, length: length, fields: 2, at: length)
            }
            if let tab3 = memchr(line + tab2 + 1, 0x09, length - tab2 - 1).map({ UnsafeRawPointer($0) - line }) {
                throw fieldCountError(line: line, length: length, fields: 0, at: tab3)
            }
            if tab1 == 0 {
                throw error(line: line, at: 0, found: "an empty field", expected: ErrorText.fieldName(0))
            }
            if tab2 == tab1 + 1 {
                throw error(line: line, at: tab2, found: "an empty field", expected: ErrorText.fieldName(1))
            }
            if length == tab2 + 1 {
                throw error(line: line, at: length, found: "an empty field", expected: ErrorText.fieldName(2))
            }
            try body(
                UnsafeRawBufferPointer(start: line, count: tab1),
                UnsafeRawBufferPointer(start: line + tab1 + 1, count: tab2 - tab1 - 1),
                UnsafeRawBufferPointer(start: line + tab2 + 1, count: length - tab2 - 1))
            count += 1
        }
        return count
    }

    /// An error at byte `offset` of the current line (column counted in Unicode scalars).
    private func error(line: UnsafeRawPointer, at offset: Int, found: String, expected: String) -> ParseError {
        ParseError(
            file: fileName, line: lineNumber, column: UTF8Rules.scalarCount(line, count: offset) + 1,
            found: found, expected: expected)
    }

    /// `fields == 0` means "count them": the line has more than three.
    private func fieldCountError(line: UnsafeRawPointer, length: Int, fields: Int, at offset: Int) -> ParseError {
        var count = fields
        if count == 0 {
            count = 1
            for i in 0 ..< length where line.load(fromByteOffset: i, as: UInt8.self) == 0x09 { count += 1 }
        }
        return error(
            line: line, at: offset, found: count == 1 ? "1 field" : "\(count) fields", expected: "3 tab-separated fields")
    }
}

extension TSVReader where Source == AnyByteSource {
    /// Opens `path` with `openInput(path:)` (`-` is standard input; gzip is detected by content).
    public init(path: String) throws {
        self.init(source: AnyByteSource(try openInput(path: path)), fileName: path)
    }
}
