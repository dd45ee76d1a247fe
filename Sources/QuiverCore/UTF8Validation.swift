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
