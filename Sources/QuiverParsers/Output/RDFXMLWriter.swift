import QuiverCore

/// Triples as an RDF/XML document (the SPARQL endpoint's `application/rdf+xml` answers, which
/// clients such as roqet read by default): one `rdf:Description` per run of triples with one
/// subject, each predicate split into a namespace (declared once on `rdf:RDF`) and a local name.
///
/// ```swift
/// let xml = try RDFXMLWriter.document([Triple(.iri("http://ex/a"), .iri("http://ex/p"), .literal("x", datatype: nil, language: "en"))])
/// ```
public enum RDFXMLWriter {
    /// A predicate RDF/XML cannot write: no XML name ends it (`http://ex/p/`, `urn:x:1`).
    public struct UnwritablePredicate: PresentableError, Equatable {
        public var iri: String
        public var category: ErrorCategory { .invalidInput }
        public var message: ErrorMessage { "RDF/XML cannot write the predicate <\(iri)>: it does not end in an XML name; ask for N-Triples or Turtle" }
    }

    public static func document(_ triples: [Triple]) throws(UnwritablePredicate) -> String {
        var namespaces: [String: String] = [RDF.namespace: "rdf"]
        var order: [String] = []
        var body = ""
        var blankIDs: [String: String] = [:]
        func nodeID(_ label: String) -> String {
            if let id = blankIDs[label] { return id }
            let id = "b\(blankIDs.count)"
            blankIDs[label] = id
            return id
        }
        func subjectAttribute(_ t: Term) -> String {
            switch TripleWriter.rdf(t) {
            case .blank(let label): return "rdf:nodeID=\"\(nodeID(label))\""
            case let other: return "rdf:about=\"\(escape(other.value, attribute: true))\""
            }
        }
        var current: Term?
        for triple in triples {
            if current != triple.subject {
                if current != nil { body += "  </rdf:Description>\n" }
                body += "  <rdf:Description \(subjectAttribute(triple.subject))>\n"
                current = triple.subject
            }
            let predicate = TripleWriter.rdf(triple.predicate).value
            let (namespace, local) = try split(predicate)
            let prefix: String
            if let p = namespaces[namespace] {
                prefix = p
            } else {
                prefix = "ns\(order.count)"
                namespaces[namespace] = prefix
                order.append(namespace)
            }
            let element = prefix + ":" + local
            switch TripleWriter.rdf(triple.object) {
            case .iri(let iri): body += "    <\(element) rdf:resource=\"\(escape(iri, attribute: true))\"/>\n"
            case .blank(let label): body += "    <\(element) rdf:nodeID=\"\(nodeID(label))\"/>\n"
            case .literal(let value, let datatype, let language):
                var attributes = ""
                if let language { attributes = " xml:lang=\"\(escape(language, attribute: true))\"" }
                else if let datatype, datatype != XSD.string { attributes = " rdf:datatype=\"\(escape(datatype, attribute: true))\"" }
                body += "    <\(element)\(attributes)>\(escape(value, attribute: false))</\(element)>\n"
            case .name(let n): body += "    <\(element) rdf:resource=\"\(escape(n, attribute: true))\"/>\n"
            }
        }
        if current != nil { body += "  </rdf:Description>\n" }
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rdf:RDF xmlns:rdf=\"\(RDF.namespace)\""
        for namespace in order { out += "\n    xmlns:\(namespaces[namespace]!)=\"\(escape(namespace, attribute: true))\"" }
        return out + ">\n" + body + "</rdf:RDF>\n"
    }

    /// The IRI as namespace and local name: the longest XML name (NCName) that ends it.
    static func split(_ iri: String) throws(UnwritablePredicate) -> (String, String) {
        let scalars = Array(iri.unicodeScalars)
        var start = scalars.count
        while start > 0, isNameChar(scalars[start - 1]) { start -= 1 }
        // The local name must begin with a letter or `_`: skip digits, `-` and `.` at its front.
        while start < scalars.count, !isNameStart(scalars[start]) { start += 1 }
        guard start < scalars.count, start > 0 else { throw UnwritablePredicate(iri: iri) }
        var namespace = String.UnicodeScalarView(), local = String.UnicodeScalarView()
        namespace.append(contentsOf: scalars[..<start])
        local.append(contentsOf: scalars[start...])
        return (String(namespace), String(local))
    }

    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || ("A"..."Z").contains(c) || ("a"..."z").contains(c) || (c.value >= 0xC0 && c.value != 0xD7 && c.value != 0xF7)
    }

    static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        isNameStart(c) || c == "-" || c == "." || ("0"..."9").contains(c) || c.value == 0xB7
    }

    /// XML's escapes; in attributes also the quote and the characters that would be normalised away.
    static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
