/// Why an expression has no value: SPARQL's evaluation error. A FILTER whose expression errs is
/// false, a BIND or projected expression that errs leaves its variable unbound, and ORDER BY sorts
/// it as unbound; nothing fails the query. `reason` says which rule was broken, for `--explain`
/// and tests.
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
