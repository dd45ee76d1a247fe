/// An RDF term or a plain name from a tabular file.
///
/// Plain names (`head<TAB>relation<TAB>tail` files) are their own kind: `Nations`'s `usa` is neither an
/// IRI nor a literal. Blank node labels are already scoped per load when they reach the store.
///
/// ```swift
/// let t = Term.literal("chat", datatype: nil, language: "fr")
/// print(t.ntriples)   // "chat"@fr
/// ```
public enum Term: Hashable, Sendable {
    case name(String)
    case iri(String)
    case blank(String)
    /// A literal. `datatype == nil` means `xsd:string` (or `rdf:langString` when `language` is set).
    case literal(String, datatype: String?, language: String?)

    public var kind: TermKind {
        switch self {
        case .name: .name
        case .iri: .iri
        case .blank: .blank
        case .literal: .literal
        }
    }

    /// The lexical form (IRI without brackets, blank label without `_:`, literal value, plain name).
    public var value: String {
        switch self {
        case .name(let v), .iri(let v), .blank(let v): v
        case .literal(let v, _, _): v
        }
    }

    public var datatype: String? {
        if case .literal(_, let dt, _) = self { return dt }
        return nil
    }

    public var language: String? {
        if case .literal(_, _, let lang) = self { return lang }
        return nil
    }

    /// Rebuilds a term from its stored parts.
    public init(kind: TermKind, value: String, datatype: String? = nil, language: String? = nil) {
        switch kind {
        case .name: self = .name(value)
        case .iri: self = .iri(value)
        case .blank: self = .blank(value)
        case .literal: self = .literal(value, datatype: datatype, language: language)
        }
    }

    /// The 64-bit dictionary id of this term: a hash of its kind and parts, so every process and every
    /// load computes the same id without asking the database. The store checks for collisions.
    public var id: TermID { TermID(hashing: self) }

    /// Rebuilds a term from its canonical bytes (the inverse of `withCanonicalBytes`).
    public init?(canonical bytes: [UInt8]) {
        guard let first = bytes.first, let kind = TermKind(rawValue: Int16(first)) else { return nil }
        let rest = bytes.dropFirst()
        guard kind == .literal else {
            self.init(kind: kind, value: String(decoding: rest, as: UTF8.self))
            return
        }
        let parts = rest.split(separator: 0xFF, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let dt = parts[1].isEmpty ? nil : String(decoding: parts[1], as: UTF8.self)
        let lang = parts[2].isEmpty ? nil : String(decoding: parts[2], as: UTF8.self)
        self = .literal(String(decoding: parts[0], as: UTF8.self), datatype: dt, language: lang)
    }

    /// Equal exactly when the canonical bytes are (so exactly when the ids are): names compare by
    /// their UTF-8 bytes, not by Unicode canonical equivalence as `String` does, since the NFC and
    /// NFD spellings of a name are two terms in the store.
    public static func == (a: Term, b: Term) -> Bool {
        switch (a, b) {
        case (.name(let x), .name(let y)), (.iri(let x), .iri(let y)), (.blank(let x), .blank(let y)):
            return x.hasSameBytes(as: y)
        case (.literal(let v, let dt, let lang), .literal(let v2, let dt2, let lang2)):
            return v.hasSameBytes(as: v2) && (dt ?? "").hasSameBytes(as: dt2 ?? "")
                && Self.sameLanguage(lang ?? "", lang2 ?? "")
        default:
            return false
        }
    }

    /// Hashes the canonical bytes' parts without building them (term hashing is on the load path).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind.rawValue)
        switch self {
        case .name(let v), .iri(let v), .blank(let v):
            hasher.combineUTF8(of: v)
        case .literal(let v, let dt, let lang):
            hasher.combineUTF8(of: v)
            hasher.combineUTF8(of: dt ?? "")
            // Byte by byte in both cases, so that a tag that lower-cases to ASCII (the Kelvin
            // sign) hashes like the ASCII tag it equals.
            let tag = lang ?? ""
            if tag.utf8.allSatisfy({ $0 < 0x80 }) {
                hasher.combine(tag.utf8.count)
                for b in tag.utf8 { hasher.combine(Self.asciiLowercased(b)) }
            } else {
                let lower = tag.lowercased().utf8
                hasher.combine(lower.count)
                for b in lower { hasher.combine(b) }
            }
        }
    }

    /// Language tags compare case-insensitively, as in the canonical bytes.
    private static func sameLanguage(_ a: String, _ b: String) -> Bool {
        if a.hasSameBytes(as: b) { return true }
        let x = a.utf8, y = b.utf8
        if x.allSatisfy({ $0 < 0x80 }) && y.allSatisfy({ $0 < 0x80 }) {
            return x.count == y.count && zip(x, y).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
        }
        return a.lowercased().hasSameBytes(as: b.lowercased())
    }

    @inline(__always) private static func asciiLowercased(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Calls `body` with the term's canonical bytes: the kind byte, then the value; for literals
    /// also 0xFF, the datatype, 0xFF and the lower-cased language tag. Two terms are equal exactly
    /// when these bytes are, and a term's id is their hash.
    public func withCanonicalBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var bytes: [UInt8] = [UInt8(kind.rawValue)]
        switch self {
        case .name(let v), .iri(let v), .blank(let v):
            bytes.append(contentsOf: v.utf8)
        case .literal(let v, let dt, let lang):
            bytes.append(contentsOf: v.utf8)
            bytes.append(0xFF)
            if let dt { bytes.append(contentsOf: dt.utf8) }
            bytes.append(0xFF)
            if let lang { bytes.append(contentsOf: lang.lowercased().utf8) }
        }
        return try bytes.withUnsafeBytes(body)
    }
}

/// The kind of a term, as stored in the `terms.kind` column.
public enum TermKind: Int16, Sendable, CaseIterable, CustomStringConvertible {
    case name = 0
    case iri = 1
    case blank = 2
    case literal = 3

    public var description: String {
        switch self {
        case .name: "name"
        case .iri: "iri"
        case .blank: "blank"
        case .literal: "literal"
        }
    }
}

/// A term's dictionary id.
public struct TermID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }

    public init(hashing term: Term) {
        var h = TermHasher()
        term.withCanonicalBytes { h.combine(bytes: $0) }
        rawValue = Int64(bitPattern: h.finalize())
    }

    /// The id of a term given by its canonical bytes (see `Term.withCanonicalBytes`).
    @inline(__always)
    public init(hashingCanonical bytes: UnsafeRawBufferPointer) {
        var h = TermHasher()
        h.combine(bytes: bytes)
        rawValue = Int64(bitPattern: h.finalize())
    }

    public static func < (a: TermID, b: TermID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// 64-bit FNV-1a over the bytes followed by a SplitMix64 finaliser: fast, stable across processes and
/// platforms (unlike `Hasher`, which is seeded per process).
public struct TermHasher: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    @inline(__always)
    public mutating func combine(byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    public mutating func combine(_ string: String) {
        var s = string
        s.withUTF8 { buf in
            for b in buf { combine(byte: b) }
        }
    }

    @inline(__always)
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        var h = state
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        state = h
    }

    public func finalize() -> UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
