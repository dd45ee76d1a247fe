import QuiverCore

/// A streaming N-Quads 1.1 parser (W3C RDF 1.1 N-Quads): N-Triples with an optional graph label (an
/// IRI or a blank node) before each statement's '.'.
///
/// It shares `NTriplesReader`'s machinery, so everything said there holds here: chunked reads,
/// memory bounded by a chunk and the batch, LF/CR/CR LF line breaks, UTF-8 checked before parsing,
/// absolute IRIs only, UCHAR escapes decoded.
///
/// ```swift
/// let doc = "<http://ex/s> <http://ex/p> \"o\" <http://ex/g> .\n<http://ex/s> <http://ex/p> \"d\" .\n"
/// var reader = NQuadsReader(source: MemoryByteSource(doc), fileName: "data.nq")
/// var batch: [Quad] = []
/// _ = try reader.readBatch(into: &batch, maxCount: 100)   // one quad in <http://ex/g>, one in the default graph
/// ```
///
/// Read as a `TripleReader`, statements of the default graph come out as triples and the first
/// statement with a graph label is a `ParseError` at that label: a named graph is never dropped or
/// merged into the default graph without a word.
public struct NQuadsReader<Source: ByteSource>: QuadReader, TripleReader {
    private var stream: NTriplesStream

    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - fileName: the name used in `ParseError`s.
    public init(source: Source, fileName: String) {
        stream = NTriplesStream(source: source, fileName: fileName)
    }

    public mutating func readBatch(into batch: inout [Quad], maxCount: Int) throws -> Bool {
        try stream.readBatch(into: &batch, maxCount: maxCount, graphs: .allowed) { triple, graph in Quad(triple, graph: graph) }
    }

    /// The default graph's statements; a statement in a named graph is a `ParseError` at its label.
    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        try stream.readBatch(into: &batch, maxCount: maxCount, graphs: .defaultGraphOnly) { triple, _ in triple }
    }
}
