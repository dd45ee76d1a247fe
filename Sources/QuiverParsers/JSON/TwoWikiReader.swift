import QuiverCore

/// Reads the evidence triples of 2WikiMultiHopQA: each record's
/// `"evidences": [[subject, relation, object], ...]`, every part a plain name (`Term.name`).
///
/// The file is either a JSON array of records (the dataset's `train.json`) or JSON Lines with one
/// record per line; the first non-space byte (`[` or `{`) decides. Records are streamed one at a
/// time, so memory is bounded by the largest record, not the file. Other keys (`question`,
/// `context`, ...) are skipped unread; records without `evidences` (or with `null`) give nothing.
///
/// Errors (`ParseError` with line and column): a record that is not an object, `evidences` that is
/// not an array, an evidence that is not an array of exactly three non-empty strings, and any JSON
/// syntax error.
///
/// ```swift
/// var reader = try TwoWikiReader(path: "2wiki/train.json")
/// ```
public struct TwoWikiReader<Source: ByteSource>: TripleReader {
    /// The file name used in errors (`-` for standard input).
    public var fileName: String { parser.fileName }
    private var parser: TwoWikiParser
    private var failure: ParseError?

    /// - Parameters:
    ///   - source: the bytes to parse.
    ///   - fileName: the name shown in errors.
    ///   - chunkSize: how many bytes to ask the source for at a time.
    public init(source: Source, fileName: String = "-", chunkSize: Int = 1 << 20) {
        parser = TwoWikiParser(scanner: JSONScanner(source: source, fileName: fileName, chunkSize: chunkSize))
    }

    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        if let failure { throw failure }
        do {
            return try parser.read(into: &batch, maxCount: maxCount) > 0
        } catch let error as ParseError {
            failure = error
            throw error
        }
    }
}

/// The record walker behind `TwoWikiReader`, free of the source type so it is compiled once.
struct TwoWikiParser {
    private enum Layout {
        case unknown
        /// Inside the top-level array; `expectRecord` after `[` or `,`.
        case array(expectRecord: Bool)
        case lines
        case finished
    }

    private var scanner: JSONScanner
    private var layout = Layout.unknown
    private var pending: [Triple] = []
    private var pendingIndex = 0

    init(scanner: JSONScanner) {
        self.scanner = scanner
    }

    var fileName: String { scanner.fileName }

    mutating func read(into batch: inout [Triple], maxCount: Int) throws -> Int {
        var produced = 0
        while produced < maxCount {
            if pendingIndex < pending.count {
                let n = min(maxCount - produced, pending.count - pendingIndex)
                batch.append(contentsOf: pending[pendingIndex ..< pendingIndex + n])
                pendingIndex += n
                produced += n
                continue
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            guard try readNextRecord() else { break }
        }
        return produced
    }

    /// Parses the next record's evidences into `pending`; `false` at the end of the input.
    private mutating func readNextRecord() throws -> Bool {
        switch layout {
        case .finished:
            return false
        case .unknown:
            try scanner.skipByteOrderMark()
            try scanner.skipWhitespace()
            switch try scanner.peek() {
            case nil:
                layout = .finished
                return false
            case 0x5B:
                if try scanner.beginArray() {
                    layout = .array(expectRecord: true)
                } else {
                    try finishTopLevel()
                    return false
                }
            case 0x7B:
                layout = .lines
            default:
                throw try scanner.errorHere(expected: "'[' (an array of records) or '{' (a record per line)")
            }
            return try readNextRecord()
        case .array(let expectRecord):
            if !expectRecord {
                if try !scanner.nextElement(expected: "',' or ']' after a record") {
                    try finishTopLevel()
                    return false
                }
            }
            layout = .array(expectRecord: false)
            try readRecord()
            return true
        case .lines:
            try scanner.skipWhitespace()
            guard try scanner.peek() != nil else {
                layout = .finished
                return false
            }
            try readRecord()
            return true
        }
    }

    /// After the top-level array: only whitespace may follow.
    private mutating func finishTopLevel() throws {
        layout = .finished
        try scanner.skipWhitespace()
        if try scanner.peek() != nil {
            throw try scanner.errorHere(expected: "end of input after the array of records")
        }
    }

    private mutating func readRecord() throws {
        try scanner.skipWhitespace()
        guard try scanner.beginObject(expected: "a record object") else { return }
        repeat {
            let (key, _) = try scanner.readKey()
            if key == "evidences" {
                try readEvidences()
            } else {
                try scanner.skipValue()
            }
        } while try scanner.nextMember()
    }

    private mutating func readEvidences() throws {
        if try scanner.peek() == 0x6E {
            let at = scanner.position
            let word = try scanner.readWord()
            guard word == "null" else {
                throw scanner.error(at: at, found: "'\(word)'", expected: "an array of evidences")
            }
            return
        }
        guard try scanner.beginArray(expected: "an array of evidences") else { return }
        repeat {
            try readEvidence()
        } while try scanner.nextElement()
    }

    private mutating func readEvidence() throws {
        let shape = "an evidence [subject, relation, object] of 3 strings"
        guard try scanner.beginArray(expected: shape) else {
            throw scanner.error(at: scanner.lastClose, found: "']'", expected: shape)
        }
        var parts: [String] = []
        parts.reserveCapacity(3)
        while true {
            let at = scanner.position
            guard try scanner.peek() == 0x22 else { throw try scanner.errorHere(expected: shape) }
            let part = try scanner.readString()
            guard !part.isEmpty else {
                throw scanner.error(at: at, found: "an empty string", expected: "a non-empty name")
            }
            parts.append(part)
            if parts.count == 3 {
                try scanner.skipWhitespace()
                try scanner.expect(0x5D, "']' after 3 strings")
                break
            }
            if try !scanner.nextElement(expected: "',' and \(3 - parts.count) more string(s)") {
                throw scanner.error(
                    at: scanner.lastClose, found: "']' after \(parts.count) string(s)", expected: shape)
            }
        }
        pending.append(Triple(.name(parts[0]), .name(parts[1]), .name(parts[2])))
    }
}

extension TwoWikiReader where Source == AnyByteSource {
    /// Opens `path` with `openInput(path:)` (`-` is standard input; gzip is detected by content).
    public init(path: String) throws {
        self.init(source: AnyByteSource(try openInput(path: path)), fileName: path)
    }
}
