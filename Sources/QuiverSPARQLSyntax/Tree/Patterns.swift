import QuiverCore

/// A query variable (`?name` or `$name`; both spell the same variable).
public struct Variable: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name without `?` or `$`.
    public var name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral name: String) { self.name = name }
    public var description: String { "?" + name }
}

/// A position of a triple pattern: a variable or an RDF term.
///
/// Blank nodes are `.term(.blank(label))`: a label as written, or `genid` + a number for the nodes that
/// `[]`, `[ … ]` and collections make (a written label starting with `genid` becomes `genidx` + label,
/// as `TurtleReader` does, so the two never meet). In a pattern they act as variables that are not
/// returned.
public enum TermPattern: Hashable, Sendable {
    case variable(Variable)
    case term(Term)
}

/// A variable or an IRI (`GRAPH`, `SERVICE`, `DESCRIBE`).
public enum VariableOrIRI: Hashable, Sendable {
    case variable(Variable)
    case iri(String)
}

/// A triple pattern whose predicate is an IRI or a variable.
public struct TriplePattern: Hashable, Sendable {
    public var subject: TermPattern
    public var predicate: TermPattern
    public var object: TermPattern
    public init(_ subject: TermPattern, _ predicate: TermPattern, _ object: TermPattern) {
        self.subject = subject
        self.predicate = predicate
        self.object = object
    }
}

/// A triple pattern whose predicate is a property path other than a single IRI.
public struct PathPattern: Hashable, Sendable {
    public var subject: TermPattern
    public var path: PropertyPath
    public var object: TermPattern
    public init(_ subject: TermPattern, _ path: PropertyPath, _ object: TermPattern) {
        self.subject = subject
        self.path = path
        self.object = object
    }
}

/// One pattern of a triples block.
public enum TriplesElement: Hashable, Sendable {
    case triple(TriplePattern)
    case path(PathPattern)
}

/// `{ … }`: the elements of a group graph pattern in the order written.
///
/// A subquery group `{ SELECT … }` is a group whose only element is `.subSelect`.
public struct GroupGraphPattern: Sendable, Equatable {
    public var elements: [GroupElement]
    public init(_ elements: [GroupElement] = []) { self.elements = elements }
}

/// One element of a group graph pattern (`GroupGraphPatternSub` in §19.8).
public enum GroupElement: Sendable, Equatable {
    /// A triples block: consecutive triple and path patterns.
    case triples([TriplesElement])
    /// A nested `{ … }` that is not part of a `UNION`.
    case group(GroupGraphPattern)
    /// `{ … } UNION { … } UNION …`: two or more alternatives.
    case union([GroupGraphPattern])
    case optional(GroupGraphPattern)
    case minus(GroupGraphPattern)
    case graph(VariableOrIRI, GroupGraphPattern)
    case service(VariableOrIRI, GroupGraphPattern, silent: Bool)
    case filter(Expression)
    case bind(Expression, as: Variable)
    case values(InlineData)
    case subSelect(SubSelect)
}
