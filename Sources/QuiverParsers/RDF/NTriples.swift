import QuiverCore

/// Writes terms and triples in canonical N-Triples form (RDF 1.1 N-Triples, section "Canonical
/// N-Triples").
///
/// ```swift
/// NTriples.format(Triple(.iri("http://ex/s"), .iri("http://ex/p"), .literal("a\"b", datatype: nil, language: "en")))
/// // <http://ex/s> <http://ex/p> "a\"b"@en .
/// ```
///
/// - Literals: `\t \b \n \r \f \" \\` as ECHAR; the other control characters (U+0000–U+001F,
///   U+007F) as `\uXXXX`; everything else as is. `xsd:string` literals carry no datatype.
/// - IRIs: characters IRIREF forbids (controls, space, `<>"{}|^` backquote, backslash) as `\uXXXX`.
///   The grammar forbids them escaped too, so the readers refuse such an IRI: it does not round-trip
///   (an IRI read from RDF never holds one).
/// - Blank nodes: `_:label`. A label that is not a valid BLANK_NODE_LABEL (say, one that came from a
///   tabular file, or one with ':', which N-Triples, N-Quads and Turtle all refuse) has each
///   offending character replaced by `_x`, its hex code point and `_`; that is not reversible, so
///   such labels do not round-trip.
/// - Plain names (`Term.name`) have no RDF form: they are written as `<name>`, escaped like an IRI, so
///   they read back as (relative-looking) IRIs, not as names. Callers that need real IRIs should map
///   names to IRIs under a namespace of their own before writing.
/// - Language tags are written as given.
public enum NTriples {
    /// One term in N-Triples syntax.
    public static func format(_ term: Term) -> String {
        var out: [UInt8] = []
        append(term, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// One triple as a line of N-Triples, without the line break: `<s> <p> <o> .`
    public static func format(_ triple: Triple) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        append(triple.subject, to: &out)
        out.append(0x20)
        append(triple.predicate, to: &out)
        out.append(0x20)
        append(triple.object, to: &out)
        out.append(contentsOf: [0x20, 0x2E])
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one term's N-Triples bytes to `out`.
    public static func append(_ term: Term, to out: inout [UInt8]) {
        switch term {
        case .iri(let iri), .name(let iri):
            appendIRI(iri, to: &out)
        case .blank(let label):
            out.append(contentsOf: [0x5F, 0x3A])
            appendBlankLabel(label, to: &out)
        case .literal(let value, let datatype, let language):
            out.append(0x22)
            for scalar in value.unicodeScalars {
                let v = scalar.value
                switch v {
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0x08: out.append(contentsOf: [0x5C, 0x62])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x0C: out.append(contentsOf: [0x5C, 0x66])
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x00...0x1F, 0x7F: appendUCHAR(v, to: &out)
                default: RDFCharacters.appendUTF8(v, to: &out)
                }
            }
            out.append(0x22)
            if let language {
                out.append(0x40)
                out.append(contentsOf: language.utf8)
            } else if let datatype, datatype != RDFVocabulary.string {
                out.append(contentsOf: [0x5E, 0x5E])
                appendIRI(datatype, to: &out)
            }
        }
    }

    private static func appendIRI(_ iri: String, to out: inout [UInt8]) {
        out.append(0x3C)
        for scalar in iri.unicodeScalars {
            if RDFCharacters.isForbiddenInIRI(scalar.value) {
                appendUCHAR(scalar.value, to: &out)
            } else {
                RDFCharacters.appendUTF8(scalar.value, to: &out)
            }
        }
        out.append(0x3E)
    }

    private static func appendBlankLabel(_ label: String, to out: inout [UInt8]) {
        let scalars = Array(label.unicodeScalars)
        if scalars.isEmpty {
            out.append(contentsOf: Array("_x0_".utf8))
            return
        }
        for (k, scalar) in scalars.enumerated() {
            let c = scalar.value
            let ok: Bool
            if k == 0 {
                ok = RDFCharacters.isPNCharsU(c) || (c >= 0x30 && c <= 0x39)
            } else if k == scalars.count - 1 {
                ok = RDFCharacters.isPNChars(c)
            } else {
                ok = RDFCharacters.isPNChars(c) || c == 0x2E
            }
            if ok {
                RDFCharacters.appendUTF8(c, to: &out)
            } else {
                out.append(0x5F)
                out.append(0x78)
                out.append(contentsOf: Array(String(c, radix: 16, uppercase: true).utf8))
                out.append(0x5F)
            }
        }
    }

    private static func appendUCHAR(_ v: UInt32, to out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        if v <= 0xFFFF {
            out.append(contentsOf: [0x5C, 0x75])
            for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
        } else {
            out.append(contentsOf: [0x5C, 0x55])
            for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
        }
    }
}
