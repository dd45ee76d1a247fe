import QuiverCore

/// Reads the SPARQL Query Results XML Format.
///
/// The elements must be in the results namespace (`http://www.w3.org/2005/sparql-results#`),
/// as default or prefixed; `<link>` in the head is skipped; whitespace between elements is
/// ignored, a literal's text kept exactly. An empty `<binding>` (not in the schema, but in the W3C
/// suite's `service07.srx`) is read as an unbound variable. Only UTF-8 documents are read, and a document type
/// declaration is refused. Errors give the line and column of the offending element or text.
///
/// ```swift
/// let xml = """
///     <sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>true</boolean></sparql>
///     """
/// try XMLResultsReader.read(Array(xml.utf8))   // .boolean(true)
/// ```
public enum XMLResultsReader {
    public static func read(_ bytes: [UInt8]) throws -> QueryResults {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            throw ResultsReadError(format: .xml, bytes: bytes, offset: bad, found: "a byte that is not UTF-8", expected: "UTF-8 text")
        }
        var parser = XMLParser(bytes: bytes)
        let root = try parser.parseDocument()
        return try XMLResultsInterpreter(bytes: bytes).results(root)
    }
}

private struct XMLResultsInterpreter {
    let bytes: [UInt8]

    func error(at offset: Int, found: String, expected: String) -> ResultsReadError {
        ResultsReadError(format: .xml, bytes: bytes, offset: offset, found: found, expected: expected)
    }

    /// The child elements, refusing text other than whitespace between them.
    func elements(of element: XMLElement) throws -> [XMLElement] {
        try element.children.compactMap { child in
            switch child {
            case .element(let e):
                return e
            case .text(let text, let offset):
                guard text.utf8.allSatisfy(XMLParser.isSpace) else {
                    throw error(at: offset, found: "text", expected: "only elements inside <\(element.qualifiedName)>")
                }
                return nil
            }
        }
    }

    /// Checks that `element` is the results format's `name`.
    func expect(_ element: XMLElement, _ names: String...) throws {
        guard element.namespace == XMLResultsWriter.namespace, names.contains(element.localName) else {
            let found = element.namespace == XMLResultsWriter.namespace || element.namespace == nil
                ? "<\(element.qualifiedName)>"
                : "<\(element.qualifiedName)> in the namespace \(element.namespace ?? "")"
            throw error(at: element.offset, found: found,
                        expected: names.map { "<\($0)>" }.joined(separator: " or ") + " in the namespace \(XMLResultsWriter.namespace)")
        }
    }

    func text(of element: XMLElement) throws -> String {
        var text = ""
        for child in element.children {
            switch child {
            case .text(let t, _): text += t
            case .element(let e): throw error(at: e.offset, found: "<\(e.qualifiedName)>", expected: "only text inside <\(element.qualifiedName)>")
            }
        }
        return text
    }

    func results(_ root: XMLElement) throws -> QueryResults {
        try expect(root, "sparql")
        let parts = try elements(of: root)
        guard let head = parts.first else {
            throw error(at: root.offset, found: "an empty <sparql>", expected: "<head> then <results> or <boolean>")
        }
        try expect(head, "head")
        var variables: [String] = []
        var columns: [String: Int] = [:]
        for variable in try elements(of: head) {
            try expect(variable, "variable", "link")
            guard variable.localName == "variable" else { continue }
            guard let name = variable.attribute("name"), TermSyntax.isVariableName(name) else {
                throw error(at: variable.offset, found: "<variable> without a SPARQL variable name", expected: "a name attribute")
            }
            guard columns[name] == nil else { throw error(at: variable.offset, found: "?\(name) again", expected: "each variable once") }
            columns[name] = variables.count
            variables.append(name)
        }
        guard parts.count == 2 else {
            let offset = parts.count > 2 ? parts[2].offset : head.offset
            throw error(at: offset, found: parts.count > 2 ? "<\(parts[2].qualifiedName)>" : "nothing after <head>",
                        expected: "one <results> or <boolean> after <head>, and nothing else")
        }
        let body = parts[1]
        try expect(body, "results", "boolean")
        if body.localName == "boolean" {
            switch try text(of: body).trimmingXMLSpaces() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            case let other: throw error(at: body.offset, found: ResultsWriteError.quoted(other), expected: "true or false")
            }
        }
        var answer = SolutionSequence(variables: variables)
        for result in try elements(of: body) {
            try expect(result, "result")
            var row = [Term?](repeating: nil, count: variables.count)
            for binding in try elements(of: result) {
                try expect(binding, "binding")
                guard let name = binding.attribute("name") else {
                    throw error(at: binding.offset, found: "<binding> without a name", expected: "a name attribute")
                }
                guard let column = columns[name] else {
                    throw error(at: binding.offset, found: "a binding of ?\(name)", expected: "a variable listed in <head>")
                }
                guard row[column] == nil else { throw error(at: binding.offset, found: "a second binding of ?\(name)", expected: "each variable bound once") }
                let values = try elements(of: binding)
                // An empty <binding> is not in the schema, but the suite's service07.srx has two:
                // read as the unbound variable its writer meant.
                if values.isEmpty { continue }
                guard values.count == 1 else {
                    throw error(at: values.count > 1 ? values[1].offset : binding.offset, found: "\(values.count) terms",
                                expected: "one <uri>, <literal> or <bnode> in <binding>")
                }
                row[column] = try term(values[0])
            }
            answer.rows.append(row)
        }
        return .solutions(answer)
    }

    func term(_ element: XMLElement) throws -> Term {
        try expect(element, "uri", "literal", "bnode")
        let value = try text(of: element)
        switch element.localName {
        case "uri":
            return .iri(value)
        case "bnode":
            return .blank(value)
        default:
            let language = element.attribute("xml:lang")
            var datatype = element.attribute("datatype")
            if language != nil, let given = datatype {
                guard given == RDF.langString else {
                    throw error(at: element.offset, found: "both xml:lang and the datatype \(given)", expected: "a language tag or a datatype")
                }
                datatype = nil
            }
            return .literal(value, datatype: datatype, language: language)
        }
    }
}

extension String {
    func trimmingXMLSpaces() -> String {
        let isSpace = XMLParser.isSpace
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
