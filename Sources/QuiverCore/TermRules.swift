/// Why a term cannot be stored, or cannot be exported as TSV and loaded back.
///
/// PostgreSQL text holds no NUL byte. A plain name is a TSV field, so it is not empty and holds no
/// tab, carriage return or line feed; IRIs and blank node labels follow the same rule (none of
/// those characters is allowed in them by RDF either). Literals may be empty and hold any text but
/// NUL. The TSV reader refuses the same bytes in its fields, `ADD` in its words and `Store.add` in
/// its triples, so what one accepts the others load back.
///
/// ```swift
/// Term.name("a\tb").problem          // .tab
/// Term.name("a\tb").problem?.found   // "a tab"
/// ```
public enum TermProblem: Sendable, Equatable, CustomStringConvertible {
    case empty
    case nul
    case tab
    case carriageReturn
    case lineFeed

    /// As the rest of a sentence about the term: "is empty", "contains a NUL byte".
    public var description: String { self == .empty ? "is empty" : "contains \(found)" }

    /// What a parser reports as found there.
    public var found: String {
        switch self {
        case .empty: "an empty name"
        case .nul: "a NUL byte"
        case .tab: "a tab"
        case .carriageReturn: "a carriage return"
        case .lineFeed: "a line feed"
        }
    }

    /// The problem a byte is, if any, in a name (`inName`) or in any stored text.
    @inline(__always)
    public static func of(byte: UInt8, inName: Bool) -> TermProblem? {
        switch byte {
        case 0x00: .nul
        case 0x09 where inName: .tab
        case 0x0A where inName: .lineFeed
        case 0x0D where inName: .carriageReturn
        default: nil
        }
    }

    /// The first problem in a name's bytes, and where it is.
    public static func first(inName text: String) -> (problem: TermProblem, offset: Int)? {
        if text.isEmpty { return (.empty, 0) }
        for (offset, b) in text.utf8.enumerated() {
            if let p = of(byte: b, inName: true) { return (p, offset) }
        }
        return nil
    }

    /// Whether the text holds a NUL byte (which no stored text may).
    public static func containsNUL(_ text: String?) -> Bool { text?.utf8.contains(0) ?? false }
}

extension Term {
    /// Why this term cannot be stored or round-trip through TSV; nil when it can.
    public var problem: TermProblem? {
        switch self {
        case .name(let v), .iri(let v), .blank(let v):
            return TermProblem.first(inName: v)?.problem
        case .literal(let v, let dt, let lang):
            return TermProblem.containsNUL(v) || TermProblem.containsNUL(dt) || TermProblem.containsNUL(lang) ? .nul : nil
        }
    }
}
