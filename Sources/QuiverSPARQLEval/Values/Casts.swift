import Foundation
import QuiverCore

/// The XPath constructor functions SPARQL names (§17.5): `xsd:string(…)`, `xsd:boolean`,
/// `xsd:integer` (and its subtypes, within their bounds), `xsd:decimal`, `xsd:float`,
/// `xsd:double`, `xsd:dateTime`. A cast the table does not allow, or a value that does not fit
/// the target type, is an error.
///
/// ```swift
/// try Casts.cast(.literal("12", datatype: nil, language: nil), to: XSD.integer)   // "12"^^xsd:integer
/// try Casts.cast(.boolean(true), to: XSD.double)                                  // "1.0E0"^^xsd:double
/// ```
public enum Casts {
    /// Whether `datatype` is one a cast may target.
    public static func isCastTarget(_ datatype: String) -> Bool {
        [XSD.string, XSD.boolean, XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.dateTime].contains(datatype)
            || XSD.integerSubtypes[datatype] != nil
    }

    public static func cast(_ t: Term, to target: String) throws(ExpressionError) -> Term {
        let failure = ExpressionError("cannot cast \(t.ntriplesLike) to <\(target)>")
        switch t {
        case .blank: throw failure
        case .iri(let v), .name(let v):
            guard target == XSD.string else { throw failure }
            return .literal(v, datatype: nil, language: nil)
        case .literal(let lexical, _, let language):
            if target == XSD.string { return .literal(lexical, datatype: nil, language: nil) }
            guard language == nil else { throw failure }
            if t.isSimpleString { return try fromString(String(lexical.trimmingXMLWhitespace), to: target, failure) }
            if let b = t.booleanValue { return try fromNumber(.integer(b ? 1 : 0), to: target, boolean: b, failure) }
            if let n = Numeric(t) { return try fromNumber(n, to: target, boolean: nil, failure) }
            if target == XSD.dateTime, XSDDateTime(t) != nil { return t }
            throw failure
        }
    }

    private static func fromString(_ s: String, to target: String, _ failure: ExpressionError) throws(ExpressionError) -> Term {
        switch target {
        case XSD.boolean:
            switch s {
            case "true", "1": return .boolean(true)
            case "false", "0": return .boolean(false)
            default: throw failure
            }
        case XSD.dateTime:
            guard XSDDateTime(lexical: s) != nil else { throw failure }
            return .literal(s, datatype: XSD.dateTime, language: nil)
        default:
            guard let n = Numeric(lexical: s, datatype: target) else { throw failure }
            // The value in the target's canonical form (a subtype keeps its own datatype).
            if case .integer(let v) = n, target != XSD.integer { return .literal(String(v), datatype: target, language: nil) }
            return n.term
        }
    }

    private static func fromNumber(_ n: Numeric, to target: String, boolean: Bool?, _ failure: ExpressionError) throws(ExpressionError) -> Term {
        switch target {
        case XSD.boolean: return .boolean(boolean ?? !n.isZeroOrNaN)
        case XSD.double: return Numeric.double(n.asDouble).term
        case XSD.float: return Numeric.float(Float(n.asDouble)).term
        case XSD.decimal:
            if case .integer = n { return Numeric.decimal(n.asDecimal).term }
            if case .decimal = n { return n.term }
            guard n.asDouble.isFinite else { throw failure }
            return Numeric.decimal(n.asDecimal).term
        case XSD.dateTime: throw failure
        default:
            // xsd:integer or a subtype: the value truncated towards zero.
            let v: Int64
            switch n {
            case .integer(let i): v = i
            case .decimal(var d):
                var whole = Decimal()
                NSDecimalRound(&whole, &d, 0, d < 0 ? .up : .down)
                guard let i = Int64(whole.description) else { throw failure }
                v = i
            case .float, .double:
                let d = n.asDouble.rounded(.towardZero)
                guard d.isFinite, let i = Int64(exactly: d) else { throw failure }
                v = i
            }
            if let bounds = XSD.integerSubtypes[target] {
                if let min = bounds.min, v < min { throw failure }
                if let max = bounds.max, v > max { throw failure }
                return .literal(String(v), datatype: target, language: nil)
            }
            return .integer(v)
        }
    }
}
