import QuiverCore
import QuiverGraph
import QuiverParsers

/// What a query runs over: the default graph and the named graphs, each a graph version. Graph
/// names are IRIs here; which Quiver graph an IRI names is the surface's decision.
public struct SPARQLDataset: Sendable {
    public var defaultGraph: CSRSnapshot?
    public var namedGraphs: [(iri: String, graph: CSRSnapshot)]
    /// The graph of a `FROM` / `FROM NAMED` IRI; nil when the surface has none by that IRI.
    public var resolve: @Sendable (String) throws -> CSRSnapshot?
    /// The surface's graphs, when GRAPH may range over all of them (a query with no FROM or FROM
    /// NAMED): their names, each resolved only when GRAPH reaches it.
    public var allGraphs: (@Sendable () throws -> [String])?

    public init(defaultGraph: CSRSnapshot?, namedGraphs: [(iri: String, graph: CSRSnapshot)] = [],
                resolve: @escaping @Sendable (String) throws -> CSRSnapshot? = { _ in nil },
                allGraphs: (@Sendable () throws -> [String])? = nil) {
        self.defaultGraph = defaultGraph
        self.namedGraphs = namedGraphs
        self.resolve = resolve
        self.allGraphs = allGraphs
    }

    /// The named graphs GRAPH ranges over: those given, or every graph of the surface.
    func graphsForGRAPH() throws -> [(iri: String, graph: CSRSnapshot)] {
        guard let allGraphs, namedGraphs.isEmpty else { return namedGraphs }
        return try allGraphs().sorted().compactMap { name in
            let iri = Self.iri(ofGraph: name)
            return try resolve(iri).map { (iri, $0) }
        }
    }

    /// The named graph GRAPH <iri> reads: one given, or the surface's graph of that IRI.
    func graphForGRAPH(_ iri: String) throws -> CSRSnapshot? {
        if let g = namedGraphs.first(where: { $0.iri == iri })?.graph { return g }
        guard allGraphs != nil, namedGraphs.isEmpty else { return nil }
        return try? resolve(iri)
    }

    /// The IRI that names Quiver graph `name` in FROM, FROM NAMED, GRAPH and updates: the name
    /// itself when it is an absolute IRI (a graph loaded or made under its RDF name,
    /// `http://example.org/g`), else `urn:quiver:graph:` and the name, percent-encoded as plain
    /// names are (`demo` is `urn:quiver:graph:demo`).
    public static func iri(ofGraph name: String) -> String {
        if isAbsoluteIRI(name) && !name.hasPrefix(graphNamespace) { return name }
        guard case .iri(let iri) = TripleWriter.rdf(.name(name)) else { return graphNamespace + name }
        return graphNamespace + iri.dropFirst(TripleWriter.nameNamespace.count)
    }

    /// The Quiver graph an IRI names (`iri(ofGraph:)`'s inverse): the name after
    /// `urn:quiver:graph:`, else the IRI itself; nil for a `urn:quiver:graph:` IRI whose name
    /// does not decode.
    public static func graphName(of iri: String) -> String? {
        guard iri.hasPrefix(graphNamespace) else { return iri }
        guard case .name(let name) = TripleWriter.plain(.iri(TripleWriter.nameNamespace + iri.dropFirst(graphNamespace.count))) else { return nil }
        return name
    }

    /// `scheme:rest`, the scheme a letter and then letters, digits, `+`, `-` or `.` (RFC 3987),
    /// with no space or other character an IRI may not hold.
    static func isAbsoluteIRI(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":"), colon != s.startIndex, s.index(after: colon) != s.endIndex else { return false }
        let scheme = s[..<colon]
        guard let first = scheme.unicodeScalars.first, first.value < 128, first.properties.isAlphabetic,
              scheme.unicodeScalars.allSatisfy({ $0.value < 128 && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) })
        else { return false }
        return !s.unicodeScalars.contains { $0.value <= 0x20 || "<>\"{}|^`\\".unicodeScalars.contains($0) }
    }

    public static let graphNamespace = "urn:quiver:graph:"

    /// The graphs several `FROM` clauses name, merged into one (their triples' union).
    static func merge(_ graphs: [CSRSnapshot]) -> CSRSnapshot? {
        guard graphs.count > 1 else { return graphs.first }
        var builder = SnapshotBuilder(graph: "merged")
        for g in graphs { g.forEachTriple { builder.add($0, provenance: .asserted) } }
        return builder.build()
    }
}

/// The terms an evaluation meets, by id: the graphs' (looked up when asked), the query's
/// constants and what its expressions make. Plain names are IRIs under `urn:quiver:name:` to
/// SPARQL and their plain selves to the graphs: ids are always of the graphs' form.
final class QueryTerms {
    private var made: [Int64: Term] = [:]
    /// Relations named so far, in their RDF form: few, and named again on most rows.
    private var relations: [Int64: Term] = [:]
    private(set) var graphs: [CSRSnapshot]

    init(graphs: [CSRSnapshot]) { self.graphs = graphs }

    /// A graph GRAPH reached that the dataset did not list: its terms are named too.
    func include(_ graph: CSRSnapshot) {
        if !graphs.contains(where: { $0 === graph }) { graphs.append(graph) }
    }

    /// The id a term has in the graphs (recorded, so `term` finds it again).
    func id(_ t: Term) -> Int64 {
        let stored = TripleWriter.plain(t)
        let id = stored.id.rawValue
        if made[id] == nil { made[id] = stored }
        return id
    }

    /// The term of an id as SPARQL sees it (names as IRIs); nil for an id no one made.
    func term(_ id: Int64) -> Term? {
        if id == Binding.unbound { return nil }
        if let t = made[id] { return TripleWriter.rdf(t) }
        if let t = relations[id] { return t }
        for g in graphs {
            guard let (t, isRelation) = g.termAndRole(termID: id) else { continue }
            let rdf = TripleWriter.rdf(t)
            if isRelation { relations[id] = rdf }
            return rdf
        }
        return nil
    }
}
