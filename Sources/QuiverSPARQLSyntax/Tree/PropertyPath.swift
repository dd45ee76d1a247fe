/// A property path (§9), as written: sequences and alternatives are left-nested pairs
/// (`:a/:b/:c` is `.sequence(.sequence(a, b), c)`).
public indirect enum PropertyPath: Hashable, Sendable {
    case iri(String)
    /// `^path`
    case inverse(PropertyPath)
    /// `path1 / path2`
    case sequence(PropertyPath, PropertyPath)
    /// `path1 | path2`
    case alternative(PropertyPath, PropertyPath)
    /// `path*`
    case zeroOrMore(PropertyPath)
    /// `path+`
    case oneOrMore(PropertyPath)
    /// `path?`
    case zeroOrOne(PropertyPath)
    /// `!iri`, `!^iri`, `!(iri | ^iri | …)`.
    case negatedSet([NegatedProperty])
}

/// A member of a negated property set.
public enum NegatedProperty: Hashable, Sendable {
    case forward(String)
    /// `^iri`
    case inverse(String)
}
