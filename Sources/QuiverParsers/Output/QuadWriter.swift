import QuiverCore

/// Output formats for datasets (statements with their graphs).
public enum QuadOutputFormat: String, Sendable, CaseIterable {
    case nquads = "nq"
    case trig

    public init?(name: String) {
        switch name.lowercased() {
        case "nq", "nquads", "n-quads": self = .nquads
        case "trig": self = .trig
        default: return nil
        }
    }
}

/// Turns quads into N-Quads lines or TriG, each term written exactly as `TripleWriter` writes it in
/// N-Triples (`NTriples.append`, plain names as `urn:quiver:name:` IRIs), so the readers take back
/// what it writes.
///
/// N-Quads is one line per quad, the graph name before the '.' (none for the default graph). TriG
/// writes default-graph statements at the top level and each run of consecutive quads of one named
/// graph as a `name { ... }` block; quads of a graph that come apart give several blocks of that
/// graph, which TriG merges. Call `finish` after the last quad to close the open block.
///
/// ```swift
/// var writer = QuadWriter(format: .trig)
/// var out: [UInt8] = []
/// try writer.append(Quad(.iri("http://ex/s"), .iri("http://ex/p"), .iri("http://ex/o"), graph: .iri("http://ex/g")), to: &out)
/// writer.finish(to: &out)
/// // <http://ex/g> {
/// //   <http://ex/s> <http://ex/p> <http://ex/o> .
/// // }
/// ```
public struct QuadWriter: Sendable {
    public let format: QuadOutputFormat
    /// TriG: the graph of the open block (an IRI or a blank node), `nil` when none is open.
    private var openGraph: Term?

    public init(format: QuadOutputFormat) { self.format = format }

    /// A graph name that is neither an IRI, nor a blank node, nor a plain name (which becomes an IRI).
    public struct UnrepresentableGraphName: PresentableError {
        public var graph: Term
        public var category: ErrorCategory { .invalidInput }
        public var message: ErrorMessage {
            "the graph name \(NTriples.format(graph)) is a literal; N-Quads and TriG name graphs with IRIs or blank nodes"
        }
    }

    /// Appends one quad (with its line break) to `out`; nothing is appended when it throws.
    public mutating func append(_ quad: Quad, to out: inout [UInt8]) throws {
        let graph = try quad.graph.map(Self.graphName)
        switch format {
        case .nquads:
            appendStatement(quad, to: &out)
            if let graph {
                NTriples.append(graph, to: &out)
                out.append(0x20)
            }
            out.append(contentsOf: [0x2E, 0x0A])
        case .trig:
            if openGraph != graph {
                finish(to: &out)
                if let graph {
                    NTriples.append(graph, to: &out)
                    out.append(contentsOf: [0x20, 0x7B, 0x0A])
                    openGraph = graph
                }
            }
            if openGraph != nil { out.append(contentsOf: [0x20, 0x20]) }
            appendStatement(quad, to: &out)
            out.append(contentsOf: [0x2E, 0x0A])
        }
    }

    /// Closes the open TriG block, if any; N-Quads has nothing to close.
    public mutating func finish(to out: inout [UInt8]) {
        guard openGraph != nil else { return }
        out.append(contentsOf: [0x7D, 0x0A])
        openGraph = nil
    }

    /// `s p o ` in N-Triples form.
    private func appendStatement(_ quad: Quad, to out: inout [UInt8]) {
        NTriples.append(TripleWriter.rdf(quad.subject), to: &out)
        out.append(0x20)
        NTriples.append(TripleWriter.rdf(quad.predicate), to: &out)
        out.append(0x20)
        NTriples.append(TripleWriter.rdf(quad.object), to: &out)
        out.append(0x20)
    }

    private static func graphName(_ term: Term) throws -> Term {
        if case .literal = term { throw UnrepresentableGraphName(graph: term) }
        return TripleWriter.rdf(term)
    }
}
