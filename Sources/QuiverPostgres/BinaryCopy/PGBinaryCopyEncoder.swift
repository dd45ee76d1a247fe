/// Builds data for `COPY ... FROM STDIN WITH (FORMAT binary)`.
///
/// Fields must match the column types exactly (`int8` needs `appendInt64`, `int4` needs
/// `appendInt32`, ...). Take the bytes periodically with `takeBytes()` and pass them to a
/// `PGCopyWriter`, so the buffer stays small.
///
/// ```swift
/// var encoder = PGBinaryCopyEncoder()
/// encoder.beginRow(fieldCount: 2)
/// encoder.appendInt64(42)
/// encoder.appendText("hello")
/// encoder.finish()
/// try writer.write(encoder.takeBytes())
/// ```
public struct PGBinaryCopyEncoder: Sendable {
    /// `PGCOPY\n\377\r\n\0`, the start of every binary COPY stream.
    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]

    /// The encoded bytes not yet taken.
    public var bytes: [UInt8] = []

    /// Starts a stream: writes the 19-byte header (signature, flags, header extension length).
    public init() {
        bytes.reserveCapacity(1 << 16)
        bytes.append(contentsOf: PGBinaryCopyEncoder.signature)
        appendBigEndian(UInt32(0))  // flags: no OIDs
        appendBigEndian(UInt32(0))  // header extension length
    }

    /// Starts a row of `fieldCount` fields.
    @inlinable
    public mutating func beginRow(fieldCount: Int16) {
        appendBigEndian(UInt16(bitPattern: fieldCount))
    }

    /// Appends an `int2` field.
    @inlinable
    public mutating func appendInt16(_ value: Int16) {
        appendBigEndian(UInt32(2))
        appendBigEndian(UInt16(bitPattern: value))
    }

    /// Appends an `int4` field.
    @inlinable
    public mutating func appendInt32(_ value: Int32) {
        appendBigEndian(UInt32(4))
        appendBigEndian(UInt32(bitPattern: value))
    }

    /// Appends an `int8` field.
    @inlinable
    public mutating func appendInt64(_ value: Int64) {
        appendBigEndian(UInt32(8))
        appendBigEndian(UInt64(bitPattern: value))
    }

    /// Appends a `float8` field.
    @inlinable
    public mutating func appendDouble(_ value: Double) {
        appendBigEndian(UInt32(8))
        appendBigEndian(value.bitPattern)
    }

    /// Appends a `bool` field.
    @inlinable
    public mutating func appendBool(_ value: Bool) {
        appendBigEndian(UInt32(1))
        bytes.append(value ? 1 : 0)
    }

    /// Appends a `text` (or `varchar`) field as UTF-8.
    @inlinable
    public mutating func appendText(_ value: String) {
        let utf8 = value.utf8
        appendBigEndian(UInt32(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends a `bytea` field (or any field already in its binary wire form).
    @inlinable
    public mutating func appendBytes(_ value: UnsafeRawBufferPointer) {
        appendBigEndian(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a `bytea` field (or any field already in its binary wire form).
    @inlinable
    public mutating func appendBytes(_ value: [UInt8]) {
        appendBigEndian(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends SQL NULL.
    @inlinable
    public mutating func appendNull() {
        appendBigEndian(UInt32.max)  // length -1
    }

    /// Ends the stream with the trailer (a field count of -1).
    public mutating func finish() {
        appendBigEndian(UInt16.max)
    }

    /// Returns the bytes encoded so far and clears the buffer (keeping its capacity).
    public mutating func takeBytes() -> [UInt8] {
        let taken = bytes
        bytes.removeAll(keepingCapacity: true)
        return taken
    }

    @inlinable
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
