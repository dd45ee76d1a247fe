/// Where bytes stop being UTF-8, for errors that point at the bad byte.
public enum UTF8Validation {
    /// The offset of the first byte of the first ill-formed sequence, or nil when all of `bytes`
    /// is well-formed UTF-8.
    ///
    /// ```swift
    /// UTF8Validation.firstInvalidOffset(Array("caf".utf8) + [0xE9])   // 3
    /// ```
    public static func firstInvalidOffset(_ bytes: some Collection<UInt8>) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}

/// The value of an ASCII hexadecimal digit (`0`–`9`, `A`–`F`, `a`–`f`); nil for any other byte.
/// One definition for every reader of `%XX`, `\uXXXX` and `&#xXX;`.
@inline(__always)
public func hexDigitValue(_ b: UInt8) -> UInt32? {
    switch b {
    case 0x30...0x39: UInt32(b - 0x30)
    case 0x41...0x46: UInt32(b - 0x41 + 10)
    case 0x61...0x66: UInt32(b - 0x61 + 10)
    default: nil
    }
}

extension String {
    /// A string of `scalars`, encoded as UTF-8 bytes first: `String(String.UnicodeScalarView(…))`
    /// appends one scalar at a time, and the SPARQL lexer and HTTP header scanner make a string
    /// this way for every token of every request.
    ///
    /// ```swift
    /// String(scalars: Array("café".unicodeScalars)[1...])   // "afé"
    /// ```
    public init(scalars: some Collection<Unicode.Scalar>) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for s in scalars {
            if s.isASCII { bytes.append(UInt8(truncatingIfNeeded: s.value)) } else { bytes.append(contentsOf: String(s).utf8) }
        }
        self.init(decoding: bytes, as: UTF8.self)
    }
}
