import QuiverProtocol
import QuiverService

/// A read command's answer: the same Encodable value the CLI prints with `--json`, sent either as
/// that JSON text (`FORMAT JSON`) or as the matching RESP structure (objects become maps with the
/// keys in the same sorted order, arrays arrays, whole numbers integers, other numbers doubles,
/// strings bulk strings, null null). One shape, two spellings.
func reply<T: Encodable>(_ value: T, json: Bool) throws -> RESPValue {
    if json { return .bulkString(try jsonBytes(value)) }
    return try RESPValueEncoder().encode(value)
}

/// Encodes an answer (the Encodable value the CLI prints with `--json`) straight into the RESP
/// structure that its JSON text reads as: objects become maps with their keys in JSONEncoder's
/// sorted order, arrays arrays, whole numbers integers, other numbers doubles, strings bulk
/// strings, null null. One shape, two spellings, without writing JSON and parsing it back.
///
/// Numbers follow the JSON text exactly: a Double that JSONEncoder writes without a fraction or
/// exponent (`2.0` as `2`) is an integer here, as reading the JSON would make it.
struct RESPValueEncoder {
    func encode<T: Encodable>(_ value: T) throws -> RESPValue {
        let root = Node()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        return root.value
    }
}

/// A value being built: a map, an array or a single value, filled by the containers. The
/// members live in stored properties so that adding one never copies the others.
private final class Node {
    var single: RESPValue?
    var members: [String: Node]?
    var items: [Node]?

    var value: RESPValue {
        if let members { return .map(members.keys.sorted().map { RESPPair(.bulk($0), members[$0]!.value) }) }
        if let items { return .array(items.map(\.value)) }
        return single ?? .map([])
    }

    func member(_ key: String) -> Node {
        if members == nil { members = [:] }
        if let existing = members![key] { return existing }
        let node = Node()
        members![key] = node
        return node
    }

    func makeKeyed() { if members == nil { members = [:] } }

    func append() -> Node {
        let node = Node()
        if items == nil { items = [] }
        items!.append(node)
        return node
    }

    func makeUnkeyed() { if items == nil { items = [] } }
    var count: Int { items?.count ?? 0 }
    func set(_ v: RESPValue) { single = v }
}

private struct NodeEncoder: Encoder {
    let node: Node
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeKeyed()
        return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeUnkeyed()
        return Unkeyed(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
}

/// A Double as JSONEncoder writes it, read back as JSON would be.
private func number(_ d: Double) throws -> RESPValue {
    guard d.isFinite else {
        throw EncodingError.invalidValue(d, .init(codingPath: [], debugDescription: "\(d) has no JSON form"))
    }
    var text = d.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let n = Int64(text) { return .integer(n) }
    return .double(d)
}

private struct Single: SingleValueEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey]
    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.boolean(value)) }
    mutating func encode(_ value: String) throws { node.set(.bulk(value)) }
    mutating func encode(_ value: Double) throws { node.set(try number(value)) }
    mutating func encode(_ value: Float) throws { node.set(try number(Double(value.description) ?? Double(value))) }
    mutating func encode(_ value: Int) throws { node.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { node.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { node.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { node.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { node.set(.integer(value)) }
    mutating func encode(_ value: UInt) throws { node.set(try unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { node.set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { node.set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { node.set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { node.set(try unsigned(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(node: node, codingPath: codingPath)) }

    /// Beyond Int64 the JSON reader would make a double of it.
    private func unsigned(_ value: UInt64) throws -> RESPValue {
        value <= UInt64(Int64.max) ? .integer(Int64(value)) : .double(Double(value))
    }
}

private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    var codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).set(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.member("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]) }
}

private struct Unkeyed: UnkeyedEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws { node.append().set(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(node: node.append(), codingPath: codingPath)) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.append(), codingPath: codingPath).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { NodeEncoder(node: node.append(), codingPath: codingPath).unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.append(), codingPath: codingPath) }
}
