import QuiverCore

/// A streaming RDF/XML parser (W3C RDF 1.1 XML Syntax).
///
/// Pulls XML events one at a time (`XMLEventReader`) and turns them into triples with an explicit
/// stack of open elements, so memory stays at one input chunk, the open elements, the text of the
/// current literal and the set of `rdf:ID`s seen (which must be unique in a document).
///
/// ```swift
/// let doc = """
///     <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
///       <ex:Person rdf:about="http://example.org/bo" ex:name="Bo"/>
///     </rdf:RDF>
///     """
/// var reader = RDFXMLReader(source: MemoryByteSource(doc), fileName: "people.rdf")
/// var batch: [Triple] = []
/// _ = try reader.readBatch(into: &batch, maxCount: 100)   // rdf:type ex:Person, ex:name "Bo"
/// ```
///
/// - `rdf:RDF` is optional around a single node element. Everything in section 7 of the
///   specification is read: typed node elements, property attributes, `rdf:resource`,
///   `rdf:nodeID`, `rdf:datatype`, `rdf:parseType` `Resource`, `Literal` (the content canonicalised
///   as an `rdf:XMLLiteral`), `Collection` (and any other value, read as `Literal`), `rdf:li`,
///   reification through `rdf:ID` on property elements, `xml:lang` and `xml:base`.
/// - Relative IRIs are resolved (RFC 3986) against `xml:base`, then `baseIRI`; a relative IRI or
///   `rdf:ID` with no base set is a `ParseError`.
/// - Blank nodes: `rdf:nodeID` labels are kept as written, except that a label starting with
///   `genid` is written as `genidx` + label; nodes the parser makes are labelled `genid` + a
///   decimal number, as `TurtleReader` does.
/// - Unqualified `about`, `ID`, `resource`, `parseType` and `type` attributes are read as the
///   `rdf:` ones (section 6.1.4); other unqualified attributes, and those whose names start with
///   `xml` other than `xml:lang` and `xml:base`, are ignored.
/// - Errors name the line and column (counted as in `TurtleReader`) of the element or attribute
///   at fault. Elements may nest at most `XMLEventReader.maxDepth` deep; see `XMLEventReader` for
///   the XML that is read (UTF-8, DOCTYPE entities with text values).
public struct RDFXMLReader<Source: ByteSource>: TripleReader {
    private var parser: RDFXMLParser

    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - fileName: the name used in `ParseError`s.
    ///   - baseIRI: the base IRI for relative references where no `xml:base` applies.
    public init(source: Source, fileName: String, baseIRI: String? = nil) {
        parser = RDFXMLParser(source: source, fileName: fileName, baseIRI: baseIRI, chunkSize: 256 * 1024)
    }

    /// As `init(source:fileName:baseIRI:)`, reading `chunkSize` bytes at a time (tests use tiny chunks).
    init(source: Source, fileName: String, baseIRI: String?, chunkSize: Int) {
        parser = RDFXMLParser(source: source, fileName: fileName, baseIRI: baseIRI, chunkSize: chunkSize)
    }

    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        try parser.readBatch(into: &batch, maxCount: maxCount)
    }
}

/// The RDF/XML grammar (section 7.2) over XML events, not generic over the source.
struct RDFXMLParser {
    private var xml: XMLEventReader
    private let fileName: String
    private var stack: [Frame]
    private var pending: [Triple] = []
    private var pendingIndex = 0
    private var finished = false
    private var nextGeneratedID = 1
    /// Resolved `rdf:ID` IRIs: each may be used once per document (section 5.3).
    private var usedIDs: Set<String> = []
    /// The text of the innermost open property element, and the open XML literal. They live here,
    /// not in the frames, so that appending to them never copies them: only the top frame needs
    /// them, and a literal cannot hold another one.
    private var propertyText = ""
    private var literalWriter = XMLLiteralWriter()

    /// What applies inside an element: its base IRI and language.
    struct Scope {
        var base: String?
        var language: String?
    }

    /// An open element and what its content may be.
    private enum Frame {
        /// Before and after the root element.
        case document(Scope)
        /// Inside `rdf:RDF`: node elements.
        case nodeList(Scope)
        /// Inside a node element (or a `parseType="Resource"` property): property elements.
        case node(subject: Term, scope: Scope, nextListIndex: Int)
        /// Inside a property element whose content is not yet known.
        case property(Property)
        /// Inside a `parseType="Collection"` property: node elements, chained into a list.
        case collection(Collection)
        /// Inside a `parseType="Literal"` property: everything is XML text.
        case literal(Literal)
    }

    private struct Property {
        var subject: Term
        var predicate: String
        var scope: Scope
        /// The statement's IRI when the element has an `rdf:ID` (the triple is reified).
        var reification: String?
        var datatype: String?
        /// `rdf:resource` / `rdf:nodeID` / property attributes: the element must then be empty.
        var emptyForm: EmptyForm?
        /// The node element inside, once it has started.
        var object: Term?
        var position: TurtlePosition
    }

    private struct EmptyForm {
        var object: Term?
        var properties: [(predicate: String, value: String, position: TurtlePosition)]
    }

    private struct Collection {
        var subject: Term
        var predicate: String
        var reification: String?
        var scope: Scope
        var lastCell: Term?
    }

    private struct Literal {
        var subject: Term
        var predicate: String
        var reification: String?
    }

    init(source: any ByteSource, fileName: String, baseIRI: String?, chunkSize: Int) {
        xml = XMLEventReader(source: source, fileName: fileName, chunkSize: chunkSize)
        self.fileName = fileName
        stack = [.document(Scope(base: baseIRI.map(Self.withoutFragment), language: nil))]
    }

    mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        var appended = 0
        while appended < maxCount {
            if pendingIndex < pending.count {
                let n = min(maxCount - appended, pending.count - pendingIndex)
                batch.append(contentsOf: pending[pendingIndex..<(pendingIndex + n)])
                pendingIndex += n
                appended += n
                continue
            }
            guard !finished else { break }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            do {
                // One event at a time: a handful of triples at most, except for a long run of
                // property attributes on one element.
                while pending.isEmpty && !finished {
                    try handle(try xml.next())
                }
            } catch {
                finished = true
                pending.removeAll()
                throw error
            }
        }
        return appended > 0
    }

    // MARK: - Events

    private mutating func handle(_ event: XMLEvent) throws {
        guard let top = stack.popLast() else { return }
        switch (event, top) {
        case (.endOfDocument, _):
            stack.append(top)
            finished = true

        // Inside a literal every event is content, up to the end of the property element.
        case (.start(let tag), .literal):
            stack.append(top)
            literalWriter.start(tag)
        case (.end, .literal(let literal)):
            if literalWriter.depth > 0 {
                stack.append(top)
                literalWriter.end()
            } else {
                let object = Term.literal(literalWriter.string, datatype: RDFVocabulary.xmlLiteral, language: nil)
                literalWriter = XMLLiteralWriter()
                emit(literal.subject, literal.predicate, object, reification: literal.reification)
            }
        case (.text(let text, _), .literal):
            stack.append(top)
            literalWriter.characters(text)
        case (.comment(let text, _), .literal):
            stack.append(top)
            literalWriter.comment(text)
        case (.processingInstruction(let target, let data, _), .literal):
            stack.append(top)
            literalWriter.processingInstruction(target: target, data: data)

        case (.comment, _), (.processingInstruction, _):
            stack.append(top)

        // The root: rdf:RDF or a single node element.
        case (.start(let tag), .document(let scope)):
            stack.append(top)
            if tag.name.namespace == RDFVocabulary.rdf && tag.name.local == "RDF" {
                let attributes = try classify(tag.attributes)
                if let bad = attributes.firstSyntaxAttribute ?? attributes.properties.first.map({ ($0.name, $0.position) }) {
                    throw failure("no attributes on rdf:RDF but xml:lang and xml:base", at: bad.1, found: "'\(bad.0)'")
                }
                stack.append(.nodeList(try scope.entering(attributes, parser: self)))
            } else {
                try nodeElement(tag, scope: scope)
            }
        case (.end, .document):
            stack.append(top)  // never: the XML reader balances tags, and the root's end pops its own frame

        case (.start(let tag), .nodeList(let scope)):
            stack.append(top)
            try nodeElement(tag, scope: scope)
        case (.start(let tag), .node(let subject, let scope, let index)):
            var next = index
            try propertyElement(tag, subject: subject, scope: scope, nextListIndex: &next)
            // The property's frame was pushed by `propertyElement`; slot the node underneath it.
            stack.insert(.node(subject: subject, scope: scope, nextListIndex: next), at: stack.count - 1)
        case (.start(let tag), .property(var property)):
            if let emptyForm = property.emptyForm {
                let attribute = emptyForm.object != nil ? "rdf:resource or rdf:nodeID" : "property attributes"
                throw failure("no content in a property element with \(attribute)", at: tag.position, found: "'<\(tag.name.qualified)>'")
            }
            if property.datatype != nil {
                throw failure("text only in a property element with rdf:datatype", at: tag.position, found: "'<\(tag.name.qualified)>'")
            }
            if property.object != nil {
                throw failure("one node element in a property element", at: tag.position, found: "'<\(tag.name.qualified)>'")
            }
            if !Self.isWhitespace(propertyText) {
                throw failure("either text or a node element in a property element", at: tag.position, found: "'<\(tag.name.qualified)>'")
            }
            propertyText = ""
            let object = try peekSubject(tag, scope: property.scope)
            property.object = object
            emit(property.subject, property.predicate, object, reification: property.reification)
            stack.append(.property(property))
            try nodeElement(tag, scope: property.scope, subject: object)
        case (.start(let tag), .collection(var collection)):
            let item = try peekSubject(tag, scope: collection.scope)
            let cell = generatedBlank()
            if let last = collection.lastCell {
                emit(last, .iri(RDFVocabulary.rest), cell)
            } else {
                emit(collection.subject, collection.predicate, cell, reification: collection.reification)
            }
            emit(cell, .iri(RDFVocabulary.first), item)
            collection.lastCell = cell
            stack.append(.collection(collection))
            try nodeElement(tag, scope: collection.scope, subject: item)

        case (.text(let text, let position), .property(let property)):
            stack.append(top)
            if property.object != nil && !Self.isWhitespace(text) {
                throw failure("either text or a node element in a property element", at: position, found: Self.excerpt(text))
            }
            if property.object == nil { propertyText += text }
        case (.text(let text, let position), _):
            guard Self.isWhitespace(text) else {
                let expected = switch top {
                case .node: "a property element"
                case .collection, .nodeList: "a node element"
                default: "an element"
                }
                throw failure(expected, at: position, found: Self.excerpt(text))
            }
            stack.append(top)

        case (.end, .property(let property)):
            try finish(property)
        case (.end, .collection(let collection)):
            if let last = collection.lastCell {
                emit(last, .iri(RDFVocabulary.rest), .iri(RDFVocabulary.nil_))
            } else {
                emit(collection.subject, collection.predicate, .iri(RDFVocabulary.nil_), reification: collection.reification)
            }
        case (.end, .node), (.end, .nodeList):
            break
        }
    }

    /// A property element ends: its object is a literal, or what its attributes say.
    private mutating func finish(_ property: Property) throws {
        let text = propertyText
        propertyText = ""
        if property.object != nil { return }
        if let emptyForm = property.emptyForm {
            if !Self.isWhitespace(text) {
                let attribute = emptyForm.object != nil ? "rdf:resource or rdf:nodeID" : "property attributes"
                throw failure("no content in a property element with \(attribute)", at: property.position,
                              found: Self.excerpt(text))
            }
            let object = emptyForm.object ?? generatedBlank()
            emit(property.subject, property.predicate, object, reification: property.reification)
            for p in emptyForm.properties {
                emit(object, .iri(p.predicate), try propertyAttributeValue(p.predicate, p.value, scope: property.scope, at: p.position))
            }
            return
        }
        let object: Term
        if let datatype = property.datatype {
            object = .literal(text, datatype: RDFVocabulary.normalizedDatatype(datatype), language: nil)
        } else {
            object = .literal(text, datatype: nil, language: property.scope.language)
        }
        emit(property.subject, property.predicate, object, reification: property.reification)
    }

    // MARK: - Node elements

    /// The subject a node element will have, worked out before its triples are emitted so that the
    /// triple pointing at it can come first.
    private mutating func peekSubject(_ tag: XMLStartTag, scope: Scope) throws -> Term {
        let attributes = try classify(tag.attributes)
        let inner = try scope.entering(attributes, parser: self)
        return try subject(of: tag, attributes, scope: inner)
    }

    /// Section 7.2.11: checks the node element, emits its type and property-attribute triples, and
    /// opens its frame. `subject` is the one `peekSubject` gave, when already known.
    @discardableResult
    private mutating func nodeElement(_ tag: XMLStartTag, scope outer: Scope, subject known: Term? = nil) throws -> Term {
        try checkNodeElementName(tag)
        let attributes = try classify(tag.attributes)
        let scope = try outer.entering(attributes, parser: self)
        if let bad = attributes.resource ?? attributes.datatype ?? attributes.parseType {
            throw failure("no \(bad.name) on a node element", at: bad.position, found: "'\(bad.name)'")
        }
        let subject = try known ?? self.subject(of: tag, attributes, scope: scope)
        if let id = attributes.id, case .iri(let iri) = subject { try claim(id: iri, at: id.position, value: id.value) }
        if !(tag.name.namespace == RDFVocabulary.rdf && tag.name.local == "Description") {
            emit(subject, .iri(RDFVocabulary.type), .iri(tag.name.iri))
        }
        for p in attributes.properties {
            emit(subject, .iri(p.iri), try propertyAttributeValue(p.iri, p.value, scope: scope, at: p.position))
        }
        stack.append(.node(subject: subject, scope: scope, nextListIndex: 1))
        return subject
    }

    private mutating func subject(of tag: XMLStartTag, _ attributes: Attributes, scope: Scope) throws -> Term {
        let given = [attributes.id.map { ("rdf:ID", $0.position) }, attributes.nodeID.map { ("rdf:nodeID", $0.position) },
                     attributes.about.map { ("rdf:about", $0.position) }].compactMap { $0 }.sorted { $0.1 < $1.1 }
        if given.count > 1 {
            throw failure("one of rdf:ID, rdf:nodeID and rdf:about", at: given[1].1, found: "'\(given[1].0)' after '\(given[0].0)'")
        }
        if let id = attributes.id { return .iri(try resolve("#" + id.value, scope: scope, at: id.position)) }
        if let nodeID = attributes.nodeID { return blank(nodeID.value) }
        if let about = attributes.about { return .iri(try resolve(about.value, scope: scope, at: about.position)) }
        return generatedBlank()
    }

    private func checkNodeElementName(_ tag: XMLStartTag) throws {
        try checkHasNamespace(tag)
        guard tag.name.namespace == RDFVocabulary.rdf else { return }
        if Self.coreSyntaxTerms.contains(tag.name.local) || tag.name.local == "li" || Self.oldTerms.contains(tag.name.local) {
            throw failure("a node element (rdf:\(tag.name.local) cannot be one)", at: tag.position, found: "'<\(tag.name.qualified)>'")
        }
    }

    private func checkHasNamespace(_ tag: XMLStartTag) throws {
        if tag.name.namespace.isEmpty {
            throw failure("an element name in a namespace", at: tag.position, found: "'<\(tag.name.qualified)>'")
        }
    }

    // MARK: - Property elements

    /// Sections 7.2.14 to 7.2.21: emits what the start tag already settles and opens the frame.
    private mutating func propertyElement(_ tag: XMLStartTag, subject: Term, scope outer: Scope, nextListIndex: inout Int) throws {
        try checkHasNamespace(tag)
        var predicate = tag.name.iri
        if tag.name.namespace == RDFVocabulary.rdf {
            let local = tag.name.local
            if Self.coreSyntaxTerms.contains(local) || local == "Description" || Self.oldTerms.contains(local) {
                throw failure("a property element (rdf:\(local) cannot be one)", at: tag.position, found: "'<\(tag.name.qualified)>'")
            }
            if local == "li" {
                predicate = RDFVocabulary.member(nextListIndex)
                nextListIndex += 1
            }
        }
        let attributes = try classify(tag.attributes)
        let scope = try outer.entering(attributes, parser: self)
        if let about = attributes.about {
            throw failure("no \(about.name) on a property element", at: about.position, found: "'\(about.name)'")
        }
        var reification: String?
        if let id = attributes.id {
            let iri = try resolve("#" + id.value, scope: scope, at: id.position)
            try claim(id: iri, at: id.position, value: id.value)
            reification = iri
        }

        if let parseType = attributes.parseType {
            if let bad = attributes.resource.map({ ($0.name, $0.position) }) ?? attributes.nodeID.map({ ($0.name, $0.position) })
                ?? attributes.datatype.map({ ($0.name, $0.position) }) ?? attributes.properties.first.map({ ($0.name, $0.position) }) {
                throw failure("no \(bad.0) with rdf:parseType", at: bad.1, found: "'\(bad.0)'")
            }
            switch parseType.value {
            case "Resource":
                let node = generatedBlank()
                emit(subject, predicate, node, reification: reification)
                stack.append(.node(subject: node, scope: scope, nextListIndex: 1))
            case "Collection":
                stack.append(.collection(Collection(subject: subject, predicate: predicate, reification: reification,
                                                    scope: scope, lastCell: nil)))
            default:  // "Literal", and any other value (section 7.2.20)
                literalWriter = XMLLiteralWriter()
                stack.append(.literal(Literal(subject: subject, predicate: predicate, reification: reification)))
            }
            return
        }

        if let resource = attributes.resource, let nodeID = attributes.nodeID {
            throw failure("rdf:resource or rdf:nodeID, not both", at: max(resource.position, nodeID.position),
                          found: "'\(resource.position > nodeID.position ? resource.name : nodeID.name)'")
        }
        var property = Property(subject: subject, predicate: predicate, scope: scope, reification: reification,
                                datatype: nil, position: tag.position)
        if let datatype = attributes.datatype {
            if let bad = attributes.resource.map({ ($0.name, $0.position) }) ?? attributes.nodeID.map({ ($0.name, $0.position) })
                ?? attributes.properties.first.map({ ($0.name, $0.position) }) {
                throw failure("no \(bad.0) with rdf:datatype", at: bad.1, found: "'\(bad.0)'")
            }
            property.datatype = try resolve(datatype.value, scope: scope, at: datatype.position)
        }
        var object: Term?
        if let resource = attributes.resource {
            object = .iri(try resolve(resource.value, scope: scope, at: resource.position))
        } else if let nodeID = attributes.nodeID {
            object = blank(nodeID.value)
        }
        if object != nil || !attributes.properties.isEmpty {
            property.emptyForm = EmptyForm(object: object, properties: attributes.properties.map { ($0.iri, $0.value, $0.position) })
        }
        propertyText = ""
        stack.append(.property(property))
    }

    /// A property attribute's object: `rdf:type`'s value is an IRI, every other value a literal.
    private func propertyAttributeValue(_ predicate: String, _ value: String, scope: Scope, at position: TurtlePosition) throws -> Term {
        if predicate == RDFVocabulary.type { return .iri(try resolve(value, scope: scope, at: position)) }
        return .literal(value, datatype: nil, language: scope.language)
    }

    // MARK: - Attributes

    /// The RDF names the grammar gives a meaning to, and those it forbids.
    static let coreSyntaxTerms: Set<String> = ["RDF", "ID", "about", "parseType", "resource", "nodeID", "datatype"]
    static let oldTerms: Set<String> = ["aboutEach", "aboutEachPrefix", "bagID"]

    /// An element's attributes sorted by role.
    struct Attributes {
        typealias Value = (name: String, value: String, position: TurtlePosition)
        var id: Value?
        var nodeID: Value?
        var about: Value?
        var resource: Value?
        var datatype: Value?
        var parseType: Value?
        var base: Value?
        var language: Value?
        var properties: [(name: String, iri: String, value: String, position: TurtlePosition)] = []

        /// The first RDF syntax attribute (for elements that take none).
        var firstSyntaxAttribute: (String, TurtlePosition)? {
            let all = [id.map { ($0.name, $0.position) }, nodeID.map { ($0.name, $0.position) },
                       about.map { ($0.name, $0.position) }, resource.map { ($0.name, $0.position) },
                       datatype.map { ($0.name, $0.position) }, parseType.map { ($0.name, $0.position) }]
            return all.compactMap { $0 }.min { $0.1 < $1.1 }
        }
    }

    /// Section 6.1.4: sorts attributes into the syntax ones and the property attributes. Unqualified
    /// `ID`, `about`, `resource`, `parseType` and `type` mean the `rdf:` ones; other unqualified
    /// attributes, and `xml…` names other than `xml:lang` and `xml:base`, are ignored.
    private func classify(_ attributes: [XMLAttribute]) throws -> Attributes {
        var out = Attributes()
        // xml:base first: rdf:ID on the same element is resolved against it.
        for a in attributes where a.name.namespace == XMLEventReader.xmlNamespace {
            switch a.name.local {
            case "base": out.base = (a.name.qualified, a.value, a.position)
            case "lang": out.language = (a.name.qualified, a.value, a.position)
            default: break
            }
        }
        for a in attributes {
            if a.name.namespace == XMLEventReader.xmlNamespace || a.name.qualified.lowercased().hasPrefix("xml") { continue }
            var namespace = a.name.namespace
            if namespace.isEmpty {
                guard ["ID", "about", "resource", "parseType", "type"].contains(a.name.local) else { continue }
                namespace = RDFVocabulary.rdf
            }
            let value = (a.name.qualified, a.value, a.position)
            guard namespace == RDFVocabulary.rdf else {
                out.properties.append((a.name.qualified, namespace + a.name.local, a.value, a.position))
                continue
            }
            switch a.name.local {
            case "ID":
                guard XMLEventReader.isNCName(a.value) else {
                    throw failure("an XML name (NCName) as rdf:ID", at: a.position, found: "'\(a.value)'")
                }
                out.id = value
            case "nodeID":
                guard XMLEventReader.isNCName(a.value) else {
                    throw failure("an XML name (NCName) as rdf:nodeID", at: a.position, found: "'\(a.value)'")
                }
                out.nodeID = value
            case "about": out.about = value
            case "resource": out.resource = value
            case "datatype": out.datatype = value
            case "parseType": out.parseType = value
            case "RDF", "Description", "li", "aboutEach", "aboutEachPrefix", "bagID":
                throw failure("an attribute other than rdf:\(a.name.local)", at: a.position, found: "'\(a.name.qualified)'")
            default:
                out.properties.append((a.name.qualified, namespace + a.name.local, a.value, a.position))
            }
        }
        return out
    }

    // MARK: - Terms

    /// Records a use of the rdf:ID IRI `iri`; a second use in the document is an error.
    private mutating func claim(id iri: String, at position: TurtlePosition, value: String) throws {
        guard usedIDs.insert(iri).inserted else {
            throw failure("each rdf:ID once in a document", at: position, found: "a second rdf:ID '\(value)'")
        }
    }

    func resolve(_ reference: String, scope: Scope, at position: TurtlePosition) throws -> String {
        if IRIResolver.isAbsolute(reference) { return reference }
        guard let base = scope.base else {
            throw failure("an absolute IRI (no base IRI is set)", at: position, found: "'\(reference)'")
        }
        return IRIResolver.resolve(reference, against: base)
    }

    /// A written blank node label, renamed if it could clash with generated labels.
    private func blank(_ label: String) -> Term {
        .blank(label.hasPrefix("genid") ? "genidx" + label : label)
    }

    private mutating func generatedBlank() -> Term {
        defer { nextGeneratedID += 1 }
        return .blank("genid\(nextGeneratedID)")
    }

    private mutating func emit(_ s: Term, _ p: String, _ o: Term, reification: String?) {
        pending.append(Triple(s, .iri(p), o))
        if let reification {
            let r = Term.iri(reification)
            pending.append(Triple(r, .iri(RDFVocabulary.type), .iri(RDFVocabulary.statement)))
            pending.append(Triple(r, .iri(RDFVocabulary.subject), s))
            pending.append(Triple(r, .iri(RDFVocabulary.predicate), .iri(p)))
            pending.append(Triple(r, .iri(RDFVocabulary.object), o))
        }
    }

    private mutating func emit(_ s: Term, _ p: Term, _ o: Term) {
        pending.append(Triple(s, p, o))
    }

    // MARK: - Helpers

    func failure(_ expected: String, at position: TurtlePosition, found: String) -> ParseError {
        ParseError(file: fileName, line: position.line, column: position.column, found: found, expected: expected)
    }

    static func isWhitespace(_ text: String) -> Bool {
        text.utf8.allSatisfy(XMLEventReader.isSpace)
    }

    static func excerpt(_ text: String) -> String {
        let trimmed = text.drop { $0.isWhitespace }
        let word = trimmed.prefix { !$0.isWhitespace }.prefix(20)
        return "text '\(word)'"
    }

    static func withoutFragment(_ iri: String) -> String {
        guard let hash = iri.firstIndex(of: "#") else { return iri }
        return String(iri[..<hash])
    }
}

extension RDFXMLParser.Scope {
    /// The scope inside an element with these attributes: `xml:base` resolved against the outer
    /// base (its fragment dropped), `xml:lang` replacing the language (`""` removes it).
    func entering(_ attributes: RDFXMLParser.Attributes, parser: RDFXMLParser) throws -> Self {
        var inner = self
        if let base = attributes.base {
            if IRIResolver.isAbsolute(base.value) {
                inner.base = RDFXMLParser.withoutFragment(base.value)
            } else {
                guard let outer = self.base else {
                    throw parser.failure("an absolute xml:base (no base IRI is set)", at: base.position, found: "'\(base.value)'")
                }
                inner.base = RDFXMLParser.withoutFragment(IRIResolver.resolve(base.value, against: outer))
            }
        }
        if let language = attributes.language {
            inner.language = language.value.isEmpty ? nil : language.value
        }
        return inner
    }
}

extension TurtlePosition: Comparable {
    static func < (a: TurtlePosition, b: TurtlePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
