#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small appenders for writing JSON as bytes, without Foundation's encoder (too slow for millions
/// of items).
extension Array where Element == UInt8 {
    @inline(__always) mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inline(__always) mutating func put(int v: Int) {
        if v < 0 { append(0x2D); put(int: -v); return }
        if v >= 10 { put(int: v / 10) }
        append(UInt8(0x30 + v % 10))
    }

    /// A JSON string literal with the escapes JSON requires (and `/` left alone, as Python does).
    mutating func put(jsonString s: String) {
        append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: put("\\\"")
            case 0x5C: put("\\\\")
            case 0x0A: put("\\n")
            case 0x0D: put("\\r")
            case 0x09: put("\\t")
            case 0..<0x20:
                put("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append(hex[Int(b >> 4)]); append(hex[Int(b & 15)])
            default: append(b)
            }
        }
        append(0x22)
    }
}

/// Creates a directory and its parents (like `mkdir -p`).
func makeDirectory(_ path: String) throws {
    var built = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        built += (built.isEmpty || built.hasSuffix("/") ? "" : "/") + part
        var st = stat()
        if stat(built, &st) == 0 { continue }
        guard mkdir(built, 0o755) == 0 || errno == EEXIST else {
            throw AugmentError.io("cannot create directory \(built): \(String(cString: strerror(errno)))")
        }
    }
}
