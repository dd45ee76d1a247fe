import Foundation
import QuiverCore

/// What SPARQL's operators see in a term: string literals (simple, xsd:string, with a language),
/// booleans, numbers and dateTimes by value, and the rest by identity.
extension Term {
    /// A simple literal or an xsd:string (the parsers store both as `datatype == nil`).
    public var isSimpleString: Bool {
        if case .literal(_, nil, nil) = self { return true }
        if case .literal(_, XSD.string?, nil) = self { return true }
        return false
    }

    /// A literal that SPARQL's string functions take: simple, xsd:string or with a language tag.
    public var stringParts: (lexical: String, language: String?)? {
        switch self {
        case .literal(let v, nil, let lang): (v, lang)
        case .literal(let v, XSD.string?, nil): (v, nil)
        default: nil
        }
    }

    /// The datatype IRI of a literal, as SPARQL's DATATYPE() names it (xsd:string, rdf:langString).
    public var datatypeIRI: String? {
        guard case .literal(_, let dt, let lang) = self else { return nil }
        return dt ?? (lang == nil ? XSD.string : RDF.langString)
    }

    /// A simple literal, or one with `language`.
    static func string(_ value: String, language: String?) -> Term { .literal(value, datatype: nil, language: language) }

    public static func boolean(_ v: Bool) -> Term { .literal(v ? "true" : "false", datatype: XSD.boolean, language: nil) }
    public static func integer(_ v: Int64) -> Term { .literal(String(v), datatype: XSD.integer, language: nil) }

    /// The value of an xsd:boolean literal with a valid lexical form.
    var booleanValue: Bool? {
        guard case .literal(let v, XSD.boolean?, nil) = self else { return nil }
        switch v {
        case "true", "1": return true
        case "false", "0": return false
        default: return nil
        }
    }
}

/// SPARQL's operators on values: effective boolean value, `=`, the order of `<` and of ORDER BY.
public enum SPARQLValues {
    /// The effective boolean value (§17.2.2); an error for terms it does not cover.
    public static func effectiveBooleanValue(_ t: Term) throws(ExpressionError) -> Bool {
        guard case .literal(let v, let datatype, _) = t else { throw ExpressionError("no effective boolean value for \(t.ntriplesLike)") }
        guard let datatype, datatype != XSD.string else { return !v.isEmpty }
        if datatype == XSD.boolean { return t.booleanValue ?? false }
        if Numeric.isNumeric(datatype: datatype) { return Numeric(t).map { !$0.isZeroOrNaN } ?? false }
        throw ExpressionError("no effective boolean value for a literal of type <\(datatype)>")
    }

    /// Language tags compare without regard to case.
    static func sameLanguage(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let x?, let y?): x.lowercased() == y.lowercased()
        default: false
        }
    }

    /// The same RDF term (sameTerm), language tags compared without case.
    public static func sameTerm(_ a: Term, _ b: Term) -> Bool {
        if case .literal(let v, let dt, let lang) = a, case .literal(let w, let dt2, let lang2) = b {
            return v.unicodeScalars.elementsEqual(w.unicodeScalars) && normalized(dt) == normalized(dt2) && sameLanguage(lang, lang2)
        }
        return a == b
    }

    private static func normalized(_ datatype: String?) -> String? { datatype == XSD.string ? nil : datatype }

    /// The kinds of literal whose values `=` and `<` compare (xsd:date too, beyond what SPARQL
    /// requires: the suites compare dates).
    enum ValueKind: Equatable {
        case numeric(Numeric?), string(String), language(String, String), boolean(Bool?), dateTime(XSDDateTime?), date(XSDDateTime?), other
    }

    static func valueKind(_ t: Term) -> ValueKind? {
        guard case .literal(let v, let datatype, let lang) = t else { return nil }
        if let lang { return .language(v, lang.lowercased()) }
        guard let datatype, datatype != XSD.string else { return .string(v) }
        if datatype == XSD.boolean { return .boolean(t.booleanValue) }
        if datatype == XSD.dateTime { return .dateTime(XSDDateTime(lexical: v)) }
        if datatype == XSD.date { return .date(XSDDateTime(date: v)) }
        if Numeric.isNumeric(datatype: datatype) { return .numeric(Numeric(lexical: v, datatype: datatype)) }
        return .other
    }

    /// `=` (RDFterm-equal, with values compared for the types SPARQL knows). Literals of types it
    /// does not know that are not the same term cannot be told apart: an error, as §17.4.1.7 says.
    public static func equal(_ a: Term, _ b: Term) throws(ExpressionError) -> Bool {
        if sameTerm(a, b) { return true }
        guard let x = valueKind(a), let y = valueKind(b) else { return false }
        switch (x, y) {
        case (.numeric(let p?), .numeric(let q?)): return Numeric.compare(p, q) == .orderedSame
        case (.boolean(let p?), .boolean(let q?)): return p == q
        case (.dateTime(let p?), .dateTime(let q?)), (.date(let p?), .date(let q?)):
            guard let order = XSDDateTime.compare(p, q) else { throw ExpressionError("the dates cannot be compared: one has no timezone") }
            return order == .orderedSame
        // A literal with a language tag is known to differ from any other literal but itself.
        case (.string, .string), (.language, _), (_, .language): return false
        case (.numeric(nil), _), (_, .numeric(nil)), (.boolean(nil), _), (_, .boolean(nil)), (.dateTime(nil), _), (_, .dateTime(nil)),
             (.date(nil), _), (_, .date(nil)),
             (.other, _), (_, .other):
            throw ExpressionError("cannot compare \(a.ntriplesLike) and \(b.ntriplesLike)")
        default: return false
        }
    }

    /// The order of `<`, `<=`, `>`, `>=`: numbers, strings (by code point), booleans, dateTimes.
    /// nil when the values are unordered (NaN); an error for operands it does not order.
    public static func compare(_ a: Term, _ b: Term) throws(ExpressionError) -> ComparisonResult? {
        switch (valueKind(a), valueKind(b)) {
        case (.numeric(let p?)?, .numeric(let q?)?): return Numeric.compare(p, q)
        case (.string(let p)?, .string(let q)?): return codepointOrder(p, q)
        case (.boolean(let p?)?, .boolean(let q?)?): return p == q ? .orderedSame : (!p ? .orderedAscending : .orderedDescending)
        case (.dateTime(let p?)?, .dateTime(let q?)?), (.date(let p?)?, .date(let q?)?):
            guard let order = XSDDateTime.compare(p, q) else { throw ExpressionError("the dates cannot be compared: one has no timezone") }
            return order
        default: throw ExpressionError("cannot order \(a.ntriplesLike) and \(b.ntriplesLike)")
        }
    }

    static func codepointOrder(_ a: String, _ b: String) -> ComparisonResult {
        if a.unicodeScalars.elementsEqual(b.unicodeScalars) { return .orderedSame }
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? .orderedAscending : .orderedDescending
    }

    /// ORDER BY's total order (§15.1): unbound, then blank nodes, IRIs, literals. Literals that
    /// `<` orders go by it; the rest (and ties across types) by kind, then lexical form, datatype
    /// and language, so that a sort is stable from run to run.
    public static func orderBy(_ a: Term?, _ b: Term?) -> ComparisonResult {
        func rank(_ t: Term?) -> Int {
            switch t {
            case nil: 0
            case .blank?: 1
            case .iri?, .name?: 2
            case .literal?: 3
            }
        }
        let (ra, rb) = (rank(a), rank(b))
        if ra != rb { return ra < rb ? .orderedAscending : .orderedDescending }
        guard let a, let b else { return .orderedSame }
        if case .literal = a, let order = try? compare(a, b), order != .orderedSame { return order }
        func kind(_ t: Term) -> Int {
            switch valueKind(t) {
            case .numeric?: 0
            case .string?: 1
            case .language?: 2
            case .boolean?: 3
            case .dateTime?: 4
            case .date?: 5
            default: 6
            }
        }
        if case .literal = a, kind(a) != kind(b) { return kind(a) < kind(b) ? .orderedAscending : .orderedDescending }
        let byValue = codepointOrder(a.value, b.value)
        if byValue != .orderedSame { return byValue }
        return codepointOrder((a.datatype ?? "") + "@" + (a.language ?? ""), (b.datatype ?? "") + "@" + (b.language ?? ""))
    }
}

extension Term {
    /// A short N-Triples-like spelling for error messages.
    var ntriplesLike: String {
        switch self {
        case .iri(let v): "<\(v)>"
        case .name(let v): v
        case .blank(let v): "_:\(v)"
        case .literal(let v, let dt, let lang):
            "\"\(v.prefix(40))\"" + (lang.map { "@\($0)" } ?? "") + (dt.map { "^^<\($0)>" } ?? "")
        }
    }
}
