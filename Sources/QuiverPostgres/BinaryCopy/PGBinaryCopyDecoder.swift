/// Decodes `COPY ... TO STDOUT WITH (FORMAT binary)` incrementally, chunk by chunk.
///
/// Rows are handed to a callback as `PGBinaryRow` views over the received bytes, so decoding
/// allocates nothing per row. Feeding the stream in any split gives the same rows.
///
/// ```swift
/// var decoder = PGBinaryCopyDecoder()
/// var sum: Int64 = 0
/// _ = try db.copyOut("COPY t (id) TO STDOUT WITH (FORMAT binary)") { chunk in
///     try decoder.feed(chunk) { row in sum += row.int64(0) ?? 0 }
/// }
/// try decoder.finish()
/// ```
public struct PGBinaryCopyDecoder: Sendable {
    /// Stream bytes received but not yet decoded (an incomplete header or row).
    private var pending: [UInt8] = []
    private var headerDone = false
    /// True once the trailer (field count -1) has been read.
    public private(set) var isFinished = false
    /// Rows decoded so far.
    public private(set) var rowCount = 0
    /// Field offsets of the row being delivered, reused across rows.
    private var fieldStarts: [Int] = []
    private var fieldLengths: [Int32] = []

    /// Rejects a single field or row larger than this (a corrupt length would otherwise make
    /// the decoder buffer without bound).
    public var maximumRowSize = 1 << 30

    public init() {}

    /// Buffers a chunk; decode the complete rows with `forEachRow(_:)`.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard !isFinished || chunk.isEmpty else {
            throw PGError(kind: .protocolViolation, message: "binary COPY data after the trailer")
        }
        pending.append(contentsOf: chunk)
    }

    /// Decodes a chunk and calls `onRow` for every row it completes. Complete rows are read
    /// straight from `chunk` when nothing is pending; a partial row is kept for the next call.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, _ onRow: (PGBinaryRow) throws -> Void
    ) throws {
        if pending.isEmpty {
            let consumed = try decode(chunk, onRow)
            if consumed < chunk.count {
                try feed(UnsafeRawBufferPointer(rebasing: chunk[consumed...]))
            }
        } else {
            try feed(chunk)
            try forEachRow(onRow)
        }
    }

    /// Calls `onRow` for every complete row buffered by `feed(_:)`.
    public mutating func forEachRow(_ onRow: (PGBinaryRow) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        let buffered = pending
        let consumed = try buffered.withUnsafeBytes { try decode($0, onRow) }
        pending.removeFirst(consumed)
    }

    /// Checks that the stream ended with its trailer and nothing is left over.
    public func finish() throws {
        guard isFinished else {
            throw PGError(
                kind: .protocolViolation,
                message: "binary COPY stream ended early (\(pending.count) bytes of an incomplete row or header)")
        }
    }

    /// Decodes as many complete items as `bytes` holds; returns the bytes consumed.
    private mutating func decode(
        _ bytes: UnsafeRawBufferPointer, _ onRow: (PGBinaryRow) throws -> Void
    ) throws -> Int {
        var offset = 0
        if !headerDone {
            guard let headerLength = try PGBinaryCopyDecoder.headerLength(bytes) else { return 0 }
            offset = headerLength
            headerDone = true
        }
        while !isFinished, bytes.count - offset >= 2 {
            let fieldCount = Int16(bitPattern: bytes.readBigEndian(UInt16.self, at: offset))
            if fieldCount == -1 {
                isFinished = true
                offset += 2
                guard offset == bytes.count else {
                    throw PGError(kind: .protocolViolation, message: "binary COPY data after the trailer")
                }
                break
            }
            guard fieldCount >= 0 else {
                throw PGError(kind: .protocolViolation, message: "binary COPY row has field count \(fieldCount)")
            }
            // Measure the row; stop if it is incomplete.
            fieldStarts.removeAll(keepingCapacity: true)
            fieldLengths.removeAll(keepingCapacity: true)
            var cursor = offset + 2
            var complete = true
            for _ in 0..<Int(fieldCount) {
                guard bytes.count - cursor >= 4 else {
                    complete = false
                    break
                }
                let length = Int32(bitPattern: bytes.readBigEndian(UInt32.self, at: cursor))
                cursor += 4
                guard length >= -1 else {
                    throw PGError(kind: .protocolViolation, message: "binary COPY field has length \(length)")
                }
                fieldStarts.append(cursor)
                fieldLengths.append(length)
                if length > 0 {
                    cursor += Int(length)
                    guard cursor <= bytes.count else {
                        complete = false
                        break
                    }
                }
            }
            guard complete else {
                if cursor - offset > maximumRowSize {
                    throw PGError(kind: .protocolViolation, message: "binary COPY row larger than \(maximumRowSize) bytes")
                }
                break
            }
            try onRow(PGBinaryRow(bytes: bytes, starts: fieldStarts, lengths: fieldLengths))
            rowCount += 1
            offset = cursor
        }
        return offset
    }

    /// The length of the header at the start of `bytes`, or nil if it is not all there yet.
    static func headerLength(_ bytes: UnsafeRawBufferPointer) throws -> Int? {
        let signature = PGBinaryCopyEncoder.signature
        let prefix = min(bytes.count, signature.count)
        guard bytes.prefix(prefix).elementsEqual(signature.prefix(prefix)) else {
            throw PGError(kind: .protocolViolation, message: "not a binary COPY stream (bad signature)")
        }
        guard bytes.count >= 19 else { return nil }
        let flags = bytes.readBigEndian(UInt32.self, at: 11)
        guard flags & (1 << 16) == 0 else {
            throw PGError(kind: .protocolViolation, message: "binary COPY streams with OIDs are not supported")
        }
        let extensionLength = Int(bytes.readBigEndian(UInt32.self, at: 15))
        guard bytes.count >= 19 + extensionLength else { return nil }
        return 19 + extensionLength
    }
}

/// One row of a binary COPY stream: a view over the received bytes, valid only inside the
/// callback that received it (do not store it).
public struct PGBinaryRow {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let starts: [Int]
    @usableFromInline let lengths: [Int32]

    init(bytes: UnsafeRawBufferPointer, starts: [Int], lengths: [Int32]) {
        self.bytes = bytes
        self.starts = starts
        self.lengths = lengths
    }

    /// Number of fields in the row.
    @inlinable public var fieldCount: Int { starts.count }

    /// True when the field is SQL NULL.
    @inlinable public func isNull(_ field: Int) -> Bool { lengths[field] < 0 }

    /// The field's raw bytes (its binary wire form); nil for SQL NULL.
    @inlinable
    public func rawBytes(_ field: Int) -> UnsafeRawBufferPointer? {
        let length = lengths[field]
        guard length >= 0 else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[starts[field]..<(starts[field] + Int(length))])
    }

    /// An `int2` field; nil for SQL NULL or a field of another width.
    @inlinable
    public func int16(_ field: Int) -> Int16? {
        guard lengths[field] == 2 else { return nil }
        return Int16(bitPattern: bytes.readBigEndian(UInt16.self, at: starts[field]))
    }

    /// An `int4` (or `int2`) field; nil for SQL NULL or a field of another width.
    @inlinable
    public func int32(_ field: Int) -> Int32? {
        switch lengths[field] {
        case 4: Int32(bitPattern: bytes.readBigEndian(UInt32.self, at: starts[field]))
        case 2: int16(field).map(Int32.init)
        default: nil
        }
    }

    /// An `int8` (or `int4`, `int2`) field; nil for SQL NULL or a field of another width.
    @inlinable
    public func int64(_ field: Int) -> Int64? {
        switch lengths[field] {
        case 8: Int64(bitPattern: bytes.readBigEndian(UInt64.self, at: starts[field]))
        case 4, 2: int32(field).map(Int64.init)
        default: nil
        }
    }

    /// A `float8` field; nil for SQL NULL or a field of another width.
    @inlinable
    public func double(_ field: Int) -> Double? {
        guard lengths[field] == 8 else { return nil }
        return Double(bitPattern: bytes.readBigEndian(UInt64.self, at: starts[field]))
    }

    /// A `bool` field; nil for SQL NULL.
    @inlinable
    public func bool(_ field: Int) -> Bool? {
        guard lengths[field] == 1 else { return nil }
        return bytes[starts[field]] != 0
    }

    /// A `text` field decoded as UTF-8; nil for SQL NULL.
    @inlinable
    public func text(_ field: Int) -> String? {
        rawBytes(field).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension UnsafeRawBufferPointer {
    @inlinable
    func readBigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
