import QuiverCore

/// Output formats for `quiver export` and `quiver convert`.
public enum OutputFormat: String, Sendable, CaseIterable {
    case ntriples = "nt"
    case tsv

    public init?(name: String) {
        switch name.lowercased() {
        case "nt", "ntriples", "n-triples": self = .ntriples
        case "tsv", "txt": self = .tsv
        default: return nil
        }
    }
}

/// Turns triples into lines of N-Triples or TSV.
///
/// Plain names (from TSV inputs) have no RDF form: in N-Triples they become IRIs under
/// `urn:quiver:name:` with the name percent-encoded, so the output is valid N-Triples. In TSV,
/// plain names are written as they are and other terms in their N-Triples form; a name the TSV
/// reader would refuse (`TermProblem`: empty, or with a NUL, tab or line break) is an error.
public struct TripleWriter: Sendable {
    public static let nameNamespace = "urn:quiver:name:"
    public let format: OutputFormat

    public init(format: OutputFormat) { self.format = format }

    public struct UnrepresentableTerm: PresentableError {
        public var term: Term
        public var category: ErrorCategory { .invalidInput }
        public var message: ErrorMessage {
            let problem = term.problem.map(\.description) ?? "contains a tab or line break"
            return "the name \(NTriples.format(.literal(term.value, datatype: nil, language: nil))) \(problem) and cannot be written as TSV; export as nt"
        }
    }

    /// Appends one line (with its line break) to `out`.
    public func append(_ s: Term, _ p: Term, _ o: Term, to out: inout [UInt8]) throws {
        switch format {
        case .ntriples:
            NTriples.append(Self.rdf(s), to: &out)
            out.append(0x20)
            NTriples.append(Self.rdf(p), to: &out)
            out.append(0x20)
            NTriples.append(Self.rdf(o), to: &out)
            out.append(contentsOf: [0x20, 0x2E, 0x0A])
        case .tsv:
            try appendTSV(s, to: &out)
            out.append(0x09)
            try appendTSV(p, to: &out)
            out.append(0x09)
            try appendTSV(o, to: &out)
            out.append(0x0A)
        }
    }

    private func appendTSV(_ t: Term, to out: inout [UInt8]) throws {
        if case .name(let v) = t {
            if t.problem != nil { throw UnrepresentableTerm(term: t) }
            out.append(contentsOf: v.utf8)
        } else {
            NTriples.append(t, to: &out)
        }
    }

    /// The RDF form of a term: plain names become `urn:quiver:name:` IRIs.
    public static func rdf(_ t: Term) -> Term {
        guard case .name(let v) = t else { return t }
        func unreserved(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
        }
        // SPARQL names every answer's terms this way: most names need no escape, one copy.
        if v.utf8.allSatisfy(unreserved) { return .iri(nameNamespace + v) }
        var iri = Array(nameNamespace.utf8)
        iri.reserveCapacity(iri.count + v.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in v.utf8 {
            if unreserved(b) {
                iri.append(b)
            } else {
                iri += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return .iri(String(decoding: iri, as: UTF8.self))
    }

    /// The inverse of `rdf`: an IRI under `urn:quiver:name:` (as `rdf` writes it) is the plain
    /// name it stands for; any other term is itself. A query naming `<urn:quiver:name:usa>`
    /// means the node `usa` of a TSV-loaded graph.
    public static func plain(_ t: Term) -> Term {
        guard case .iri(let iri) = t, iri.hasPrefix(nameNamespace) else { return t }
        var bytes: [UInt8] = []
        var u = iri.utf8.dropFirst(nameNamespace.utf8.count)[...]
        while let b = u.first {
            u = u.dropFirst()
            guard b == UInt8(ascii: "%") else { bytes.append(b); continue }
            guard u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) else { return t }
            bytes.append(v)
            u = u.dropFirst(2)
        }
        guard let name = String(validating: bytes, as: UTF8.self), !name.isEmpty, rdf(.name(name)) == t else { return t }
        return .name(name)
    }
}
