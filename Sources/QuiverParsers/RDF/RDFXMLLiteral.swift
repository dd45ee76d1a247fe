/// Writes the content of an `rdf:parseType="Literal"` property element as Exclusive XML
/// Canonicalization (with comments) renders it, which is the lexical form of its `rdf:XMLLiteral`
/// (RDF 1.1 XML Syntax section 7.2.17).
///
/// The property element itself is not part of the literal, so the first elements inside it declare
/// every namespace they visibly use; an element declares a prefix again only when its nearest
/// rendered ancestor bound it to something else. Attributes are sorted by namespace IRI and local
/// name, namespace declarations by prefix (the default namespace first), and empty elements are
/// written with an end tag.
struct XMLLiteralWriter {
    private(set) var text: [UInt8] = []
    /// The declarations rendered by each open element, outermost first.
    private var rendered: [[(prefix: String, namespace: String)]] = []
    private var names: [String] = []

    var depth: Int { names.count }

    mutating func start(_ tag: XMLStartTag) {
        append("<" + tag.name.qualified)
        var used: [(prefix: String, namespace: String)] = [(tag.name.prefix, tag.name.namespace)]
        for a in tag.attributes where !a.name.prefix.isEmpty && a.name.prefix != "xml" {
            if !used.contains(where: { $0.prefix == a.name.prefix }) { used.append((a.name.prefix, a.name.namespace)) }
        }
        var declared: [(prefix: String, namespace: String)] = []
        for (prefix, namespace) in used where prefix != "xml" {
            let inScope = renderedNamespace(for: prefix) ?? ""
            if inScope != namespace { declared.append((prefix, namespace)) }
        }
        declared.sort { $0.prefix < $1.prefix }
        for d in declared {
            append(d.prefix.isEmpty ? " xmlns=\"" : " xmlns:" + d.prefix + "=\"")
            appendEscaped(d.namespace, attribute: true)
            append("\"")
        }
        let attributes = tag.attributes.sorted {
            ($0.name.namespace, $0.name.local) < ($1.name.namespace, $1.name.local)
        }
        for a in attributes {
            append(" " + a.name.qualified + "=\"")
            appendEscaped(a.value, attribute: true)
            append("\"")
        }
        append(">")
        rendered.append(declared)
        names.append(tag.name.qualified)
    }

    mutating func end() {
        guard let name = names.popLast() else { return }
        rendered.removeLast()
        append("</" + name + ">")
    }

    mutating func characters(_ s: String) {
        appendEscaped(s, attribute: false)
    }

    mutating func comment(_ s: String) {
        append("<!--" + s + "-->")
    }

    mutating func processingInstruction(target: String, data: String) {
        append(data.isEmpty ? "<?" + target + "?>" : "<?" + target + " " + data + "?>")
    }

    var string: String { String(decoding: text, as: UTF8.self) }

    private func renderedNamespace(for prefix: String) -> String? {
        for level in rendered.reversed() {
            if let d = level.last(where: { $0.prefix == prefix }) { return d.namespace }
        }
        return nil
    }

    private mutating func append(_ s: String) {
        text.append(contentsOf: s.utf8)
    }

    private mutating func appendEscaped(_ s: String, attribute: Bool) {
        for b in s.utf8 {
            switch b {
            case 0x26: append("&amp;")
            case 0x3C: append("&lt;")
            case 0x3E where !attribute: append("&gt;")
            case 0x22 where attribute: append("&quot;")
            case 0x09 where attribute: append("&#x9;")
            case 0x0A where attribute: append("&#xA;")
            case 0x0D: append("&#xD;")
            default: text.append(b)
            }
        }
    }
}
