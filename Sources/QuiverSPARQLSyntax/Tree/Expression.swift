import QuiverCore

/// An expression of `FILTER`, `BIND`, `SELECT`, `GROUP BY`, `HAVING` and `ORDER BY`.
public indirect enum Expression: Sendable, Equatable {
    case variable(Variable)
    /// An IRI or a literal.
    case term(Term)
    case binary(BinaryOperator, Expression, Expression)
    case unary(UnaryOperator, Expression)
    /// `e IN (list)`
    case `in`(Expression, [Expression])
    /// `e NOT IN (list)`
    case notIn(Expression, [Expression])
    /// A built-in call (`STR(?x)`, `REGEX(?s, "a", "i")`, `BOUND(?v)` …).
    case builtIn(BuiltInFunction, [Expression])
    case exists(GroupGraphPattern)
    case notExists(GroupGraphPattern)
    /// An IRI called as a function: an XSD cast (`xsd:integer(?x)`) or an extension function.
    case function(iri: String, arguments: [Expression], distinct: Bool)
    case aggregate(Aggregate)
}

public enum BinaryOperator: String, Sendable, Equatable, CaseIterable {
    case or = "||"
    case and = "&&"
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case greater = ">"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
}

public enum UnaryOperator: String, Sendable, Equatable, CaseIterable {
    case not = "!"
    case plus = "+"
    case minus = "-"
}

/// An aggregate call: `COUNT(*)`, `SUM(DISTINCT ?x)`, `GROUP_CONCAT(?x; SEPARATOR=", ")` …
public struct Aggregate: Sendable, Equatable {
    public var function: AggregateFunction
    public var isDistinct: Bool
    /// The argument; `nil` only for `COUNT(*)`.
    public var expression: Expression?

    public init(_ function: AggregateFunction, distinct: Bool = false, _ expression: Expression?) {
        self.function = function
        self.isDistinct = distinct
        self.expression = expression
    }
}

public enum AggregateFunction: Sendable, Equatable {
    case count, sum, min, max, avg, sample
    /// `GROUP_CONCAT`; `separator` is `nil` when not given (the default is a space).
    case groupConcat(separator: String?)
}

/// The built-in calls of the grammar (`BuiltInCall`, §19.8), except `EXISTS`, `NOT EXISTS` and the
/// aggregates, which have cases of their own in `Expression`. `URI` is `IRI` and `isURI` is `isIRI`.
public enum BuiltInFunction: String, Sendable, Equatable, CaseIterable {
    case str = "STR", lang = "LANG", langMatches = "LANGMATCHES", datatype = "DATATYPE", bound = "BOUND"
    case iri = "IRI", bnode = "BNODE", rand = "RAND", abs = "ABS", ceil = "CEIL", floor = "FLOOR", round = "ROUND"
    case concat = "CONCAT", substr = "SUBSTR", strlen = "STRLEN", replace = "REPLACE", ucase = "UCASE", lcase = "LCASE"
    case encodeForURI = "ENCODE_FOR_URI", contains = "CONTAINS", strStarts = "STRSTARTS", strEnds = "STRENDS"
    case strBefore = "STRBEFORE", strAfter = "STRAFTER"
    case year = "YEAR", month = "MONTH", day = "DAY", hours = "HOURS", minutes = "MINUTES", seconds = "SECONDS"
    case timezone = "TIMEZONE", tz = "TZ", now = "NOW", uuid = "UUID", strUUID = "STRUUID"
    case md5 = "MD5", sha1 = "SHA1", sha256 = "SHA256", sha384 = "SHA384", sha512 = "SHA512"
    case coalesce = "COALESCE", `if` = "IF", strLang = "STRLANG", strDT = "STRDT", sameTerm = "SAMETERM"
    case isIRI = "ISIRI", isBlank = "ISBLANK", isLiteral = "ISLITERAL", isNumeric = "ISNUMERIC", regex = "REGEX"

    /// The function a keyword names (any case), with the grammar's aliases `URI` and `isURI`.
    public init?(keyword: String) {
        switch keyword.uppercased() {
        case "URI": self = .iri
        case "ISURI": self = .isIRI
        case let upper: self.init(rawValue: upper)
        }
    }

    /// How many arguments the grammar allows; `nil` for an unbounded list (`CONCAT`, `COALESCE`).
    var arity: ClosedRange<Int>? {
        switch self {
        case .rand, .now, .uuid, .strUUID: 0...0
        case .bnode: 0...1
        case .langMatches, .contains, .strStarts, .strEnds, .strBefore, .strAfter, .strLang, .strDT, .sameTerm: 2...2
        case .substr, .regex: 2...3
        case .replace: 3...4
        case .if: 3...3
        case .concat, .coalesce: nil
        default: 1...1
        }
    }
}
