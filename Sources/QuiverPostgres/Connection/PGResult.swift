import CLibPQ

/// The fully materialised result of one statement (text format). Values are copied out of
/// libpq, so a `PGResult` can outlive its connection and cross threads.
public struct PGResult: Sendable {
    /// Number of rows returned.
    public var rowCount: Int
    /// Number of columns returned.
    public var columnCount: Int
    /// Column names, in order.
    public var columnNames: [String]
    /// Type OID of each column (e.g. 20 for `bigint`, 25 for `text`).
    public var columnTypes: [UInt32]
    /// Rows inserted, updated, deleted, copied or selected, from the command tag (`PQcmdTuples`);
    /// 0 for commands without a count.
    public var affectedRows: Int
    /// The command tag, e.g. `"INSERT 0 3"` or `"COMMIT"`.
    public var commandTag: String

    /// All cell values back to back, row-major.
    private var storage: [UInt8]
    /// Start of each cell in `storage`; `-1` marks SQL NULL. One entry per cell.
    private var starts: [Int]
    /// Byte length of each cell.
    private var lengths: [Int]

    /// An empty result (no columns, no rows).
    init(commandTag: String = "", affectedRows: Int = 0) {
        self.rowCount = 0
        self.columnCount = 0
        self.columnNames = []
        self.columnTypes = []
        self.affectedRows = affectedRows
        self.commandTag = commandTag
        self.storage = []
        self.starts = []
        self.lengths = []
    }

    /// Copies a libpq result. The caller keeps ownership of `result`.
    init(copying result: OpaquePointer) {
        let rows = Int(PQntuples(result))
        let columns = Int(PQnfields(result))
        self.init(
            commandTag: PQcmdStatus(result).map { String(cString: $0) } ?? "",
            affectedRows: PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0)
        rowCount = rows
        columnCount = columns
        columnNames = (0..<columns).map { column in
            PQfname(result, Int32(column)).map { String(cString: $0) } ?? ""
        }
        columnTypes = (0..<columns).map { UInt32(PQftype(result, Int32($0))) }

        let cellCount = rows * columns
        starts.reserveCapacity(cellCount)
        lengths.reserveCapacity(cellCount)
        var total = 0
        for row in 0..<rows {
            for column in 0..<columns {
                total += Int(PQgetlength(result, Int32(row), Int32(column)))
            }
        }
        storage.reserveCapacity(total)
        for row in 0..<rows {
            for column in 0..<columns {
                let r = Int32(row), c = Int32(column)
                if PQgetisnull(result, r, c) != 0 {
                    starts.append(-1)
                    lengths.append(0)
                    continue
                }
                let length = Int(PQgetlength(result, r, c))
                starts.append(storage.count)
                lengths.append(length)
                if length > 0, let value = PQgetvalue(result, r, c) {
                    storage.append(contentsOf: UnsafeRawBufferPointer(start: value, count: length))
                }
            }
        }
    }

    private func cellIndex(_ row: Int, _ column: Int) -> Int {
        precondition(row >= 0 && row < rowCount, "row \(row) out of range 0..<\(rowCount)")
        precondition(column >= 0 && column < columnCount, "column \(column) out of range 0..<\(columnCount)")
        return row * columnCount + column
    }

    /// Calls `body` with the cell's bytes, or returns nil for SQL NULL.
    private func withCell<R>(_ row: Int, _ column: Int, _ body: (UnsafeRawBufferPointer) -> R?) -> R? {
        let index = cellIndex(row, column)
        let start = starts[index]
        guard start >= 0 else { return nil }
        return storage.withUnsafeBytes { raw in
            body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + lengths[index])]))
        }
    }

    /// The index of the column named `name`, if any.
    public func columnIndex(named name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }

    /// True when the cell is SQL NULL.
    public func isNull(_ row: Int, _ column: Int) -> Bool {
        starts[cellIndex(row, column)] < 0
    }

    /// The cell as text; nil for SQL NULL.
    public func string(_ row: Int, _ column: Int) -> String? {
        withCell(row, column) { String(decoding: $0, as: UTF8.self) }
    }

    /// The cell as a 64-bit integer; nil for SQL NULL or text that is not an integer.
    public func int64(_ row: Int, _ column: Int) -> Int64? {
        withCell(row, column) { PGResult.parseInt64($0) }
    }

    /// The cell as an `Int`; nil for SQL NULL or text that is not an integer.
    public func int(_ row: Int, _ column: Int) -> Int? {
        int64(row, column).flatMap { Int(exactly: $0) }
    }

    /// The cell as a double (`Infinity`, `-Infinity`, `NaN` included); nil for SQL NULL.
    public func double(_ row: Int, _ column: Int) -> Double? {
        withCell(row, column) { Double(String(decoding: $0, as: UTF8.self)) }
    }

    /// The cell as a boolean (`t`/`f`, `true`/`false`); nil for SQL NULL or other text.
    public func bool(_ row: Int, _ column: Int) -> Bool? {
        withCell(row, column) { bytes in
            switch String(decoding: bytes, as: UTF8.self) {
            case "t", "true", "on", "1": true
            case "f", "false", "off", "0": false
            default: nil
            }
        }
    }

    /// A `bytea` cell decoded from PostgreSQL's hex output (`\x0a0b`); nil for SQL NULL or text
    /// in another form.
    public func bytes(_ row: Int, _ column: Int) -> [UInt8]? {
        withCell(row, column) { PGResult.decodeHexBytea($0) }
    }

    static func parseInt64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative
                ? shifted.subtractingReportingOverflow(Int64(digit))
                : shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        return value
    }

    static func decodeHexBytea(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"),
            text.count % 2 == 0
        else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
