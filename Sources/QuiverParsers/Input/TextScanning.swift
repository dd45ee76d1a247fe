/// UTF-8 well-formedness (Unicode Table 3-7) and the small helpers parsers share for error positions.
enum UTF8Rules {
    /// For a lead byte: the sequence length and the allowed range of the second byte; `nil` if the
    /// byte cannot start a sequence (a continuation byte, C0, C1 or F5...FF).
    @inline(__always)
    static func sequence(lead: UInt8) -> (length: Int, low: UInt8, high: UInt8)? {
        switch lead {
        case 0x00 ... 0x7F: (1, 0, 0)
        case 0xC2 ... 0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xE1 ... 0xEC, 0xEE ... 0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1 ... 0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: nil
        }
    }

    /// Whether every byte is below 0x80, eight at a time.
    @inline(__always)
    static func isASCII(_ p: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        var bits: UInt64 = 0
        while i + 8 <= count {
            bits |= p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            bits |= UInt64(p.load(fromByteOffset: i, as: UInt8.self))
            i += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// The first ill-formed sequence in `p[0..<count]`: the offset where it starts and the byte that
    /// breaks it; `nil` if all is well-formed.
    static func firstInvalid(_ p: UnsafeRawPointer, count: Int) -> (offset: Int, byte: UInt8?)? {
        var i = 0
        while i < count {
            let lead = p.load(fromByteOffset: i, as: UInt8.self)
            if lead < 0x80 {
                i += 1
                continue
            }
            guard let seq = sequence(lead: lead) else { return (i, lead) }
            for k in 1 ..< seq.length {
                guard i + k < count else { return (i, nil) }
                let b = p.load(fromByteOffset: i + k, as: UInt8.self)
                let (low, high): (UInt8, UInt8) = k == 1 ? (seq.low, seq.high) : (0x80, 0xBF)
                if b < low || b > high { return (i, b) }
            }
            i += seq.length
        }
        return nil
    }

    /// How many Unicode scalars start in `p[0..<count]` (bytes that are not continuation bytes).
    static func scalarCount(_ p: UnsafeRawPointer, count: Int) -> Int {
        var n = 0
        for i in 0 ..< count where p.load(fromByteOffset: i, as: UInt8.self) & 0xC0 != 0x80 {
            n += 1
        }
        return n
    }
}

/// Checks UTF-8 one byte at a time, for parsers that see their input byte by byte.
struct UTF8StreamCheck {
    /// Continuation bytes still expected.
    private(set) var pending = 0
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    /// Whether a multi-byte sequence is open (so ending the text here would be ill-formed).
    var isInsideSequence: Bool { pending > 0 }

    /// Accepts `byte`; returns `false` if it makes the text ill-formed.
    @inline(__always)
    mutating func accept(_ byte: UInt8) -> Bool {
        if pending == 0 {
            if byte < 0x80 { return true }
            guard let seq = UTF8Rules.sequence(lead: byte) else { return false }
            pending = seq.length - 1
            low = seq.low
            high = seq.high
            return true
        }
        guard byte >= low && byte <= high else { return false }
        pending -= 1
        low = 0x80
        high = 0xBF
        return true
    }

    mutating func reset() {
        pending = 0
        low = 0x80
        high = 0xBF
    }
}

enum ErrorText {
    static let endOfInput = "end of input"
    static let endOfLine = "end of line"
    /// PostgreSQL text cannot hold a NUL byte (`TermProblem.nul`).
    static let noNUL = "text without NUL bytes (a stored name cannot hold one)"

    /// A short, printable description of one byte for `ParseError.found`.
    static func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x0A: return endOfLine
        case 0x0D: return "carriage return"
        case 0x09: return "tab"
        case 0x27: return "\"'\""
        case 0x20 ... 0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            return "byte 0x" + (hex.count < 2 ? "0" + hex : hex)
        }
    }

    static func invalidUTF8(_ byte: UInt8?) -> String {
        guard let byte else { return "truncated UTF-8 sequence" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "invalid UTF-8 (byte 0x" + (hex.count < 2 ? "0" + hex : hex) + ")"
    }

    static func fieldName(_ index: Int) -> String {
        switch index {
        case 0: "a head name"
        case 1: "a relation name"
        default: "a tail name"
        }
    }
}
