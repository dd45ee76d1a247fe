import QuiverCore
/// The query as Unicode scalars after the `\uXXXX` / `\UXXXXXXXX` escapes are replaced (§19.2: they
/// are processed before the grammar sees the text), with the line and column each scalar had in the
/// text as written, so that errors point at what the user wrote.
struct QueryText {
    struct Position: Equatable {
        var line: Int
        var column: Int
    }

    private(set) var scalars: [Unicode.Scalar] = []
    private var positions: [Position] = []
    /// The position just past the last scalar.
    private var endPosition = Position(line: 1, column: 1)

    init(_ text: String) throws(SPARQLSyntaxError) {
        let source = Array(text.unicodeScalars)
        scalars.reserveCapacity(source.count)
        positions.reserveCapacity(source.count)
        var line = 1, column = 1
        var i = 0
        func advance(over k: Int) {
            for j in i..<(i + k) {
                if source[j] == "\n" || (source[j] == "\r" && (j + 1 == source.count || source[j + 1] != "\n")) {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            i += k
        }
        while i < source.count {
            let here = Position(line: line, column: column)
            if source[i] == "\\", i + 1 < source.count {
                let marker = source[i + 1]
                if marker == "u" || marker == "U" {
                    let digits = marker == "u" ? 4 : 8
                    if let value = Self.hex(source, from: i + 2, count: digits) {
                        guard let scalar = Unicode.Scalar(value) else {
                            throw SPARQLSyntaxError(line: line, column: column,
                                                    found: "'" + String(String.UnicodeScalarView(source[i..<(i + 2 + digits)])) + "'",
                                                    problem: .expected("an escape of a Unicode scalar value (not a surrogate, at most U+10FFFF)"))
                        }
                        scalars.append(scalar)
                        positions.append(here)
                        advance(over: 2 + digits)
                        continue
                    }
                } else if marker == "\\" {
                    // An escaped backslash stays for the string grammar; `\\u0041` is not a `\u` escape.
                    scalars.append(contentsOf: ["\\", "\\"])
                    positions.append(here)
                    positions.append(Position(line: line, column: column + 1))
                    advance(over: 2)
                    continue
                }
            }
            scalars.append(source[i])
            positions.append(here)
            advance(over: 1)
        }
        endPosition = Position(line: line, column: column)
    }

    private static func hex(_ s: [Unicode.Scalar], from: Int, count: Int) -> UInt32? {
        guard from + count <= s.count else { return nil }
        var value: UInt32 = 0
        for k in from..<(from + count) {
            guard let d = hexValue(s[k]) else { return nil }
            value = value << 4 | d
        }
        return value
    }

    static func hexValue(_ c: Unicode.Scalar) -> UInt32? { UInt8(exactly: c.value).flatMap(hexDigitValue) }

    var count: Int { scalars.count }

    /// The line and column of the scalar at `index` (the end of the text for `count`).
    func position(of index: Int) -> Position {
        index < positions.count ? positions[index] : endPosition
    }

    func text(_ range: Range<Int>) -> String {
        String(scalars: scalars[range])
    }
}
