#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import QuiverCore

/// A streaming N-Triples 1.1 parser (W3C RDF 1.1 N-Triples).
///
/// Reads its source in chunks of `chunkSize` bytes and keeps only the current chunk (grown only
/// for a single line longer than a chunk) and the caller's batch in memory. Parsing works on bytes;
/// strings are made once per term.
///
/// ```swift
/// var reader = NTriplesReader(source: MemoryByteSource("<http://a> <http://b> \"c\" .\n"), fileName: "x.nt")
/// var batch: [Triple] = []
/// while try reader.readBatch(into: &batch, maxCount: 10_000) { /* use batch */ batch.removeAll(keepingCapacity: true) }
/// ```
///
/// Lines end at LF, CR or CR LF. Invalid UTF-8 anywhere (comments included) is a `ParseError`
/// pointing at the offending byte; that check runs per LF-terminated stretch before it is parsed,
/// so a CR-only line break does not separate it from the lines around it. A leading byte order mark
/// is skipped. All IRIs must be absolute (have a scheme); UCHAR escapes are decoded, and one in an
/// IRI may not stand for a character IRIs forbid (a space, a control character, `<>"{}|^` backquote,
/// backslash). Blank node labels follow Turtle's rule: no ':' in them.
public struct NTriplesReader<Source: ByteSource>: TripleReader {
    /// The number of bytes requested from the source per read.
    public static var chunkSize: Int { NTriplesStream.chunkSize }

    private var stream: NTriplesStream

    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - fileName: the name used in `ParseError`s.
    public init(source: Source, fileName: String) {
        stream = NTriplesStream(source: source, fileName: fileName)
    }

    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        try stream.readBatch(into: &batch, maxCount: maxCount, graphs: .notAllowed) { triple, _ in triple }
    }
}

/// The line-at-a-time machinery that N-Triples and N-Quads share: the chunked buffer, the UTF-8 and
/// NUL checks per stretch, line counting, and turning a syntax issue into a `ParseError`. Not generic
/// over the source, so that its code runs unspecialised without generic-metadata look-ups per call;
/// the source is only touched once per chunk.
struct NTriplesStream {
    static var chunkSize: Int { 256 * 1024 }

    private var source: any ByteSource
    private let fileName: String
    private var buffer: [UInt8]
    /// Next unparsed byte.
    private var pos = 0
    /// End of the bytes read so far.
    private var end = 0
    private var atEOF = false
    /// Index of the LF that ends the stretch being parsed (or `end` at end of input); `-1` for none.
    private var lineLimit = -1
    /// 1-based number and buffer offset of the line that starts at or before `pos`.
    private var line = 1
    private var lineStart = 0
    private var parser = NTriplesLineParser()
    private var finished = false
    private var checkedByteOrderMark = false

    init(source: any ByteSource, fileName: String) {
        self.source = source
        self.fileName = fileName
        self.buffer = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    /// Appends up to `maxCount` statements, each made by `make` from the triple and its graph label
    /// (always `nil` unless `graphs` is `.allowed`).
    @inline(__always)
    mutating func readBatch<Element>(
        into batch: inout [Element], maxCount: Int, graphs: NTriplesLineParser.GraphLabels,
        _ make: (Triple, Term?) -> Element
    ) throws -> Bool {
        guard !finished else { return false }
        var appended = 0
        do {
            while appended < maxCount {
                guard try ensureLine() else {
                    finished = true
                    break
                }
                let (start, limit, eof) = (pos, lineLimit, atEOF && lineLimit == end)
                let step = try buffer.withUnsafeBufferPointer { buf throws(NTriplesSyntaxIssue) in
                    // `buffer` is never empty, so the base address exists.
                    try parser.parseLine(buf.baseAddress.unsafelyUnwrapped, from: start, limit: limit, bufferEnd: end,
                                         atEOF: eof, graphs: graphs)
                }
                if let triple = step.triple {
                    batch.append(make(triple, step.graph))
                    appended += 1
                }
                pos = step.next
                if step.lineBreak {
                    line += 1
                    lineStart = pos
                }
            }
        } catch let issue as NTriplesSyntaxIssue {
            finished = true
            throw parseError(issue)
        } catch {
            finished = true
            throw error
        }
        return appended > 0
    }

    /// Makes `buffer[pos..<lineLimit]` hold a whole LF-terminated stretch (or the rest of the input)
    /// and checks its UTF-8. Returns `false` at end of input.
    private mutating func ensureLine() throws -> Bool {
        if lineLimit >= pos, pos < end || lineLimit < end { return true }
        if pos >= end && atEOF { return false }
        var searchFrom = pos
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { buf in
                guard searchFrom < end, let base = buf.baseAddress else { return nil }
                guard let hit = memchr(base + searchFrom, 0x0A, end - searchFrom) else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            if let found {
                lineLimit = found
                break
            }
            if atEOF {
                guard pos < end else { return false }
                lineLimit = end
                break
            }
            searchFrom = end - pos
            try refill()
        }
        if !checkedByteOrderMark {
            checkedByteOrderMark = true
            if lineLimit - pos >= 3, buffer[pos] == 0xEF, buffer[pos + 1] == 0xBB, buffer[pos + 2] == 0xBF {
                pos += 3
                lineStart = pos
            }
        }
        let (from, to) = (pos, lineLimit)
        let invalid = buffer.withUnsafeBufferPointer { buf in
            RDFCharacters.firstInvalidUTF8(buf.baseAddress.unsafelyUnwrapped, from: from, end: to)
        }
        if let invalid {
            throw NTriplesSyntaxIssue(offset: invalid, expected: "valid UTF-8")
        }
        let nul: Int? = buffer.withUnsafeBufferPointer { buf in
            guard from < to, let base = buf.baseAddress, let hit = memchr(base + from, 0, to - from) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        if let nul {
            throw NTriplesSyntaxIssue(offset: nul, expected: ErrorText.noNUL, found: TermProblem.nul.found)
        }
        return true
    }

    /// Moves the unparsed bytes to the front, grows the buffer when a line fills it, and reads more.
    private mutating func refill() throws {
        if pos > 0 {
            let count = end - pos
            let from = pos
            buffer.withUnsafeMutableBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                (base).update(from: base + from, count: count)
            }
            lineStart -= pos
            lineLimit = -1
            end = count
            pos = 0
        }
        if end == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let (from, capacity) = (end, min(buffer.count - end, Self.chunkSize))
        let n = try buffer.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[from..<(from + capacity)]))
        }
        if n == 0 { atEOF = true } else { end += n }
    }

    private func parseError(_ issue: NTriplesSyntaxIssue) -> ParseError {
        buffer.withUnsafeBufferPointer { buf in
            let p = buf.baseAddress.unsafelyUnwrapped
            // Count lines and scalars from the start of the current line; CR-only breaks count too.
            var lineNo = line
            var column = 1
            var i = lineStart
            while i < issue.offset && i < end {
                let b = p[i]
                if b == 0x0A || (b == 0x0D && !(i + 1 < end && p[i + 1] == 0x0A)) {
                    lineNo += 1
                    column = 1
                } else if b & 0xC0 != 0x80 {
                    column += 1
                }
                i += 1
            }
            let found = issue.found
                ?? RDFCharacters.excerpt(p, from: issue.offset, end: min(end, issue.offset + 256),
                                         atEOF: atEOF && issue.offset >= end)
            return ParseError(file: fileName, line: lineNo, column: column, found: found, expected: issue.expected)
        }
    }
}

/// A syntax problem at a buffer offset; the reader turns it into a `ParseError` with line and column.
struct NTriplesSyntaxIssue: Error {
    var offset: Int
    var expected: String
    var found: String? = nil
}

/// The bytes and `String` of the last term seen in one position.
struct RecentBytes {
    private var bytes: [UInt8] = []
    private var cached = ""

    @inline(__always)
    mutating func string(_ start: UnsafePointer<UInt8>, _ count: Int) -> String {
        if count == bytes.count,
           count == 0 || bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress.unsafelyUnwrapped, start, count) == 0 }) {
            return cached
        }
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
        cached = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
        return cached
    }
}

/// What parsing one line gave: maybe a triple and its graph label, where the next line starts,
/// whether a break was eaten.
struct NTriplesLineStep {
    var triple: Triple?
    var graph: Term? = nil
    var next: Int
    var lineBreak: Bool
}

/// The N-Triples grammar over a byte range that holds at least one whole line, and N-Quads', which
/// only adds an optional graph label before the final '.'.
struct NTriplesLineParser {
    /// What a fourth term on a line may be.
    enum GraphLabels {
        /// N-Triples: there is none.
        case notAllowed
        /// N-Quads: an IRI or a blank node naming the statement's graph.
        case allowed
        /// N-Quads read as triples: a graph label is an error at its position, so a file's named
        /// graphs are never silently dropped or merged into the default graph.
        case defaultGraphOnly
    }

    /// Reused for terms that contain escapes.
    private var scratch: [UInt8] = []

    /// Terms that repeat from one line to the next (subjects, predicates, datatypes, language tags)
    /// reuse the previous line's `String` instead of allocating a new one.
    enum RecentString: Int {
        case subject, predicate, datatype, language, graph
    }
    private var recent = [RecentBytes](repeating: RecentBytes(), count: 5)

    // Bit sets of the ASCII bytes that end the fast path of an IRIREF: forbidden ones, `>` and `\`.
    // Bytes 0x00-0x20, 0x22 ", 0x3C <, 0x3E >.
    @inline(__always) private static var iriStopLow: UInt64 { 0x1_FFFF_FFFF | (1 << 0x22) | (1 << 0x3C) | (1 << 0x3E) }
    // Bytes 0x5C \, 0x5E ^, 0x60 `, 0x7B {, 0x7C |, 0x7D }.
    @inline(__always) private static var iriStopHigh: UInt64 {
        (1 << (0x5C - 64)) | (1 << (0x5E - 64)) | (1 << (0x60 - 64)) | (1 << (0x7B - 64)) | (1 << (0x7C - 64)) | (1 << (0x7D - 64))
    }

    typealias Issue = NTriplesSyntaxIssue

    /// Parses the line starting at `from`; `limit` is the LF that ends the stretch or the end of input.
    mutating func parseLine(_ p: UnsafePointer<UInt8>, from: Int, limit: Int, bufferEnd: Int, atEOF: Bool,
                            graphs: GraphLabels = .notAllowed) throws(Issue) -> NTriplesLineStep {
        var i = skipSpace(p, from, limit)
        if i == limit || p[i] == 0x0D || p[i] == 0x23 {
            i = skipComment(p, i, limit)
            return endOfLine(p, i, limit, bufferEnd)
        }
        let subject: Term
        switch p[i] {
        case 0x3C: subject = try iri(p, &i, limit, cache: .subject)
        case 0x5F: subject = try blank(p, &i, limit)
        default: throw Issue(offset: i, expected: "subject (IRI or blank node)")
        }
        i = skipSpace(p, i, limit)
        guard i < limit, p[i] == 0x3C else {
            throw Issue(offset: i, expected: "predicate IRI", found: i == limit ? eolText(atEOF) : nil)
        }
        let predicate = try iri(p, &i, limit, cache: .predicate)
        i = skipSpace(p, i, limit)
        let object: Term
        switch i < limit ? p[i] : 0 {
        case 0x3C: object = try iri(p, &i, limit)
        case 0x5F: object = try blank(p, &i, limit)
        case 0x22: object = try literal(p, &i, limit)
        default:
            throw Issue(offset: i, expected: "object (IRI, blank node or literal)", found: i == limit ? eolText(atEOF) : nil)
        }
        i = skipSpace(p, i, limit)
        var graph: Term?
        if graphs != .notAllowed, i < limit, p[i] == 0x3C || p[i] == 0x5F {
            if graphs == .defaultGraphOnly { throw Issue(offset: i, expected: ErrorText.defaultGraphOnly) }
            graph = p[i] == 0x3C ? try iri(p, &i, limit, cache: .graph) : try blank(p, &i, limit)
            i = skipSpace(p, i, limit)
        }
        guard i < limit, p[i] == 0x2E else {
            let expected = switch graphs {
            case .notAllowed: "'.' to end the triple"
            case _ where graph != nil: "'.' to end the quad"
            default: "graph label (IRI or blank node) or '.' to end the statement"
            }
            throw Issue(offset: i, expected: expected, found: i == limit ? eolText(atEOF) : nil)
        }
        i = skipSpace(p, i + 1, limit)
        if i < limit && p[i] == 0x23 { i = skipComment(p, i, limit) }
        guard i == limit || p[i] == 0x0D else {
            throw Issue(offset: i, expected: "end of line after '.'")
        }
        var step = endOfLine(p, i, limit, bufferEnd)
        step.triple = Triple(subject, predicate, object)
        step.graph = graph
        return step
    }

    private func eolText(_ atEOF: Bool) -> String { atEOF ? "end of input" : "end of line" }

    @inline(__always)
    private func skipSpace(_ p: UnsafePointer<UInt8>, _ from: Int, _ limit: Int) -> Int {
        var i = from
        while i < limit && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        return i
    }

    private func skipComment(_ p: UnsafePointer<UInt8>, _ from: Int, _ limit: Int) -> Int {
        var i = from
        if i < limit && p[i] == 0x23 {
            while i < limit && p[i] != 0x0D { i += 1 }
        }
        return i
    }

    /// Eats the line break at `i` (CR, LF, or CR LF).
    private func endOfLine(_ p: UnsafePointer<UInt8>, _ i: Int, _ limit: Int, _ bufferEnd: Int) -> NTriplesLineStep {
        if i == limit {
            return limit < bufferEnd ? NTriplesLineStep(next: limit + 1, lineBreak: true) : NTriplesLineStep(next: limit, lineBreak: false)
        }
        // p[i] is CR.
        var next = i + 1
        if next == limit && limit < bufferEnd { next += 1 }
        return NTriplesLineStep(next: next, lineBreak: true)
    }

    @inline(__always)
    private func makeString(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    }

    /// IRIREF at `p[i] == "<"`; leaves `i` after `>`.
    mutating func iri(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ limit: Int, cache: RecentString? = nil) throws(Issue) -> Term {
        let open = i
        var j = i + 1
        let start = j
        while j < limit {
            let b = p[j]
            let stop: Bool
            if b < 64 { stop = (Self.iriStopLow >> UInt64(b)) & 1 != 0 }
            else if b < 128 { stop = (Self.iriStopHigh >> UInt64(b - 64)) & 1 != 0 }
            else { stop = false }
            if stop { break }
            j += 1
        }
        if j < limit && p[j] == 0x3E {
            let text = UnsafeBufferPointer(start: p + start, count: j - start)
            guard RDFCharacters.hasScheme(text) else {
                throw Issue(offset: open, expected: "absolute IRI (N-Triples has no base IRI)")
            }
            i = j + 1
            if let cache { return .iri(recent[cache.rawValue].string(p + start, j - start)) }
            return .iri(makeString(p, start, j))
        }
        // Slow path: escapes, or an error.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: j - start))
        while true {
            guard j < limit else { throw Issue(offset: j, expected: "'>' to end the IRI") }
            let b = p[j]
            if b == 0x3E { break }
            if b == 0x5C {
                guard j + 1 < limit, p[j + 1] == 0x75 || p[j + 1] == 0x55 else {
                    throw Issue(offset: j, expected: "\\u or \\U escape in IRI")
                }
                let scalar = try uchar(p, j, limit)
                if RDFCharacters.isForbiddenInIRI(scalar) {
                    let length = p[j + 1] == 0x75 ? 6 : 10
                    throw Issue(offset: j, expected: ErrorText.escapeAllowedInIRI,
                                found: RDFCharacters.quoted(Array(UnsafeBufferPointer(start: p + j, count: length))))
                }
                RDFCharacters.appendUTF8(scalar, to: &scratch)
                j += p[j + 1] == 0x75 ? 6 : 10
                continue
            }
            if b < 128 && RDFCharacters.isForbiddenInIRI(UInt32(b)) {
                throw Issue(offset: j, expected: "IRI character or '>'")
            }
            scratch.append(b)
            j += 1
        }
        guard RDFCharacters.hasScheme(scratch) else {
            throw Issue(offset: open, expected: "absolute IRI (N-Triples has no base IRI)")
        }
        i = j + 1
        return .iri(String(decoding: scratch, as: UTF8.self))
    }

    /// The code point of a `\uXXXX` or `\UXXXXXXXX` escape whose backslash is at `j`.
    func uchar(_ p: UnsafePointer<UInt8>, _ j: Int, _ limit: Int) throws(Issue) -> UInt32 {
        let digits = p[j + 1] == 0x75 ? 4 : 8
        var value: UInt32 = 0
        for k in 0..<digits {
            guard j + 2 + k < limit, let h = hexDigitValue(p[j + 2 + k]) else {
                throw Issue(offset: j, expected: "\(digits) hexadecimal digits after \\\(digits == 4 ? "u" : "U")")
            }
            value = value << 4 | h
        }
        guard RDFCharacters.isValidScalar(value) else {
            throw Issue(offset: j, expected: "an escape of a Unicode scalar value (not a surrogate, at most U+10FFFF)")
        }
        if value == 0 { throw Issue(offset: j, expected: ErrorText.noNUL, found: "an escaped NUL byte") }
        return value
    }

    /// BLANK_NODE_LABEL at `p[i] == "_"`, with Turtle's PN_CHARS_U (no ':', see `RDFCharacters`):
    /// `_:a:b` is refused at its ':'.
    func blank(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ limit: Int) throws(Issue) -> Term {
        guard i + 1 < limit, p[i + 1] == 0x3A else { throw Issue(offset: i, expected: "'_:' to start a blank node label") }
        let start = i + 2
        var j = start
        var lastNonDot = start
        while j < limit {
            let b = p[j]
            let c: UInt32
            let n: Int
            if b < 0x80 {
                (c, n) = (UInt32(b), 1)
            } else if let decoded = RDFCharacters.decodeScalar(p, j, limit) {
                (c, n) = decoded
            } else {
                break
            }
            let ok: Bool
            if j == start {
                ok = RDFCharacters.isPNCharsU(c) || (c >= 0x30 && c <= 0x39)
            } else {
                ok = RDFCharacters.isPNChars(c) || c == 0x2E
            }
            if !ok {
                // Nothing in N-Triples may follow a label directly with ':', so this is the label's.
                if c == 0x3A { throw Issue(offset: j, expected: ErrorText.blankLabelWithoutColon) }
                break
            }
            j += n
            if c != 0x2E { lastNonDot = j }
        }
        guard lastNonDot > start else { throw Issue(offset: start, expected: "blank node label") }
        i = lastNonDot
        return .blank(makeString(p, start, lastNonDot))
    }

    /// STRING_LITERAL_QUOTE at `p[i] == "\""`, with its language tag or datatype.
    mutating func literal(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ limit: Int) throws(Issue) -> Term {
        let start = i + 1
        var j = start
        while j < limit {
            let b = p[j]
            if b == 0x22 || b == 0x5C || b == 0x0D { break }
            j += 1
        }
        let lexical: String
        if j < limit && p[j] == 0x22 {
            lexical = makeString(p, start, j)
        } else {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: j - start))
            while true {
                guard j < limit, p[j] != 0x0D else { throw Issue(offset: j, expected: "'\"' to end the string") }
                let b = p[j]
                if b == 0x22 { break }
                if b == 0x5C {
                    guard j + 1 < limit else { throw Issue(offset: j, expected: "escape sequence") }
                    let e = p[j + 1]
                    if e == 0x75 || e == 0x55 {
                        RDFCharacters.appendUTF8(try uchar(p, j, limit), to: &scratch)
                        j += e == 0x75 ? 6 : 10
                        continue
                    }
                    guard let c = Self.echar(e) else {
                        throw Issue(offset: j, expected: "escape sequence (\\t \\b \\n \\r \\f \\\" \\' \\\\ \\u \\U)")
                    }
                    scratch.append(c)
                    j += 2
                    continue
                }
                scratch.append(b)
                j += 1
            }
            lexical = String(decoding: scratch, as: UTF8.self)
        }
        j += 1
        if j < limit && p[j] == 0x40 {
            let tagStart = j + 1
            var k = tagStart
            while k < limit && RDFCharacters.isLetter(p[k]) { k += 1 }
            guard k > tagStart else { throw Issue(offset: j, expected: "language tag") }
            while k < limit && p[k] == 0x2D {
                let partStart = k + 1
                var m = partStart
                while m < limit && (RDFCharacters.isLetter(p[m]) || RDFCharacters.isDigit(p[m])) { m += 1 }
                guard m > partStart else { throw Issue(offset: partStart, expected: "letters or digits in the language tag") }
                k = m
            }
            i = k
            return .literal(lexical, datatype: nil, language: recent[RecentString.language.rawValue].string(p + tagStart, k - tagStart))
        }
        if j < limit && p[j] == 0x5E {
            guard j + 1 < limit, p[j + 1] == 0x5E else { throw Issue(offset: j, expected: "'^^' before the datatype IRI") }
            var k = j + 2
            guard k < limit, p[k] == 0x3C else { throw Issue(offset: k, expected: "datatype IRI") }
            guard case .iri(let datatype) = try iri(p, &k, limit, cache: .datatype) else { throw Issue(offset: j, expected: "datatype IRI") }
            i = k
            return .literal(lexical, datatype: RDFVocabulary.normalizedDatatype(datatype), language: nil)
        }
        i = j
        return .literal(lexical, datatype: nil, language: nil)
    }

    /// The character an ECHAR escape (`\t \b \n \r \f \" \' \\`) stands for.
    @inline(__always)
    static func echar(_ e: UInt8) -> UInt8? {
        switch e {
        case 0x74: 0x09
        case 0x62: 0x08
        case 0x6E: 0x0A
        case 0x72: 0x0D
        case 0x66: 0x0C
        case 0x22: 0x22
        case 0x27: 0x27
        case 0x5C: 0x5C
        default: nil
        }
    }
}
