import QuiverCore

/// IRIs the RDF parsers produce or normalise (QuiverCore's `RDF` and `XSD`).
enum RDFVocabulary {
    static let rdf = RDF.namespace
    static let xsd = XSD.namespace

    static let type = RDF.type
    static let first = RDF.first
    static let rest = RDF.rest
    static let nil_ = RDF.nil

    // RDF/XML's extras: XML literals, container members and reification.
    static let xmlLiteral = rdf + "XMLLiteral"
    static let statement = rdf + "Statement"
    static let subject = rdf + "subject"
    static let predicate = rdf + "predicate"
    static let object = rdf + "object"
    static func member(_ n: Int) -> String { rdf + "_\(n)" }

    static let string = XSD.string
    static let integer = XSD.integer
    static let decimal = XSD.decimal
    static let double = XSD.double
    static let boolean = XSD.boolean

    /// `datatype == nil` means `xsd:string` in `Term`, so an explicit `xsd:string` becomes `nil`.
    @inline(__always)
    static func normalizedDatatype(_ iri: String) -> String? {
        iri == string ? nil : iri
    }
}
