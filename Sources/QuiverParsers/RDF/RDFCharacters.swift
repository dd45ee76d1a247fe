import QuiverCore
/// Character classes and byte helpers shared by the N-Triples and Turtle grammars (RDF 1.1); the
/// name classes are public for the SPARQL grammar, which shares them.
public enum RDFCharacters {
    /// PN_CHARS_BASE: letters and the Unicode ranges the grammars allow in names.
    public static func isPNCharsBase(_ c: UInt32) -> Bool {
        switch c {
        case 0x41...0x5A, 0x61...0x7A: true
        case 0x00C0...0x00D6, 0x00D8...0x00F6, 0x00F8...0x02FF, 0x0370...0x037D, 0x037F...0x1FFF,
             0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF,
             0xFDF0...0xFFFD, 0x10000...0xEFFFF: true
        default: false
        }
    }

    /// PN_CHARS_U as Turtle defines it. N-Triples 1.1 prints `:` in it too; the W3C tests
    /// (nt-syntax-bad-bnode-01/02) follow Turtle, so that N-Triples stays a subset of Turtle.
    @inline(__always)
    public static func isPNCharsU(_ c: UInt32) -> Bool {
        c == 0x5F || isPNCharsBase(c)
    }

    /// PN_CHARS: PN_CHARS_U plus `-`, digits, U+00B7 and the combining ranges.
    public static func isPNChars(_ c: UInt32) -> Bool {
        switch c {
        case 0x2D, 0x30...0x39, 0x00B7, 0x0300...0x036F, 0x203F...0x2040: true
        default: isPNCharsU(c)
        }
    }

    /// Characters IRIREF forbids unescaped: controls and space, `<>"{}|^` backquote and backslash.
    @inline(__always)
    public static func isForbiddenInIRI(_ c: UInt32) -> Bool {
        switch c {
        case 0x00...0x20, 0x3C, 0x3E, 0x22, 0x7B, 0x7D, 0x7C, 0x5E, 0x60, 0x5C: true
        default: false
        }
    }

    @inline(__always)
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Whether `bytes` is an IRI with a scheme (`scheme ":" ...`), as N-Triples requires.
    static func hasScheme<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        var first = true
        for b in bytes {
            if first {
                guard isLetter(b) else { return false }
                first = false
            } else if b == 0x3A {
                return true
            } else if !(isLetter(b) || isDigit(b) || b == 0x2B || b == 0x2D || b == 0x2E) {
                return false
            }
        }
        return false
    }

    /// Appends the UTF-8 encoding of `scalar` to `out`.
    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// A code point that an escape may produce: not a surrogate, not above U+10FFFF.
    @inline(__always)
    static func isValidScalar(_ c: UInt32) -> Bool {
        c < 0xD800 || (c > 0xDFFF && c <= 0x10FFFF)
    }

    /// Decodes one UTF-8 scalar from `p[i..<end]`. Returns the scalar and its length, or `nil` when
    /// the bytes there are not well-formed UTF-8 (overlong, surrogate, truncated, out of range).
    @inline(__always)
    static func decodeScalar(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (UInt32, Int)? {
        let b0 = p[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        func cont(_ k: Int) -> UInt32? {
            guard i + k < end else { return nil }
            let b = p[i + k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = cont(1) else { return nil }
            return ((UInt32(b0 & 0x1F) << 6) | c1, 2)
        case 0xE0...0xEF:
            guard let c1 = cont(1), let c2 = cont(2) else { return nil }
            let v = (UInt32(b0 & 0x0F) << 12) | (c1 << 6) | c2
            guard v >= 0x800, !(0xD800...0xDFFF).contains(v) else { return nil }
            return (v, 3)
        case 0xF0...0xF4:
            guard let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) else { return nil }
            let v = (UInt32(b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
            guard v >= 0x10000, v <= 0x10FFFF else { return nil }
            return (v, 4)
        default:
            return nil
        }
    }

    /// The offset of the first byte in `p[from..<end]` that is not part of well-formed UTF-8, if any.
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int? {
        var i = from
        while i < end {
            // Skip ASCII eight bytes at a time.
            while i + 8 <= end {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < end else { return nil }
            if p[i] < 0x80 { i += 1; continue }
            guard let (_, n) = decodeScalar(p, i, end) else { return i }
            i += n
        }
        return nil
    }

    /// A short, printable excerpt of the text at `p[from..<end]` for error messages: up to the next
    /// whitespace, at most 20 scalars, quoted; `end of line` or `end of input` when there is none.
    static func excerpt(_ p: UnsafePointer<UInt8>, from: Int, end: Int, atEOF: Bool) -> String {
        var i = from
        var out: [UInt8] = []
        var count = 0
        while i < end, count < 20 {
            let b = p[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                if count == 0 {
                    return b == 0x0A || b == 0x0D ? "end of line" : "whitespace"
                }
                break
            }
            if let (_, n) = decodeScalar(p, i, end) {
                out.append(contentsOf: UnsafeBufferPointer(start: p + i, count: n))
                i += n
            } else {
                return count == 0 ? "invalid UTF-8 byte 0x" + String(b, radix: 16, uppercase: true) : quoted(out)
            }
            count += 1
        }
        if count == 0 { return atEOF ? "end of input" : "end of line" }
        return quoted(out)
    }

    static func quoted(_ bytes: [UInt8]) -> String {
        "'" + String(decoding: bytes, as: UTF8.self) + "'"
    }
}
