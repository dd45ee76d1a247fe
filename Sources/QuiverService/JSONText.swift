import Foundation

/// One line of JSON with sorted keys and unescaped slashes: what `--json` prints and
/// `FORMAT JSON` returns.
public func jsonBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(value))
}
