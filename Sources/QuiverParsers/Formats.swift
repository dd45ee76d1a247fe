import QuiverCore

/// The input formats `quiver load` and `quiver convert` read.
public enum InputFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case ntriples = "nt"
    case turtle = "ttl"
    case nquads = "nq"
    case trig
    case rdfxml
    case tsv
    case csv
    case jsonl
    case twoWiki = "2wiki"

    public var description: String { rawValue }

    /// Whether the syntax can name graphs (N-Quads, TriG): read it with `makeQuadReader` to keep them.
    public var hasNamedGraphs: Bool { self == .nquads || self == .trig }

    /// Parses a `--format` value; `nil` for `auto` or an unknown name.
    public init?(name: String) {
        switch name.lowercased() {
        case "nt", "ntriples", "n-triples": self = .ntriples
        case "ttl", "turtle": self = .turtle
        case "nq", "nquads", "n-quads": self = .nquads
        case "trig": self = .trig
        case "rdfxml", "rdf", "xml", "owl", "rdf/xml": self = .rdfxml
        case "tsv", "txt", "tab": self = .tsv
        case "csv": self = .csv
        case "jsonl", "ndjson", "json-lines": self = .jsonl
        case "2wiki", "2wikimultihopqa", "json": self = .twoWiki
        default: return nil
        }
    }

    /// Guesses the format from a file name (a trailing `.gz` is ignored). PyKEEN's `.txt` files are TSV.
    public static func detect(fileName: String) -> InputFormat? {
        var name = fileName.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...] {
        case "nt": return .ntriples
        case "ttl", "turtle": return .turtle
        case "nq": return .nquads
        case "trig": return .trig
        case "rdf", "owl", "xml": return .rdfxml
        case "tsv", "txt", "tab": return .tsv
        case "csv": return .csv
        case "jsonl", "ndjson": return .jsonl
        case "json": return .twoWiki
        default: return nil
        }
    }
}

/// Type-erases a byte source so one reader type serves files, gzip streams, stdin and memory.
public struct AnyByteSource: ByteSource {
    private var base: any ByteSource
    public init(_ base: any ByteSource) { self.base = base }
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try base.read(into: buffer)
    }
}

/// Makes the reader for `format` over `source`. `fileName` is used in error messages only.
///
/// N-Quads and TriG read as triples give their default graph's statements; the first statement in a
/// named graph is a `ParseError` at the graph's name (`makeQuadReader` keeps named graphs).
public func makeTripleReader(
    format: InputFormat, source: some ByteSource, fileName: String, baseIRI: String? = nil
) -> any TripleReader {
    let src = AnyByteSource(source)
    switch format {
    case .ntriples: return NTriplesReader(source: src, fileName: fileName)
    case .turtle: return TurtleReader(source: src, fileName: fileName, baseIRI: baseIRI)
    case .nquads: return NQuadsReader(source: src, fileName: fileName)
    case .trig: return TriGReader(source: src, fileName: fileName, baseIRI: baseIRI)
    case .rdfxml: return RDFXMLReader(source: src, fileName: fileName, baseIRI: baseIRI)
    case .tsv: return TSVReader(source: src, fileName: fileName)
    case .csv: return CSVReader(source: src, fileName: fileName)
    case .jsonl: return JSONLinesReader(source: src, fileName: fileName)
    case .twoWiki: return TwoWikiReader(source: src, fileName: fileName)
    }
}

/// Makes a dataset reader for `format` over `source`: N-Quads and TriG keep their named graphs; every
/// other format's triples come out in the default graph (`Quad.graph == nil`). `fileName` is used in
/// error messages only.
///
/// ```swift
/// var reader = makeQuadReader(format: .trig, source: try FileByteSource(path: "data.trig"), fileName: "data.trig")
/// var batch: [Quad] = []
/// while try reader.readBatch(into: &batch, maxCount: 10_000) { /* use batch */ batch.removeAll(keepingCapacity: true) }
/// ```
public func makeQuadReader(
    format: InputFormat, source: some ByteSource, fileName: String, baseIRI: String? = nil
) -> any QuadReader {
    let src = AnyByteSource(source)
    switch format {
    case .nquads: return NQuadsReader(source: src, fileName: fileName)
    case .trig: return TriGReader(source: src, fileName: fileName, baseIRI: baseIRI)
    case .ntriples, .turtle, .rdfxml, .tsv, .csv, .jsonl, .twoWiki:
        return DefaultGraphQuadReader(makeTripleReader(format: format, source: src, fileName: fileName, baseIRI: baseIRI))
    }
}
