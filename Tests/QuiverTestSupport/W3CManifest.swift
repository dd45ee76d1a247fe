import Foundation
import QuiverCore
import QuiverParsers

/// A W3C test manifest (Turtle, the `mf:` vocabulary), read with `TurtleReader`: its entries in the
/// order of `mf:entries`, and those of every manifest it lists in `mf:include`, recursively.
///
/// ```swift
/// let root = try W3CSuites.root()
/// for entry in try W3CManifest.entries(at: root.appendingPathComponent("sparql11/syntax-query/manifest.ttl")) {
///     print(entry.kind, entry.name, entry.action?.path ?? "-")
/// }
/// ```
public enum W3CManifest {
    public static let mf = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
    public static let qt = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
    public static let ut = "http://www.w3.org/2009/sparql/tests/test-update#"
    public static let dawgt = "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let rdfs = "http://www.w3.org/2000/01/rdf-schema#"

    /// The dataset of an update test: `ut:data` (the default graph) and `ut:graphData [ ut:graph
    /// <file> ; rdfs:label "graph IRI" ]` (the named graphs).
    public struct UpdateDataset: Sendable {
        public var defaultGraph: URL?
        public var namedGraphs: [(iri: String, file: URL)]
    }

    /// One test of a manifest.
    public struct Entry: Sendable, CustomStringConvertible {
        /// The test's IRI.
        public var iri: String
        /// The manifest file that lists it.
        public var manifest: URL
        /// The `rdf:type`'s IRI (`…test-manifest#PositiveSyntaxTest11`, …).
        public var type: String
        public var name: String
        /// `mf:action` when it is a file (syntax tests), or the evaluation action's `qt:query` or
        /// `ut:request`.
        public var action: URL?
        /// An evaluation test's `qt:query`, `qt:data` and `qt:graphData` files.
        public var query: URL?
        /// An update evaluation test's `ut:request` file.
        public var request: URL?
        public var data: [URL]
        public var graphData: [URL]
        /// `mf:result`, when it is a file.
        public var result: URL?
        /// The `dawgt:approval` IRI, if any.
        public var approval: String?
        /// An update evaluation test's dataset before (`mf:action`) and after (`mf:result`) its request.
        public var updateBefore: UpdateDataset?
        public var updateAfter: UpdateDataset?

        /// The type's local name: `PositiveSyntaxTest11`, `QueryEvaluationTest`, …
        public var kind: String {
            if let hash = type.lastIndex(of: "#") { return String(type[type.index(after: hash)...]) }
            return type
        }

        /// Whether the approval status leaves the test out of the suite (withdrawn, rejected, obsoleted,
        /// not approved or not classified); a test without one is in.
        public var isExcludedByApproval: Bool {
            guard let approval else { return false }
            return [W3CManifest.dawgt + "Withdrawn", W3CManifest.dawgt + "NotClassified", W3CManifest.dawgt + "Rejected",
                    W3CManifest.dawgt + "Obsoleted", W3CManifest.dawgt + "NotApproved"].contains(approval)
        }

        public var description: String { "\(name) (\(kind), \(action?.path ?? iri))" }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var manifest: URL
        public var reason: String
        public var description: String { "\(manifest.path): \(reason)" }
    }

    /// The entries of the manifest at `url` and of the manifests it includes, in order.
    public static func entries(at url: URL) throws -> [Entry] {
        var visited = Set<URL>()
        return try entries(at: url.standardizedFileURL, visited: &visited)
    }

    private static func entries(at url: URL, visited: inout Set<URL>) throws -> [Entry] {
        guard visited.insert(url).inserted else { return [] }
        let graph = try Graph(reading: url)
        let manifestNode = Term.iri(url.absoluteString)
        var out: [Entry] = []
        for include in graph.objects(manifestNode, mf + "include") {
            for member in graph.list(include) {
                guard case .iri(let iri) = member, let included = URL(string: iri) else {
                    throw Malformed(manifest: url, reason: "mf:include lists \(member), not a file")
                }
                out += try entries(at: included.standardizedFileURL, visited: &visited)
            }
        }
        for list in graph.objects(manifestNode, mf + "entries") {
            for test in graph.list(list) {
                out.append(try entry(test, in: graph, manifest: url))
            }
        }
        return out
    }

    private static func entry(_ test: Term, in graph: Graph, manifest: URL) throws -> Entry {
        func file(_ term: Term?) -> URL? {
            if case .iri(let iri)? = term, iri.hasPrefix("file:") { return URL(string: iri) }
            return nil
        }
        guard case .iri(let type)? = graph.object(test, rdf + "type") else {
            throw Malformed(manifest: manifest, reason: "the entry \(test) has no rdf:type")
        }
        let name = graph.object(test, mf + "name")?.value ?? test.value
        var entry = Entry(iri: test.value, manifest: manifest, type: type, name: name, action: nil, query: nil, request: nil,
                          data: [], graphData: [], result: file(graph.object(test, mf + "result")),
                          approval: graph.object(test, dawgt + "approval")?.value)
        if let action = graph.object(test, mf + "action") {
            if let url = file(action) {
                entry.action = url
            } else {
                entry.query = file(graph.object(action, qt + "query"))
                entry.request = file(graph.object(action, ut + "request"))
                entry.action = entry.query ?? entry.request
                entry.data = graph.objects(action, qt + "data").compactMap(file)
                entry.graphData = graph.objects(action, qt + "graphData").compactMap { g in
                    // `qt:graphData <file>`, or `qt:graphData [ qt:graph <file> ; rdfs:label "…" ]`.
                    file(g) ?? file(graph.object(g, qt + "graph"))
                }
            }
        }
        if entry.request != nil {
            func dataset(_ node: Term?) -> UpdateDataset? {
                guard let node else { return nil }
                return UpdateDataset(defaultGraph: file(graph.object(node, ut + "data")), namedGraphs: graph.objects(node, ut + "graphData").compactMap { g in
                    guard let f = file(graph.object(g, ut + "graph")), let label = graph.object(g, rdfs + "label")?.value else { return nil }
                    return (label, f)
                })
            }
            entry.updateBefore = dataset(graph.object(test, mf + "action"))
            entry.updateAfter = dataset(graph.object(test, mf + "result"))
        }
        return entry
    }

    /// The manifest's triples, indexed by subject.
    private struct Graph {
        var properties: [Term: [(predicate: String, object: Term)]] = [:]

        init(reading url: URL) throws {
            let source = try FileByteSource(path: url.path)
            var reader = TurtleReader(source: source, fileName: url.path, baseIRI: url.absoluteString)
            var batch: [Triple] = []
            while try reader.readBatch(into: &batch, maxCount: 4096) {
                for t in batch { properties[t.subject, default: []].append((t.predicate.value, t.object)) }
                batch.removeAll(keepingCapacity: true)
            }
        }

        func objects(_ subject: Term, _ predicate: String) -> [Term] {
            (properties[subject] ?? []).filter { $0.predicate == predicate }.map(\.object)
        }

        func object(_ subject: Term, _ predicate: String) -> Term? {
            objects(subject, predicate).first
        }

        /// The members of an RDF collection (bounded, so that a cyclic list cannot loop).
        func list(_ head: Term) -> [Term] {
            var members: [Term] = []
            var node = head
            while node != .iri(rdf + "nil"), members.count < 100_000, let first = object(node, rdf + "first") {
                members.append(first)
                guard let rest = object(node, rdf + "rest") else { break }
                node = rest
            }
            return members
        }
    }
}
