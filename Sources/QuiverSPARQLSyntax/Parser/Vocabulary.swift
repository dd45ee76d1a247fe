/// IRIs the grammar itself produces.
enum Vocabulary {
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
}
