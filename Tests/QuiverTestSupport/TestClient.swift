import Foundation
import QuiverProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client on a POSIX socket: sends raw bytes, reads replies with `ReplyDecoder`.
public final class TestClient: @unchecked Sendable {
    // @unchecked: a test drives one client from one task at a time.
    public let fd: Int32
    private var decoder = ReplyDecoder()

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { close(fd); throw TestError("connect failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    public func send(_ text: String) { send(Array(text.utf8)) }

    /// A RESP array of bulk strings, as client libraries send.
    public func command(_ words: [String]) -> RESPValue? {
        send(Self.encode(words))
        return try? reply()
    }

    public func command(_ words: String...) -> RESPValue? { command(words) }

    public static func encode(_ words: [String]) -> [UInt8] {
        var out = Array("*\(words.count)\r\n".utf8)
        for w in words { out += Array("$\(w.utf8.count)\r\n".utf8) + Array(w.utf8) + [13, 10] }
        return out
    }

    /// The next reply; throws on a closed connection or a timeout.
    public func reply() throws -> RESPValue {
        while true {
            if let v = try decoder.next() { return v }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { throw TestError("connection closed (recv \(n), errno \(errno))") }
            decoder.append(chunk[0..<n])
        }
    }

    /// True when the server closed the connection (after any pending replies were read).
    public func isClosedByServer() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }
}

public struct TestError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

public extension RESPValue {
    /// A map (RESP3) or flat key/value array (RESP2) as a dictionary of texts → values.
    var dictionary: [String: RESPValue] {
        switch self {
        case .map(let pairs): return Dictionary(pairs.map { ($0.key.text ?? "", $0.value) }, uniquingKeysWith: { a, _ in a })
        case .array(let items) where items.count % 2 == 0:
            return Dictionary(stride(from: 0, to: items.count, by: 2).map { (items[$0].text ?? "", items[$0 + 1]) }, uniquingKeysWith: { a, _ in a })
        default: return [:]
        }
    }

    var isError: Bool { if case .error = self { return true } else { return false } }
}
