import QuiverCore

/// A streaming writer of one results format.
///
/// The writer is given the variables (it appends the head), then the rows one at a time, then
/// finished (it appends the tail). Each call appends bytes to an output the caller owns, and the
/// writer keeps no rows, so memory stays bounded whatever the result's size: a daemon may send and
/// empty `out` after any call. A call that throws leaves `out` as it was before it.
///
/// ```swift
/// var out: [UInt8] = []
/// var writer = try TSVResultsWriter(variables: ["s"], into: &out)
/// for term in terms {
///     try writer.write([term], into: &out)
///     if out.count > 64 * 1024 { send(out); out.removeAll(keepingCapacity: true) }
/// }
/// writer.finish(into: &out)
/// ```
public protocol SolutionWriter {
    /// Starts a solution sequence: checks the variable names (SPARQL `VARNAME`s, each once) and
    /// appends the head.
    init(variables: [String], into out: inout [UInt8]) throws
    /// Appends one solution: one slot per variable, `nil` where it is unbound.
    mutating func write(_ row: [Term?], into out: inout [UInt8]) throws
    /// Appends what closes the document. Call once, after the last row.
    mutating func finish(into out: inout [UInt8])
    /// Appends a whole ASK answer.
    static func writeBoolean(_ value: Bool, into out: inout [UInt8]) throws
}

/// What every writer checks for each row, and the row count errors name.
struct RowChecker: Sendable {
    let variables: [String]
    private(set) var rowNumber = 0

    init(variables: [String]) throws {
        var seen = Set<String>()
        for name in variables {
            guard TermSyntax.isVariableName(name) else { throw ResultsWriteError.invalidVariableName(name) }
            guard seen.insert(name).inserted else { throw ResultsWriteError.duplicateVariable(name) }
        }
        self.variables = variables
    }

    /// Counts the row (1-based) and checks its width.
    mutating func begin(_ row: [Term?]) throws -> Int {
        guard row.count == variables.count else {
            throw ResultsWriteError.rowWidth(row: rowNumber + 1, expected: variables.count, found: row.count)
        }
        rowNumber += 1
        return rowNumber
    }
}

extension Array where Element == UInt8 {
    /// Runs `body`, and when it throws takes back what it appended, so a refused row leaves no trace.
    @inline(__always)
    mutating func appendingAll(_ body: (inout [UInt8]) throws -> Void) throws {
        let mark = count
        do { try body(&self) } catch {
            removeSubrange(mark..<count)
            throw error
        }
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}

/// Any of the four writers, chosen by format: what a server holds when the client picks the format.
///
/// ```swift
/// var out: [UInt8] = []
/// var writer = try ResultsWriter(format: .xml, variables: ["x", "y"], into: &out)
/// try writer.write([.iri("http://example/a"), nil], into: &out)
/// writer.finish(into: &out)
///
/// let whole = try ResultsWriter.serialize(.boolean(true), as: .json)   // {"head":{},"boolean":true}
/// ```
public struct ResultsWriter {
    private enum Writer {
        case json(JSONResultsWriter)
        case xml(XMLResultsWriter)
        case csv(CSVResultsWriter)
        case tsv(TSVResultsWriter)
    }

    private var writer: Writer
    public let format: ResultsFormat

    /// Starts a solution sequence in `format`; see `SolutionWriter.init(variables:into:)`.
    public init(format: ResultsFormat, variables: [String], into out: inout [UInt8]) throws {
        self.format = format
        switch format {
        case .json: writer = .json(try JSONResultsWriter(variables: variables, into: &out))
        case .xml: writer = .xml(try XMLResultsWriter(variables: variables, into: &out))
        case .csv: writer = .csv(try CSVResultsWriter(variables: variables, into: &out))
        case .tsv: writer = .tsv(try TSVResultsWriter(variables: variables, into: &out))
        }
    }

    /// Appends one solution; see `SolutionWriter.write(_:into:)`.
    public mutating func write(_ row: [Term?], into out: inout [UInt8]) throws {
        switch writer {
        case .json(var w): try w.write(row, into: &out); writer = .json(w)
        case .xml(var w): try w.write(row, into: &out); writer = .xml(w)
        case .csv(var w): try w.write(row, into: &out); writer = .csv(w)
        case .tsv(var w): try w.write(row, into: &out); writer = .tsv(w)
        }
    }

    /// Appends the document's tail.
    public mutating func finish(into out: inout [UInt8]) {
        switch writer {
        case .json(var w): w.finish(into: &out); writer = .json(w)
        case .xml(var w): w.finish(into: &out); writer = .xml(w)
        case .csv(var w): w.finish(into: &out); writer = .csv(w)
        case .tsv(var w): w.finish(into: &out); writer = .tsv(w)
        }
    }

    /// Appends an ASK answer; CSV and TSV refuse it (`ResultsWriteError.booleanInTabularFormat`).
    public static func writeBoolean(_ value: Bool, as format: ResultsFormat, into out: inout [UInt8]) throws {
        switch format {
        case .json: try JSONResultsWriter.writeBoolean(value, into: &out)
        case .xml: try XMLResultsWriter.writeBoolean(value, into: &out)
        case .csv: try CSVResultsWriter.writeBoolean(value, into: &out)
        case .tsv: try TSVResultsWriter.writeBoolean(value, into: &out)
        }
    }

    /// A whole result as one document.
    public static func serialize(_ results: QueryResults, as format: ResultsFormat) throws -> [UInt8] {
        var out: [UInt8] = []
        switch results {
        case .boolean(let value):
            try writeBoolean(value, as: format, into: &out)
        case .solutions(let solutions):
            var writer = try ResultsWriter(format: format, variables: solutions.variables, into: &out)
            for row in solutions.rows { try writer.write(row, into: &out) }
            writer.finish(into: &out)
        }
        return out
    }
}
