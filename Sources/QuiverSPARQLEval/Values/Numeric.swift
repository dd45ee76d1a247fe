import Foundation
import QuiverCore

/// A value of one of XPath's numeric types, which SPARQL's arithmetic and comparisons promote
/// along integer → decimal → float → double (the subtypes of xsd:integer count as integers).
///
/// xsd:integer is held in 64 bits: an operation whose integer result does not fit is an error
/// (XPath lets an implementation bound its integers so, FOAR0002). xsd:decimal is Foundation's
/// `Decimal` (38 significant digits).
///
/// ```swift
/// let a = Numeric(Term.literal("1", datatype: XSD.integer, language: nil))!
/// let b = Numeric(Term.literal("2.5", datatype: XSD.decimal, language: nil))!
/// try (a + b).term   // "3.5"^^xsd:decimal
/// try (a / a).term   // "1"^^xsd:decimal: integer division gives a decimal
/// ```
public enum Numeric: Sendable, Equatable {
    case integer(Int64)
    case decimal(Decimal)
    case float(Float)
    case double(Double)

    /// The numeric value of a literal of a numeric datatype with a valid lexical form; nil for
    /// any other term (ill-typed numeric literals included: operations on them are errors).
    public init?(_ term: Term) {
        guard case .literal(let lexical, let datatype?, nil) = term else { return nil }
        self.init(lexical: lexical, datatype: datatype)
    }

    /// The value of `lexical` read as `datatype`; nil when the datatype is not numeric or the
    /// form is not valid for it (RDF takes lexical forms as they are: no whitespace around).
    public init?(lexical: String, datatype: String) {
        switch datatype {
        case XSD.integer:
            guard let v = Self.parseInteger(lexical) else { return nil }
            self = .integer(v)
        case XSD.decimal:
            guard let v = Self.parseDecimal(lexical) else { return nil }
            self = .decimal(v)
        case XSD.double:
            guard let v = Self.parseDouble(lexical) else { return nil }
            self = .double(v)
        case XSD.float:
            guard let v = Self.parseDouble(lexical) else { return nil }
            self = .float(Float(v))
        default:
            guard let bounds = XSD.integerSubtypes[datatype], let v = Self.parseInteger(lexical) else { return nil }
            if let min = bounds.min, v < min { return nil }
            if let max = bounds.max, v > max { return nil }
            self = .integer(v)
        }
    }

    /// Whether `datatype` is one of the numeric types (xsd:integer's subtypes included).
    public static func isNumeric(datatype: String) -> Bool {
        datatype == XSD.integer || datatype == XSD.decimal || datatype == XSD.double || datatype == XSD.float
            || XSD.integerSubtypes[datatype] != nil
    }

    // MARK: Lexical forms

    /// `[+-]?[0-9]+`
    static func parseInteger(_ s: String) -> Int64? {
        let t = s[...]
        guard isInteger(t) else { return nil }
        return Int64(String(t.hasPrefix("+") ? t.dropFirst() : t))
    }

    private static func isInteger(_ t: Substring) -> Bool {
        var u = t.utf8[...]
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
        return !u.isEmpty && u.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)`
    static func parseDecimal(_ s: String) -> Decimal? {
        let t = s[...]
        guard isDecimal(t) else { return nil }
        return Decimal(string: String(t.hasPrefix("+") ? t.dropFirst() : t), locale: Locale(identifier: "en_US_POSIX"))
    }

    private static func isDecimal(_ t: Substring) -> Bool {
        var u = t.utf8[...]
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
        var digits = 0, dots = 0
        for b in u {
            if b >= 0x30 && b <= 0x39 { digits += 1 } else if b == UInt8(ascii: ".") { dots += 1 } else { return false }
        }
        return digits > 0 && dots <= 1
    }

    /// A decimal with an optional exponent, or INF, +INF, -INF, NaN.
    static func parseDouble(_ s: String) -> Double? {
        let t = s[...]
        switch t {
        case "INF", "+INF": return .infinity
        case "-INF": return -.infinity
        case "NaN": return .nan
        default: break
        }
        let parts = t.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let split = parts.count == 2 ? parts : t.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false)
        guard isDecimal(split[0]), split.count == 1 || isInteger(split[1]) else { return nil }
        return Double(String(t.hasPrefix("+") ? t.dropFirst() : t))
    }

    // MARK: Terms

    /// The literal of this value in its datatype's canonical form.
    public var term: Term {
        switch self {
        case .integer(let v): .literal(String(v), datatype: XSD.integer, language: nil)
        case .decimal(let v): .literal(Self.canonical(v), datatype: XSD.decimal, language: nil)
        case .float(let v): .literal(Self.canonical(Double(v), digits: "\(v)"), datatype: XSD.float, language: nil)
        case .double(let v): .literal(Self.canonical(v, digits: "\(v)"), datatype: XSD.double, language: nil)
        }
    }

    /// xsd:decimal as XPath writes it (and the W3C suites expect): no leading or trailing zeros,
    /// no point for a whole number (`3`, `2.5`, `-0.25`).
    static func canonical(_ d: Decimal) -> String {
        let s = d.description
        return s == "-0" ? "0" : s
    }

    /// xsd:double's canonical form: `1.5E2`, `-1.0E-3`, `0.0E0`, `INF`, `-INF`, `NaN`. `digits` is
    /// the shortest decimal spelling that reads back as the value (Swift's description).
    static func canonical(_ v: Double, digits: String) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-INF" : "INF" }
        if v == 0 { return v.sign == .minus ? "-0.0E0" : "0.0E0" }
        var text = Substring(digits)
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let intPart = text[..<point], fraction = point < text.endIndex ? text[text.index(after: point)...] : ""
        var mantissa = Array(intPart + fraction)
        exponent += intPart.count - 1
        while mantissa.first == "0" && mantissa.count > 1 {
            mantissa.removeFirst()
            exponent -= 1
        }
        while mantissa.last == "0" && mantissa.count > 1 { mantissa.removeLast() }
        let rest = mantissa.count > 1 ? String(mantissa.dropFirst()) : "0"
        return (negative ? "-" : "") + String(mantissa[0]) + "." + rest + "E" + String(exponent)
    }

    // MARK: Promotion and arithmetic

    /// The rank of the type in the promotion order.
    private var rank: Int {
        switch self {
        case .integer: 0
        case .decimal: 1
        case .float: 2
        case .double: 3
        }
    }

    var asDecimal: Decimal {
        switch self {
        case .integer(let v): Decimal(v)
        case .decimal(let v): v
        case .float(let v): Decimal(Double(v))
        case .double(let v): Decimal(v)
        }
    }

    public var asDouble: Double {
        switch self {
        case .integer(let v): Double(v)
        case .decimal(let v): NSDecimalNumber(decimal: v).doubleValue
        case .float(let v): Double(v)
        case .double(let v): v
        }
    }

    private func promoted(to rank: Int) -> Numeric {
        guard rank > self.rank else { return self }
        switch rank {
        case 1: return .decimal(asDecimal)
        case 2: return .float(Float(asDouble))
        default: return .double(asDouble)
        }
    }

    /// Both operands in their common type.
    static func promote(_ a: Numeric, _ b: Numeric) -> (Numeric, Numeric) {
        let r = max(a.rank, b.rank)
        return (a.promoted(to: r), b.promoted(to: r))
    }

    public static func + (a: Numeric, b: Numeric) throws(ExpressionError) -> Numeric {
        switch promote(a, b) {
        case (.integer(let x), .integer(let y)):
            let (v, overflow) = x.addingReportingOverflow(y)
            if overflow { throw ExpressionError("integer overflow in \(x) + \(y)") }
            return .integer(v)
        case (.decimal(let x), .decimal(let y)): return .decimal(x + y)
        case (.float(let x), .float(let y)): return .float(x + y)
        case (let x, let y): return .double(x.asDouble + y.asDouble)
        }
    }

    public static func - (a: Numeric, b: Numeric) throws(ExpressionError) -> Numeric {
        switch promote(a, b) {
        case (.integer(let x), .integer(let y)):
            let (v, overflow) = x.subtractingReportingOverflow(y)
            if overflow { throw ExpressionError("integer overflow in \(x) - \(y)") }
            return .integer(v)
        case (.decimal(let x), .decimal(let y)): return .decimal(x - y)
        case (.float(let x), .float(let y)): return .float(x - y)
        case (let x, let y): return .double(x.asDouble - y.asDouble)
        }
    }

    public static func * (a: Numeric, b: Numeric) throws(ExpressionError) -> Numeric {
        switch promote(a, b) {
        case (.integer(let x), .integer(let y)):
            let (v, overflow) = x.multipliedReportingOverflow(by: y)
            if overflow { throw ExpressionError("integer overflow in \(x) * \(y)") }
            return .integer(v)
        case (.decimal(let x), .decimal(let y)): return .decimal(x * y)
        case (.float(let x), .float(let y)): return .float(x * y)
        case (let x, let y): return .double(x.asDouble * y.asDouble)
        }
    }

    /// Integer by integer gives a decimal (XPath's op:numeric-divide); a decimal division by zero
    /// is an error, a float or double one gives INF or NaN.
    public static func / (a: Numeric, b: Numeric) throws(ExpressionError) -> Numeric {
        switch promote(a, b) {
        case (.integer, .integer), (.decimal, .decimal):
            let y = b.asDecimal
            if y.isZero { throw ExpressionError("division by zero") }
            return .decimal(a.asDecimal / y)
        case (.float(let x), .float(let y)): return .float(x / y)
        case (let x, let y): return .double(x.asDouble / y.asDouble)
        }
    }

    public func negated() throws(ExpressionError) -> Numeric {
        switch self {
        case .integer(let v):
            if v == .min { throw ExpressionError("integer overflow in -(\(v))") }
            return .integer(-v)
        case .decimal(let v): return .decimal(-v)
        case .float(let v): return .float(-v)
        case .double(let v): return .double(-v)
        }
    }

    /// The order of two values in their common type; nil when either is NaN.
    public static func compare(_ a: Numeric, _ b: Numeric) -> ComparisonResult? {
        func order<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult { x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        switch promote(a, b) {
        case (.integer(let x), .integer(let y)): return order(x, y)
        case (.decimal(let x), .decimal(let y)): return order(x, y)
        case (.float(let x), .float(let y)): return x.isNaN || y.isNaN ? nil : order(x, y)
        case (let x, let y):
            let (dx, dy) = (x.asDouble, y.asDouble)
            return dx.isNaN || dy.isNaN ? nil : order(dx, dy)
        }
    }

    /// Zero or NaN (the effective boolean value false).
    public var isZeroOrNaN: Bool {
        switch self {
        case .integer(let v): v == 0
        case .decimal(let v): v.isZero
        case .float(let v): v == 0 || v.isNaN
        case .double(let v): v == 0 || v.isNaN
        }
    }

    // MARK: ABS, ROUND, CEIL, FLOOR

    public var absolute: Numeric {
        get throws(ExpressionError) {
            switch self {
            case .integer(let v):
                if v == .min { throw ExpressionError("integer overflow in ABS(\(v))") }
                return .integer(Swift.abs(v))
            case .decimal(let v): return .decimal(v < 0 ? -v : v)
            case .float(let v): return .float(Swift.abs(v))
            case .double(let v): return .double(Swift.abs(v))
            }
        }
    }

    /// XPath's fn:round: halves go towards positive infinity (-2.5 → -2).
    public var rounded: Numeric { rounding(.down, offsetHalf: true) }
    public var ceiling: Numeric { rounding(.up, offsetHalf: false) }
    public var floor: Numeric { rounding(.down, offsetHalf: false) }

    private func rounding(_ rule: FloatingPointRoundingRule, offsetHalf: Bool) -> Numeric {
        switch self {
        case .integer: return self
        case .decimal(var v):
            if offsetHalf { v += Decimal(string: "0.5")! }
            var out = Decimal()
            NSDecimalRound(&out, &v, 0, rule == .up ? .up : .down)
            return .decimal(out)
        case .float(let v): return .float(offsetHalf ? (v + 0.5).rounded(.down) : v.rounded(rule))
        case .double(let v): return .double(offsetHalf ? (v + 0.5).rounded(.down) : v.rounded(rule))
        }
    }
}

extension String {
    /// Without the XML whitespace that XSD's lexical spaces collapse at both ends.
    var trimmingXMLWhitespace: Substring {
        let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        let u = utf8
        guard let first = u.firstIndex(where: { !ws.contains($0) }), let last = u.lastIndex(where: { !ws.contains($0) }) else { return "" }
        return self[first...last]
    }
}
