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

/// Writes whole files with `fopen`/`fwrite`; errors name the path.
struct FileSink {
    private let file: UnsafeMutablePointer<FILE>
    let path: String

    init(path: String) throws {
        guard let f = fopen(path, "wb") else { throw AugmentError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
        file = f
        self.path = path
    }

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard n == bytes.count else { throw AugmentError.io("short write to \(path)") }
    }

    func close() throws {
        guard fclose(file) == 0 else { throw AugmentError.io("cannot close \(path): \(String(cString: strerror(errno)))") }
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

/// A file written at given offsets (`pwrite`), so that pieces formatted on several threads land in
/// place without waiting for each other; errors name the path.
final class PositionalSink: @unchecked Sendable {
    private let fd: Int32
    let path: String

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw AugmentError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
        self.path = path
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw AugmentError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    func close() throws {
        #if canImport(Glibc)
        let closed = Glibc.close(fd)
        #else
        let closed = Darwin.close(fd)
        #endif
        guard closed == 0 else { throw AugmentError.io("cannot close \(path): \(String(cString: strerror(errno)))") }
    }
}
