// QuiverSPARQLSyntax: SPARQL 1.1 Query and Update text → syntax trees (and, later, the specification's algebra, §18).
// Pure values and functions: no graph, no store, no I/O. The evaluator reads what this makes.
import QuiverCore

/// A parsed SPARQL 1.1 query: the syntax tree of the specification's `QueryUnit` (§19.8).
///
/// The tree keeps the query's structure as written, with every abbreviation expanded:
/// IRIs are absolute (resolved against `BASE`, prefixed names expanded), `a` is `rdf:type`,
/// blank node property lists and collections are triples over fresh blank nodes, numeric
/// literals carry their `xsd` datatype. Property paths stay paths (the algebra translates them).
public struct Query: Sendable, Equatable {
    /// `BASE` and `PREFIX` declarations in the order written (their effect is already applied).
    public var prologue: [PrologueDeclaration]
    public var form: QueryForm
    /// `FROM` and `FROM NAMED` clauses, in order.
    public var dataset: [DatasetClause]
    /// The `WHERE` pattern (empty for a `DESCRIBE` without one).
    public var pattern: GroupGraphPattern
    public var modifiers: SolutionModifiers
    /// The trailing `VALUES` block, if any.
    public var values: InlineData?

    public init(prologue: [PrologueDeclaration] = [], form: QueryForm, dataset: [DatasetClause] = [],
                pattern: GroupGraphPattern, modifiers: SolutionModifiers = SolutionModifiers(), values: InlineData? = nil) {
        self.prologue = prologue
        self.form = form
        self.dataset = dataset
        self.pattern = pattern
        self.modifiers = modifiers
        self.values = values
    }
}

/// One declaration of the prologue. IRIs are already resolved against the base in force.
public enum PrologueDeclaration: Sendable, Equatable {
    case base(String)
    case prefix(String, namespace: String)
}

/// What the query returns.
public enum QueryForm: Sendable, Equatable {
    case select(SelectClause)
    /// The template's triples; for `CONSTRUCT WHERE { … }` they are the pattern's triples.
    case construct([TriplePattern])
    case describe(DescribeTargets)
    case ask
}

public enum DescribeTargets: Sendable, Equatable {
    /// `DESCRIBE *`
    case all
    case resources([VariableOrIRI])
}

/// `FROM <iri>` or `FROM NAMED <iri>`.
public struct DatasetClause: Sendable, Equatable {
    public var iri: String
    public var isNamed: Bool
    public init(iri: String, isNamed: Bool) {
        self.iri = iri
        self.isNamed = isNamed
    }
}

/// `SELECT [DISTINCT|REDUCED] (* | items)`.
public struct SelectClause: Sendable, Equatable {
    public var modifier: SelectModifier?
    public var projection: Projection
    public init(modifier: SelectModifier? = nil, projection: Projection) {
        self.modifier = modifier
        self.projection = projection
    }
}

public enum SelectModifier: Sendable, Equatable {
    case distinct, reduced
}

public enum Projection: Sendable, Equatable {
    /// `SELECT *`
    case all
    case items([SelectItem])
}

public enum SelectItem: Sendable, Equatable {
    case variable(Variable)
    /// `(expression AS ?variable)`
    case expression(Expression, as: Variable)

    /// The variable this item binds in the results.
    public var variable: Variable {
        switch self {
        case .variable(let v), .expression(_, as: let v): v
        }
    }
}

/// A subquery: `{ SELECT … WHERE { … } modifiers VALUES … }`.
public struct SubSelect: Sendable, Equatable {
    public var select: SelectClause
    public var pattern: GroupGraphPattern
    public var modifiers: SolutionModifiers
    public var values: InlineData?
    public init(select: SelectClause, pattern: GroupGraphPattern, modifiers: SolutionModifiers = SolutionModifiers(), values: InlineData? = nil) {
        self.select = select
        self.pattern = pattern
        self.modifiers = modifiers
        self.values = values
    }
}

/// `GROUP BY`, `HAVING`, `ORDER BY`, `LIMIT`, `OFFSET`.
public struct SolutionModifiers: Sendable, Equatable {
    public var groupBy: [GroupCondition]
    /// The `HAVING` constraints, each one expression.
    public var having: [Expression]
    public var orderBy: [OrderCondition]
    public var limit: Int?
    public var offset: Int?

    public init(groupBy: [GroupCondition] = [], having: [Expression] = [], orderBy: [OrderCondition] = [], limit: Int? = nil, offset: Int? = nil) {
        self.groupBy = groupBy
        self.having = having
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }
}

/// One `GROUP BY` key: a variable, a call, or `(expression [AS ?variable])`.
public struct GroupCondition: Sendable, Equatable {
    public var expression: Expression
    public var variable: Variable?
    public init(_ expression: Expression, as variable: Variable? = nil) {
        self.expression = expression
        self.variable = variable
    }
}

/// One `ORDER BY` key.
public struct OrderCondition: Sendable, Equatable {
    public var expression: Expression
    public var isDescending: Bool
    public init(_ expression: Expression, descending: Bool = false) {
        self.expression = expression
        self.isDescending = descending
    }
}

/// A `VALUES` block: one row per solution, `nil` for `UNDEF`. `VALUES ?x { 1 2 }` is two rows of one value.
public struct InlineData: Sendable, Equatable {
    public var variables: [Variable]
    public var rows: [[Term?]]
    public init(variables: [Variable], rows: [[Term?]]) {
        self.variables = variables
        self.rows = rows
    }
}
