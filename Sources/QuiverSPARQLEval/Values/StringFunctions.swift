import Foundation
import QuiverCore

/// SPARQL's functions on strings (§17.4.3), over terms: each checks its arguments as the
/// specification says (string literals only; the argument-compatibility rule for the two-string
/// ones) and keeps the first argument's language tag or type where the specification does.
/// Lengths and positions count Unicode code points, as XPath does.
public enum StringFunctions {
    static func string(_ t: Term, _ function: String) throws(ExpressionError) -> (lexical: String, language: String?) {
        guard let parts = t.stringParts else { throw ExpressionError("\(function) takes a string literal, not \(t.ntriplesLike)") }
        return parts
    }

    /// The rule of §17.4.3.1.1: both simple or xsd:string; both with the same language tag; or
    /// the first with a language tag and the second simple or xsd:string.
    static func compatible(_ a: Term, _ b: Term, _ function: String) throws(ExpressionError) -> (String, String, String?) {
        let x = try string(a, function), y = try string(b, function)
        guard y.language == nil || SPARQLValues.sameLanguage(x.language, y.language) else {
            throw ExpressionError("\(function): the arguments \(a.ntriplesLike) and \(b.ntriplesLike) are not compatible")
        }
        return (x.lexical, y.lexical, x.language)
    }

    /// Keeps `like`'s kind: its language tag, or xsd:string (stored as a simple literal).
    static func like(_ like: Term, _ value: String) -> Term {
        .literal(value, datatype: nil, language: like.stringParts?.language)
    }

    public static func strlen(_ t: Term) throws(ExpressionError) -> Term {
        .integer(Int64(try string(t, "STRLEN").lexical.unicodeScalars.count))
    }

    /// SUBSTR(s, start [, length]): XPath's fn:substring: the code points at positions p with
    /// round(start) ≤ p < round(start) + round(length), positions from 1.
    public static func substr(_ t: Term, _ start: Term, _ length: Term?) throws(ExpressionError) -> Term {
        let s = try string(t, "SUBSTR")
        guard let from = Numeric(start) else { throw ExpressionError("SUBSTR's start must be a number, not \(start.ntriplesLike)") }
        let first = from.rounded.asDouble
        var last = Double.infinity
        if let length {
            guard let n = Numeric(length) else { throw ExpressionError("SUBSTR's length must be a number, not \(length.ntriplesLike)") }
            last = first + n.rounded.asDouble
        }
        guard !first.isNaN, !last.isNaN else { return like(t, "") }
        var out = String.UnicodeScalarView()
        for (i, c) in s.lexical.unicodeScalars.enumerated() {
            let p = Double(i + 1)
            if p >= first && p < last { out.append(c) }
        }
        return like(t, String(out))
    }

    public static func ucase(_ t: Term) throws(ExpressionError) -> Term { like(t, try string(t, "UCASE").lexical.uppercased()) }
    public static func lcase(_ t: Term) throws(ExpressionError) -> Term { like(t, try string(t, "LCASE").lexical.lowercased()) }

    public static func strstarts(_ a: Term, _ b: Term) throws(ExpressionError) -> Term {
        let (x, y, _) = try compatible(a, b, "STRSTARTS")
        return .boolean(x.unicodeScalars.starts(with: y.unicodeScalars))
    }

    public static func strends(_ a: Term, _ b: Term) throws(ExpressionError) -> Term {
        let (x, y, _) = try compatible(a, b, "STRENDS")
        return .boolean(x.unicodeScalars.reversed().starts(with: y.unicodeScalars.reversed()))
    }

    public static func contains(_ a: Term, _ b: Term) throws(ExpressionError) -> Term {
        let (x, y, _) = try compatible(a, b, "CONTAINS")
        return .boolean(range(of: y, in: x) != nil)
    }

    /// The first occurrence of `needle` in `haystack`, by code points.
    static func range(of needle: String, in haystack: String) -> Range<String.UnicodeScalarView.Index>? {
        let h = haystack.unicodeScalars, n = needle.unicodeScalars
        if n.isEmpty { return h.startIndex..<h.startIndex }
        var i = h.startIndex
        while i != h.endIndex {
            if h[i...].starts(with: n) { return i..<h.index(i, offsetBy: n.count) }
            i = h.index(after: i)
        }
        return nil
    }

    /// STRBEFORE: the part before the first match, with the first argument's kind; the empty
    /// simple literal when there is none.
    public static func strbefore(_ a: Term, _ b: Term) throws(ExpressionError) -> Term {
        let (x, y, _) = try compatible(a, b, "STRBEFORE")
        guard let r = range(of: y, in: x) else { return .string("", language: nil) }
        return like(a, String(x.unicodeScalars[..<r.lowerBound]))
    }

    public static func strafter(_ a: Term, _ b: Term) throws(ExpressionError) -> Term {
        let (x, y, _) = try compatible(a, b, "STRAFTER")
        guard let r = range(of: y, in: x) else { return .string("", language: nil) }
        return like(a, String(x.unicodeScalars[r.upperBound...]))
    }

    /// ENCODE_FOR_URI: every UTF-8 byte but the unreserved characters percent-encoded.
    public static func encodeForURI(_ t: Term) throws(ExpressionError) -> Term {
        var out = ""
        for b in try string(t, "ENCODE_FOR_URI").lexical.utf8 {
            let unreserved = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            out += unreserved ? String(UnicodeScalar(b)) : String(format: "%%%02X", b)
        }
        return .string(out, language: nil)
    }

    /// CONCAT: a language tag when every argument has that one; else simple.
    public static func concat(_ args: [Term]) throws(ExpressionError) -> Term {
        var text = "", language: String?? = .none
        for a in args {
            let s = try string(a, "CONCAT")
            text += s.lexical
            switch language {
            case .none: language = .some(s.language)
            case .some(let l) where !SPARQLValues.sameLanguage(l, s.language): language = .some(nil)
            default: break
            }
        }
        return .string(text, language: language ?? nil)
    }

    /// LANGMATCHES(tag, range): RFC 4647 basic filtering; `*` matches every non-empty tag.
    public static func langMatches(_ tag: Term, _ range: Term) throws(ExpressionError) -> Term {
        guard case .literal(let t, nil, nil) = tag, case .literal(let r, nil, nil) = range else {
            throw ExpressionError("LANGMATCHES takes two simple literals")
        }
        if r == "*" { return .boolean(!t.isEmpty) }
        let (lt, lr) = (t.lowercased(), r.lowercased())
        return .boolean(lt == lr || lt.hasPrefix(lr + "-"))
    }

    public static func strlang(_ t: Term, _ lang: Term) throws(ExpressionError) -> Term {
        guard t.isSimpleString, case .literal(let tag, nil, nil) = lang, !tag.isEmpty else {
            throw ExpressionError("STRLANG takes a simple literal and a language tag")
        }
        return .literal(t.value, datatype: nil, language: tag)
    }

    public static func strdt(_ t: Term, _ datatype: Term) throws(ExpressionError) -> Term {
        guard t.isSimpleString, case .iri(let dt) = datatype else { throw ExpressionError("STRDT takes a simple literal and an IRI") }
        return .literal(t.value, datatype: dt == XSD.string ? nil : dt, language: nil)
    }

    // MARK: REGEX and REPLACE

    /// An XPath regular expression with its flags (`s`, `m`, `i`, `x`, `q`) as ICU's.
    static func expression(_ pattern: Term, _ flags: Term?, _ function: String) throws(ExpressionError) -> NSRegularExpression {
        guard pattern.isSimpleString else { throw ExpressionError("\(function)'s pattern must be a simple literal") }
        var options: NSRegularExpression.Options = []
        var text = pattern.value
        if let flags {
            guard flags.isSimpleString else { throw ExpressionError("\(function)'s flags must be a simple literal") }
            for f in flags.value {
                switch f {
                case "s": options.insert(.dotMatchesLineSeparators)
                case "m": options.insert(.anchorsMatchLines)
                case "i": options.insert(.caseInsensitive)
                case "x": text = String(text.filter { !" \t\n\r".contains($0) })
                case "q": text = NSRegularExpression.escapedPattern(for: text)
                default: throw ExpressionError("\(function): unknown flag '\(f)'")
                }
            }
        }
        do {
            return try NSRegularExpression(pattern: text, options: options)
        } catch {
            throw ExpressionError("\(function): invalid regular expression \(pattern.ntriplesLike)")
        }
    }

    public static func regex(_ t: Term, _ pattern: Term, _ flags: Term?) throws(ExpressionError) -> Term {
        let s = try string(t, "REGEX").lexical
        let re = try expression(pattern, flags, "REGEX")
        return .boolean(re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil)
    }

    /// REPLACE: `$n` in the replacement is group n; a pattern that matches the empty string is
    /// an error (XPath FORX0003).
    public static func replace(_ t: Term, _ pattern: Term, _ replacement: Term, _ flags: Term?) throws(ExpressionError) -> Term {
        let s = try string(t, "REPLACE").lexical
        guard replacement.isSimpleString else { throw ExpressionError("REPLACE's replacement must be a simple literal") }
        let re = try expression(pattern, flags, "REPLACE")
        if re.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
            throw ExpressionError("REPLACE: the pattern \(pattern.ntriplesLike) matches the empty string")
        }
        let out = re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: replacement.value)
        return like(t, out)
    }
}
