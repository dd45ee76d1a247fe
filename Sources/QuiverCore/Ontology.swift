/// The relation vocabulary of a graph: inverses (used by the path engine), chain axioms (used by
/// augmentation), symmetric and transitive relations, domains and ranges.
///
/// Relations are kept as the IRIs the ontology file uses. A graph of plain names (a TSV load) is
/// matched by local name: `<http://example.org/rel#hasParent>` describes the relation `hasParent`.
///
/// ```swift
/// let onto = try Ontology(triples: parsedTurtle)
/// onto.inverse(of: "http://ex.org/parentOf")   // "http://ex.org/childOf"
/// onto.chains                                   // [r1 ∘ r2 ⊑ r3, ...]
/// ```
public struct Ontology: Sendable, Equatable, Codable {
    public struct Declaration: Sendable, Equatable, Codable {
        public var relation: String
        public var label: String?
        public var comment: String?
        public init(relation: String, label: String? = nil, comment: String? = nil) {
            self.relation = relation
            self.label = label
            self.comment = comment
        }
    }

    /// `body[0] ∘ body[1] ∘ … ⊑ head`: whenever a path follows the body relations in order, the
    /// head relation holds between its ends.
    public struct ChainAxiom: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
        public var head: String
        public var body: [String]
        public init(head: String, body: [String]) {
            self.head = head
            self.body = body
        }
        public var description: String { body.map(localName(of:)).joined(separator: " ∘ ") + " ⊑ " + localName(of: head) }
    }

    public var declarations: [Declaration] = []
    /// Each pair once, as written; `inverse(of:)` answers both ways.
    public var inverses: [[String]] = []
    public var domains: [String: [String]] = [:]
    public var ranges: [String: [String]] = [:]
    public var symmetric: Set<String> = []
    public var transitive: Set<String> = []
    public var chains: [ChainAxiom] = []

    public init() {}

    public var isEmpty: Bool {
        declarations.isEmpty && inverses.isEmpty && domains.isEmpty && ranges.isEmpty && symmetric.isEmpty
            && transitive.isEmpty && chains.isEmpty
    }

    /// The declared inverse of a relation (either side of an `owl:inverseOf`), or the relation itself
    /// when it is symmetric.
    public func inverse(of relation: String) -> String? {
        for pair in inverses where pair.count == 2 {
            if matches(pair[0], relation) { return pair[1] }
            if matches(pair[1], relation) { return pair[0] }
        }
        if symmetric.contains(where: { matches($0, relation) }) { return relation }
        return nil
    }

    /// True when `iri` names `relation`: the same bytes, or `relation` is the IRI's local name.
    /// (Not `String` equality, which would take an NFD name for its NFC spelling.)
    public func matches(_ iri: String, _ relation: String) -> Bool {
        iri.hasSameBytes(as: relation) || localName(of: iri).hasSameBytes(as: relation)
    }
}

/// The part of an IRI after its last `#`, `/` or `:`; the IRI itself if it ends in one.
public func localName(of iri: String) -> String {
    guard let cut = iri.lastIndex(where: { $0 == "#" || $0 == "/" || $0 == ":" }) else { return iri }
    let rest = iri[iri.index(after: cut)...]
    return rest.isEmpty ? iri : String(rest)
}

/// A malformed axiom in an ontology file.
public struct OntologyError: PresentableError, Sendable {
    public var message: ErrorMessage
    public var category: ErrorCategory { .invalidInput }
}

extension Ontology {
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    static let owl = "http://www.w3.org/2002/07/owl#"

    /// Reads the axioms Quiver understands from parsed ontology triples; other triples are ignored.
    public init(triples: [Triple]) throws {
        self.init()
        var bySubject: [Term: [(Term, Term)]] = [:]
        for t in triples { bySubject[t.subject, default: []].append((t.predicate, t.object)) }

        func iri(_ t: Term) -> String? {
            switch t {
            case .iri(let v), .name(let v): v
            default: nil
            }
        }
        func list(_ head: Term) throws -> [Term] {
            var items: [Term] = []
            var node = head
            var visited: Set<Term> = []
            while node != .iri(Self.rdf + "nil") {
                guard visited.insert(node).inserted else { throw OntologyError(message: "a cyclic RDF list in a property chain") }
                let props = bySubject[node] ?? []
                guard let first = props.first(where: { $0.0 == .iri(Self.rdf + "first") })?.1,
                      let rest = props.first(where: { $0.0 == .iri(Self.rdf + "rest") })?.1 else {
                    throw OntologyError(message: "a property chain that is not a well-formed RDF list ( r1 r2 … )")
                }
                items.append(first)
                node = rest
            }
            return items
        }

        var declared: [ExactName: Declaration] = [:]
        var order: [String] = []
        func declare(_ r: String) {
            if declared[ExactName(r)] == nil { declared[ExactName(r)] = Declaration(relation: r); order.append(r) }
        }
        for t in triples {
            guard let s = iri(t.subject), case .iri(let p) = t.predicate else { continue }
            switch p {
            case Self.rdf + "type":
                switch iri(t.object) {
                case Self.owl + "ObjectProperty", Self.rdf + "Property", Self.owl + "DatatypeProperty":
                    declare(s)
                case Self.owl + "SymmetricProperty":
                    declare(s)
                    symmetric.insert(s)
                case Self.owl + "TransitiveProperty":
                    declare(s)
                    transitive.insert(s)
                default: break
                }
            case Self.owl + "inverseOf":
                guard let o = iri(t.object) else { throw OntologyError(message: "owl:inverseOf of <\(s)> must be a relation IRI") }
                declare(s)
                declare(o)
                func isPair(_ pair: [String], _ a: String, _ b: String) -> Bool {
                    pair.count == 2 && pair[0].hasSameBytes(as: a) && pair[1].hasSameBytes(as: b)
                }
                if !inverses.contains(where: { isPair($0, s, o) || isPair($0, o, s) }) { inverses.append([s, o]) }
            case Self.rdfs + "domain":
                if let o = iri(t.object) { declare(s); domains[s, default: []].append(o) }
            case Self.rdfs + "range":
                if let o = iri(t.object) { declare(s); ranges[s, default: []].append(o) }
            case Self.owl + "propertyChainAxiom":
                let body = try list(t.object).map { term -> String in
                    guard let r = iri(term) else { throw OntologyError(message: "owl:propertyChainAxiom of <\(s)> lists a non-IRI") }
                    return r
                }
                guard body.count >= 2 else {
                    throw OntologyError(message: "owl:propertyChainAxiom of <\(s)> needs at least two relations, found \(body.count)")
                }
                declare(s)
                body.forEach(declare)
                chains.append(ChainAxiom(head: s, body: body))
            case Self.rdfs + "label":
                declare(s)
                declared[ExactName(s)]?.label = t.object.value
            case Self.rdfs + "comment":
                declare(s)
                declared[ExactName(s)]?.comment = t.object.value
            default:
                break
            }
        }
        declarations = order.compactMap { declared[ExactName($0)] }
        for key in domains.keys { domains[key]?.sort() }
        for key in ranges.keys { ranges[key]?.sort() }
    }
}
