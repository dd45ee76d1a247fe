/// The IRIs of RDF's and XML Schema's vocabularies that Quiver's parsers, writers and SPARQL
/// read or produce: one definition for every module.
public enum RDF {
    public static let namespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    public static let type = namespace + "type"
    public static let first = namespace + "first"
    public static let rest = namespace + "rest"
    public static let `nil` = namespace + "nil"
    /// The datatype of a literal with a language tag.
    public static let langString = namespace + "langString"
}

/// XML Schema datatypes (SPARQL's operand types).
public enum XSD {
    public static let namespace = "http://www.w3.org/2001/XMLSchema#"
    public static let string = namespace + "string"
    public static let boolean = namespace + "boolean"
    public static let decimal = namespace + "decimal"
    public static let integer = namespace + "integer"
    public static let float = namespace + "float"
    public static let double = namespace + "double"
    public static let dateTime = namespace + "dateTime"
    public static let date = namespace + "date"
    public static let dayTimeDuration = namespace + "dayTimeDuration"

    /// The types derived from xsd:integer, with their bounds (nil: unbounded on that side).
    public static let integerSubtypes: [String: (min: Int64?, max: Int64?)] = [
        namespace + "long": (Int64.min, Int64.max),
        namespace + "int": (Int64(Int32.min), Int64(Int32.max)),
        namespace + "short": (Int64(Int16.min), Int64(Int16.max)),
        namespace + "byte": (Int64(Int8.min), Int64(Int8.max)),
        namespace + "nonNegativeInteger": (0, nil),
        namespace + "positiveInteger": (1, nil),
        namespace + "nonPositiveInteger": (nil, 0),
        namespace + "negativeInteger": (nil, -1),
        namespace + "unsignedLong": (0, nil),
        namespace + "unsignedInt": (0, Int64(UInt32.max)),
        namespace + "unsignedShort": (0, Int64(UInt16.max)),
        namespace + "unsignedByte": (0, Int64(UInt8.max)),
    ]
}
