import QuiverCore

/// A streaming TriG 1.1 parser (W3C RDF 1.1 TriG): Turtle whose statements may be grouped into
/// graphs with `{ ... }` (the default graph), `name { ... }` or `GRAPH name { ... }`, where the name
/// is an IRI or a blank node. Statements outside any block are in the default graph.
///
/// It is `TurtleReader`'s parser with the TriG rules switched on, so everything said there holds
/// here: streaming, base IRI resolution, blank node labelling (shared by the whole document, across
/// graphs), document order, positions, the nesting limit. Directives may only appear outside blocks.
///
/// ```swift
/// let doc = "@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\nex:g { ex:a ex:p 2 }"
/// var reader = TriGReader(source: MemoryByteSource(doc), fileName: "data.trig")
/// var batch: [Quad] = []
/// _ = try reader.readBatch(into: &batch, maxCount: 100)   // 1 in the default graph, 2 in ex:g
/// ```
///
/// Read as a `TripleReader`, statements of the default graph come out as triples and opening a
/// named graph is a `ParseError` at its name: a named graph is never dropped or merged into the
/// default graph without a word.
public struct TriGReader<Source: ByteSource>: QuadReader, TripleReader {
    private var parser: TurtleParser

    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - fileName: the name used in `ParseError`s.
    ///   - baseIRI: the base IRI for relative references until the document sets its own.
    public init(source: Source, fileName: String, baseIRI: String? = nil) {
        parser = TurtleParser(source: source, fileName: fileName, baseIRI: baseIRI, chunkSize: 256 * 1024, dialect: .trig)
    }

    /// As `init(source:fileName:baseIRI:)`, reading `chunkSize` bytes at a time (tests use tiny chunks).
    init(source: Source, fileName: String, baseIRI: String?, chunkSize: Int) {
        parser = TurtleParser(source: source, fileName: fileName, baseIRI: baseIRI, chunkSize: chunkSize, dialect: .trig)
    }

    public mutating func readBatch(into batch: inout [Quad], maxCount: Int) throws -> Bool {
        try parser.readBatch(into: &batch, maxCount: maxCount, namedGraphs: true) { triple, graph in Quad(triple, graph: graph) }
    }

    /// The default graph's statements; opening a named graph is a `ParseError` at its name.
    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        try parser.readBatch(into: &batch, maxCount: maxCount, namedGraphs: false) { triple, _ in triple }
    }
}
