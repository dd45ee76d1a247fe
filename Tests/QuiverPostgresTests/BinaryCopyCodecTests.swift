import Testing
@testable import QuiverPostgres

@Suite("Binary COPY encoder and decoder")
struct BinaryCopyCodecTests {
    struct Row: Equatable {
        var id: Int64
        var small: Int16
        var medium: Int32?
        var name: String?
    }

    static let sample: [Row] = [
        Row(id: 1, small: -1, medium: 7, name: "alpha"),
        Row(id: Int64.min, small: Int16.max, medium: nil, name: ""),
        Row(id: Int64.max, small: Int16.min, medium: Int32.min, name: nil),
        Row(id: -42, small: 0, medium: Int32.max, name: "ünïcødé ✓ 𝄞"),
    ]

    static func encode(_ rows: [Row]) -> [UInt8] {
        var encoder = PGBinaryCopyEncoder()
        for row in rows {
            encoder.beginRow(fieldCount: 4)
            encoder.appendInt64(row.id)
            encoder.appendInt16(row.small)
            if let medium = row.medium { encoder.appendInt32(medium) } else { encoder.appendNull() }
            if let name = row.name { encoder.appendText(name) } else { encoder.appendNull() }
        }
        encoder.finish()
        return encoder.takeBytes()
    }

    static func decode(_ bytes: [UInt8], pieceSize: Int) throws -> [Row] {
        var decoder = PGBinaryCopyDecoder()
        var rows: [Row] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            try bytes[offset..<end].withUnsafeBytes { piece in
                try decoder.feed(piece) { row in
                    #expect(row.fieldCount == 4)
                    rows.append(
                        Row(id: row.int64(0) ?? 0, small: row.int16(1) ?? 0, medium: row.int32(2), name: row.text(3)))
                }
            }
            offset = end
        }
        try decoder.finish()
        #expect(decoder.rowCount == rows.count)
        return rows
    }

    @Test func headerIsTheNineteenByteSignature() {
        let encoder = PGBinaryCopyEncoder()
        #expect(encoder.bytes == Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0])
    }

    @Test func encodesFieldsBigEndian() {
        var encoder = PGBinaryCopyEncoder()
        _ = encoder.takeBytes()
        encoder.beginRow(fieldCount: 3)
        encoder.appendInt32(0x0102_0304)
        encoder.appendNull()
        encoder.appendText("hi")
        encoder.finish()
        #expect(
            encoder.bytes == [0, 3, 0, 0, 0, 4, 1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2, 0x68, 0x69, 0xFF, 0xFF])
    }

    @Test(arguments: [1, 2, 3, 7, 19, 64, 100_000])
    func decodesTheSameRowsWhateverTheSplit(pieceSize: Int) throws {
        let bytes = Self.encode(Self.sample)
        #expect(try Self.decode(bytes, pieceSize: pieceSize) == Self.sample)
    }

    @Test func bufferedFeedThenForEachRow() throws {
        var decoder = PGBinaryCopyDecoder()
        var ids: [Int64] = []
        for byte in Self.encode(Self.sample) {
            try [byte].withUnsafeBytes { try decoder.feed($0) }
        }
        try decoder.forEachRow { ids.append($0.int64(0) ?? 0) }
        try decoder.finish()
        #expect(ids == Self.sample.map(\.id))
    }

    @Test func truncatedStreamIsAnError() throws {
        let bytes = Self.encode(Self.sample)
        var decoder = PGBinaryCopyDecoder()
        var count = 0
        try bytes.dropLast(5).withUnsafeBytes { try decoder.feed($0) { _ in count += 1 } }
        #expect(count == Self.sample.count - 1)
        #expect(throws: PGError.self) { try decoder.finish() }
    }

    @Test func badSignatureIsAnError() {
        var decoder = PGBinaryCopyDecoder()
        let error = #expect(throws: PGError.self) {
            try Array("PGCOPX\n".utf8).withUnsafeBytes { try decoder.feed($0) { _ in } }
        }
        #expect(error?.kind == .protocolViolation)
    }

    @Test func dataAfterTrailerIsAnError() {
        var decoder = PGBinaryCopyDecoder()
        #expect(throws: PGError.self) {
            try (Self.encode([]) + [0]).withUnsafeBytes { try decoder.feed($0) { _ in } }
        }
    }
}
