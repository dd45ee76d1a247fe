/// A statement of an RDF dataset: a triple and the graph it belongs to.
///
/// `graph == nil` is the default graph; otherwise it names a graph and is an IRI or a blank node.
///
/// ```swift
/// let q = Quad(.iri("http://ex/s"), .iri("http://ex/p"), .iri("http://ex/o"), graph: .iri("http://ex/g"))
/// q.triple   // the statement without its graph
/// ```
public struct Quad: Hashable, Sendable {
    public var subject: Term
    public var predicate: Term
    public var object: Term
    /// The graph name; `nil` for the default graph.
    public var graph: Term?

    public init(_ subject: Term, _ predicate: Term, _ object: Term, graph: Term? = nil) {
        self.subject = subject
        self.predicate = predicate
        self.object = object
        self.graph = graph
    }

    public init(_ triple: Triple, graph: Term? = nil) {
        self.init(triple.subject, triple.predicate, triple.object, graph: graph)
    }

    /// The statement without its graph.
    public var triple: Triple { Triple(subject, predicate, object) }
}

/// A parser that yields the statements of a dataset in batches (N-Quads, TriG, or a triple format
/// read into the default graph), so memory is bounded by the batch size, not the input.
public protocol QuadReader {
    /// Appends up to `maxCount` quads to `batch`. Returns `false` once the input is exhausted and
    /// nothing more was appended. Throws `ParseError` on invalid input; a reader that threw is done.
    mutating func readBatch(into batch: inout [Quad], maxCount: Int) throws -> Bool
}

/// Reads a triple format as a dataset: every triple is in the default graph.
///
/// ```swift
/// var quads = DefaultGraphQuadReader(NTriplesReader(source: MemoryByteSource(text), fileName: "a.nt"))
/// ```
public struct DefaultGraphQuadReader: QuadReader {
    /// An existential, so that `makeQuadReader` can wrap whatever `makeTripleReader` made; it is
    /// called once per batch.
    private var base: any TripleReader
    private var triples: [Triple] = []

    public init(_ base: any TripleReader) { self.base = base }

    public mutating func readBatch(into batch: inout [Quad], maxCount: Int) throws -> Bool {
        triples.removeAll(keepingCapacity: true)
        let more = try base.readBatch(into: &triples, maxCount: maxCount)
        for t in triples { batch.append(Quad(t)) }
        return more || !triples.isEmpty
    }
}
