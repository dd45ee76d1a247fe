import Testing
@testable import QuiverPostgres
import QuiverTestSupport

@Suite("COPY in and out against the embedded cluster")
struct PGCopyTests {
    static let rowCount = 100_000

    static func expectedName(_ i: Int) -> String? {
        i % 97 == 0 ? nil : "name \(i) ✓\\tab"
    }

    @Test func textCopyInOfOneHundredThousandRows() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE text_copy (id int8, name text)")
        let copied = try db.copyIn("COPY text_copy (id, name) FROM STDIN") { writer in
            var line = ""
            for i in 0..<Self.rowCount {
                line.removeAll(keepingCapacity: true)
                line += String(i * 3)
                line += "\t"
                // Text format: backslash escaped, \N for NULL.
                line += Self.expectedName(i).map { $0.replacingAll("\\", with: "\\\\") } ?? "\\N"
                line += "\n"
                try writer.write(line)
            }
        }
        #expect(copied == Self.rowCount)
        let check = try db.execute(
            "SELECT count(*), sum(id), count(name), bool_and(name = 'name ' || (id / 3) || ' ✓\\tab') FROM text_copy")
        #expect(check.int(0, 0) == Self.rowCount)
        #expect(check.int64(0, 1) == Int64(3 * (Self.rowCount - 1) * Self.rowCount / 2))
        #expect(check.int(0, 2) == Self.rowCount - (Self.rowCount + 96) / 97)
        #expect(check.bool(0, 3) == true)
    }

    @Test func binaryCopyRoundTripOfOneHundredThousandRows() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE binary_copy (id int8, small int2, medium int4, name text)")
        let copied = try db.copyIn("COPY binary_copy FROM STDIN WITH (FORMAT binary)") { writer in
            var encoder = PGBinaryCopyEncoder()
            for i in 0..<Self.rowCount {
                encoder.beginRow(fieldCount: 4)
                encoder.appendInt64(Int64(i) * 1_000_003 - 50_000_000_000)
                encoder.appendInt16(Int16(truncatingIfNeeded: i))
                if i % 5 == 0 { encoder.appendNull() } else { encoder.appendInt32(Int32(-i)) }
                if let name = Self.expectedName(i) { encoder.appendText(name) } else { encoder.appendNull() }
                if encoder.bytes.count > 1 << 16 { try writer.write(encoder.takeBytes()) }
            }
            encoder.finish()
            try writer.write(encoder.takeBytes())
        }
        #expect(copied == Self.rowCount)

        var decoder = PGBinaryCopyDecoder()
        var next = 0
        var mismatches = 0
        let exported = try db.copyOut("COPY (SELECT * FROM binary_copy ORDER BY id) TO STDOUT WITH (FORMAT binary)") { chunk in
            try decoder.feed(chunk) { row in
                let i = next
                next += 1
                let matches =
                    row.fieldCount == 4
                    && row.int64(0) == Int64(i) * 1_000_003 - 50_000_000_000
                    && row.int16(1) == Int16(truncatingIfNeeded: i)
                    && (i % 5 == 0 ? row.isNull(2) : row.int32(2) == Int32(-i))
                    && row.text(3) == Self.expectedName(i)
                if !matches { mismatches += 1 }
            }
        }
        try decoder.finish()
        #expect(exported == Self.rowCount)
        #expect(next == Self.rowCount)
        #expect(mismatches == 0)
    }

    struct Abort: Error {}

    @Test func abortedCopyLeavesNothing() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE aborted (v int)")
        #expect(throws: Abort.self) {
            try db.copyIn("COPY aborted FROM STDIN") { writer in
                for i in 0..<10_000 { try writer.write("\(i)\n") }
                try writer.flush()
                throw Abort()
            }
        }
        #expect(try db.execute("SELECT count(*) FROM aborted").int(0, 0) == 0)
        // The connection is usable afterwards, also for another COPY.
        #expect(try db.copyIn("COPY aborted FROM STDIN") { try $0.write("5\n") } == 1)
        #expect(try db.execute("SELECT count(*) FROM aborted").int(0, 0) == 1)
    }

    @Test func badCopyDataIsAServerErrorAndLeavesNothing() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE bad_copy (v int)")
        let error = #expect(throws: PGError.self) {
            try db.copyIn("COPY bad_copy FROM STDIN") { try $0.write("1\nnot a number\n") }
        }
        #expect(error?.sqlState == "22P02")
        #expect(try db.execute("SELECT count(*) FROM bad_copy").int(0, 0) == 0)
    }

    @Test func copyOutStopsWhenTheBodyThrows() throws {
        let db = try TestCluster.connect()
        var seen = 0
        #expect(throws: Abort.self) {
            try db.copyOut("COPY (SELECT g FROM generate_series(1, 1000000) g) TO STDOUT") { _ in
                seen += 1
                if seen == 10 { throw Abort() }
            }
        }
        #expect(seen == 10)
        #expect(try db.execute("SELECT 1").int(0, 0) == 1)
    }

    @Test func copyThroughExecuteIsRefusedCleanly() throws {
        let db = try TestCluster.connect()
        try db.executeScript("CREATE TEMP TABLE wrong_api (v int)")
        let error = #expect(throws: PGError.self) { try db.execute("COPY wrong_api FROM STDIN") }
        #expect(error?.kind == .copy)
        let notCopy = #expect(throws: PGError.self) { try db.copyIn("SELECT 1") { _ in } }
        #expect(notCopy?.kind == .copy)
        #expect(try db.execute("SELECT count(*) FROM wrong_api").int(0, 0) == 0)
    }
}
