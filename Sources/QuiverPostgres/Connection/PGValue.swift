import CLibPQ

/// A statement parameter. All values are sent as text except `bytes`, which is sent in binary
/// (so it suits `bytea` columns without escaping).
public enum PGValue: Sendable, Hashable {
    case text(String)
    case int64(Int64)
    case int32(Int32)
    case int16(Int16)
    case double(Double)
    case bool(Bool)
    case bytes([UInt8])
    case null
}

extension PGValue {
    /// The type OID sent with the parameter. Text and NULL are sent as `unknown` (0) so the server
    /// infers the type from context (e.g. a `jsonb` column); the others name their type.
    var typeOID: Oid {
        switch self {
        case .text, .null: 0
        case .int64: 20
        case .int32: 23
        case .int16: 21
        case .double: 701
        case .bool: 16
        case .bytes: 17
        }
    }

    /// PostgreSQL's text form of a double: `Infinity`, `-Infinity` and `NaN` spelled its way;
    /// Swift's shortest round-tripping representation otherwise.
    static func postgresText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }
}

/// Parameters laid out for `PQexecParams`: one byte buffer holding every value (text values
/// NUL-terminated), plus the per-parameter arrays libpq wants.
struct PGParameterBuffer {
    private var storage: [UInt8] = [0]
    private var offsets: [Int] = []
    private(set) var types: [Oid] = []
    private(set) var lengths: [Int32] = []
    private(set) var formats: [Int32] = []

    init(_ values: [PGValue]) throws {
        offsets.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            types.append(value.typeOID)
            switch value {
            case .null:
                offsets.append(-1)
                lengths.append(0)
                formats.append(0)
            case .bytes(let bytes):
                guard bytes.count <= Int(Int32.max) else {
                    throw PGError(kind: .protocolViolation, message: "parameter $\(index + 1) is larger than 2 GiB")
                }
                offsets.append(storage.count)
                storage.append(contentsOf: bytes)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            case .text(let string):
                guard !string.utf8.contains(0) else {
                    throw PGError(
                        kind: .protocolViolation,
                        message: "text parameter $\(index + 1) contains a NUL character, which PostgreSQL text cannot store",
                        hint: "send it as .bytes into a bytea column instead")
                }
                appendText(string.utf8)
            case .int64(let number): appendText(String(number).utf8)
            case .int32(let number): appendText(String(number).utf8)
            case .int16(let number): appendText(String(number).utf8)
            case .double(let number): appendText(PGValue.postgresText(number).utf8)
            case .bool(let flag): appendText((flag ? "true" : "false").utf8)
            }
        }
    }

    private mutating func appendText(_ utf8: String.UTF8View) {
        offsets.append(storage.count)
        storage.append(contentsOf: utf8)
        storage.append(0)
        lengths.append(0)
        formats.append(0)
    }

    /// Calls `body` with pointers valid only for the duration of the call.
    func withCArrays<R>(
        _ body: (
            _ types: UnsafePointer<Oid>?, _ values: UnsafePointer<UnsafePointer<CChar>?>?,
            _ lengths: UnsafePointer<Int32>?, _ formats: UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset < 0 ? nil : base.baseAddress.map { UnsafePointer($0 + offset) }
            }
            return try pointers.withUnsafeBufferPointer { values in
                try types.withUnsafeBufferPointer { types in
                    try lengths.withUnsafeBufferPointer { lengths in
                        try formats.withUnsafeBufferPointer { formats in
                            try body(types.baseAddress, values.baseAddress, lengths.baseAddress, formats.baseAddress)
                        }
                    }
                }
            }
        }
    }
}
