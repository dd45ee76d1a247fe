/// Splits an inline command line into words, as Redis's `sdssplitargs` does: words are separated
/// by spaces or tabs; `"…"` takes the escapes `\n \r \t \b \a \\ \" \xHH`; `'…'` takes `\'`; a
/// closing quote must be followed by a space or the end of the line.
///
/// ```swift
/// InlineTokenizer.split(Array(#"ADD g "new york" 'it''s'"#.utf8))   // fails: unbalanced quotes
/// ```
public enum InlineTokenizer {
    public static func split(_ line: ArraySlice<UInt8>) throws(ProtocolError) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var i = line.startIndex
        let end = line.endIndex
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 || b == 11 || b == 12 }
        while true {
            while i < end && isSpace(line[i]) { i += 1 }
            if i == end { return words }
            var word: [UInt8] = []
            var inDouble = false, inSingle = false
            while true {
                if inDouble {
                    guard i < end else { throw .unbalancedQuotes }
                    let b = line[i]
                    if b == UInt8(ascii: "\\") && i + 3 < end && line[i + 1] == UInt8(ascii: "x"),
                       let hi = hexValue(line[i + 2]), let lo = hexValue(line[i + 3]) {
                        word.append(hi << 4 | lo)
                        i += 4
                        continue
                    }
                    if b == UInt8(ascii: "\\") && i + 1 < end {
                        let e = line[i + 1]
                        switch e {
                        case UInt8(ascii: "n"): word.append(10)
                        case UInt8(ascii: "r"): word.append(13)
                        case UInt8(ascii: "t"): word.append(9)
                        case UInt8(ascii: "b"): word.append(8)
                        case UInt8(ascii: "a"): word.append(7)
                        default: word.append(e)
                        }
                        i += 2
                        continue
                    }
                    if b == UInt8(ascii: "\"") {
                        if i + 1 < end && !isSpace(line[i + 1]) { throw .unbalancedQuotes }
                        i += 1
                        break
                    }
                    word.append(b)
                    i += 1
                } else if inSingle {
                    guard i < end else { throw .unbalancedQuotes }
                    let b = line[i]
                    if b == UInt8(ascii: "\\") && i + 1 < end && line[i + 1] == UInt8(ascii: "'") {
                        word.append(UInt8(ascii: "'"))
                        i += 2
                        continue
                    }
                    if b == UInt8(ascii: "'") {
                        if i + 1 < end && !isSpace(line[i + 1]) { throw .unbalancedQuotes }
                        i += 1
                        break
                    }
                    word.append(b)
                    i += 1
                } else {
                    if i == end { break }
                    let b = line[i]
                    if isSpace(b) { break }
                    if b == UInt8(ascii: "\"") && word.isEmpty { inDouble = true; i += 1; continue }
                    if b == UInt8(ascii: "'") && word.isEmpty { inSingle = true; i += 1; continue }
                    word.append(b)
                    i += 1
                }
            }
            words.append(word)
        }
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
