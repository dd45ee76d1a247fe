/// IRIs the RDF parsers produce or normalise.
enum RDFVocabulary {
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let xsd = "http://www.w3.org/2001/XMLSchema#"

    static let type = rdf + "type"
    static let first = rdf + "first"
    static let rest = rdf + "rest"
    static let nil_ = rdf + "nil"

    static let string = xsd + "string"
    static let integer = xsd + "integer"
    static let decimal = xsd + "decimal"
    static let double = xsd + "double"
    static let boolean = xsd + "boolean"

    /// `datatype == nil` means `xsd:string` in `Term`, so an explicit `xsd:string` becomes `nil`.
    @inline(__always)
    static func normalizedDatatype(_ iri: String) -> String? {
        iri == string ? nil : iri
    }
}
