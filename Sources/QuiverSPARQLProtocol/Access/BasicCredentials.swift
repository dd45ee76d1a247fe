import QuiverCore

/// A user name and password from an `Authorization: Basic …` header (RFC 7617).
///
/// ```swift
/// let credentials = try BasicCredentials(headers: [(name: "Authorization", value: "Basic YWxpY2U6czNjcjN0")])
/// credentials.user       // "alice"
/// credentials.password   // "s3cr3t"
/// credentials.matches(user: "alice", password: "s3cr3t")   // true
/// ```
public struct BasicCredentials: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// The credentials of the request's `Authorization` header.
    ///
    /// - Throws: 401 (with a `WWW-Authenticate` challenge for `realm`) when there is no
    ///   `Authorization` header or it is not of the Basic scheme; 400 when the Basic credentials do
    ///   not decode: not base64, not UTF-8, or no `:` between user and password.
    public init(headers: [(name: String, value: String)], realm: String = "Quiver") throws(HTTPRequestError) {
        guard let value = try HeaderFields(headers).single("Authorization") else { throw .credentialsRequired(realm: realm, found: nil) }
        try self.init(authorization: value, realm: realm)
    }

    /// The credentials of one `Authorization` header value (`Basic YWxpY2U6czNjcjN0`).
    public init(authorization value: String, realm: String = "Quiver") throws(HTTPRequestError) {
        let trimmed = trimmedSpaces(value)
        let scheme = String(trimmed.prefix { $0 != " " })
        guard equalsIgnoringASCIICase(scheme, "Basic") else { throw .credentialsRequired(realm: realm, found: scheme) }
        let encoded = trimmedSpaces(trimmed.dropFirst(scheme.count))
        guard !encoded.isEmpty else { throw .malformedCredentials(problem: "there is nothing after Basic") }
        guard let bytes = Base64.decode(encoded) else {
            throw .malformedCredentials(problem: "\(quoted(encoded, limit: 40)) is not base64")
        }
        guard UTF8Validation.firstInvalidOffset(bytes) == nil else {
            throw .malformedCredentials(problem: "the decoded user:password is not UTF-8")
        }
        // The user name cannot hold a colon (RFC 7617 §2); the password can.
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            throw .malformedCredentials(problem: "the decoded value has no : between user and password")
        }
        self.init(user: String(decoding: bytes[..<colon], as: UTF8.self), password: String(decoding: bytes[(colon + 1)...], as: UTF8.self))
    }

    /// Whether these are `user` and `password`, compared in time that depends only on their
    /// lengths, so that timing does not tell a guesser how much of a password was right.
    public func matches(user expectedUser: String, password expectedPassword: String) -> Bool {
        let userMatches = Self.constantTimeEquals(Array(user.utf8), Array(expectedUser.utf8))
        let passwordMatches = Self.constantTimeEquals(Array(password.utf8), Array(expectedPassword.utf8))
        return userMatches && passwordMatches
    }

    /// Checks these credentials against the configured ones: 401 with a challenge when they
    /// differ.
    public func verify(user expectedUser: String, password expectedPassword: String, realm: String = "Quiver") throws(HTTPRequestError) {
        guard matches(user: expectedUser, password: expectedPassword) else { throw .wrongCredentials(realm: realm) }
    }

    /// The `WWW-Authenticate` header of a 401: the Basic scheme, `realm`, and UTF-8 as the
    /// encoding clients should use (RFC 7617 §2.1).
    public static func challenge(realm: String) -> HTTPHeader {
        var escaped = ""
        for c in realm {
            if c == "\\" || c == "\"" { escaped.append("\\") }
            escaped.append(c)
        }
        return HTTPHeader("WWW-Authenticate", "Basic realm=\"\(escaped)\", charset=\"UTF-8\"")
    }

    /// The user only: a password never goes into a log line.
    public var description: String { "user \(quoted(user))" }

    private static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}

/// Strict base64 (RFC 4648 §4): the standard alphabet, padded to a multiple of four characters,
/// nothing else. Enough for Basic credentials; not a general codec.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index < chars.count {
            let isLast = index + 4 == chars.count
            var sextets: [UInt32] = []
            var padding = 0
            for (offset, c) in chars[index..<(index + 4)].enumerated() {
                if c == UInt8(ascii: "=") {
                    // Padding only at the end of the last group, in its last one or two places.
                    guard isLast, offset >= 2 else { return nil }
                    padding += 1
                } else {
                    guard padding == 0, let value = value(of: c) else { return nil }
                    sextets.append(value)
                }
            }
            let group = sextets.reduce(UInt32(0)) { $0 << 6 | $1 } << (6 * UInt32(padding))
            let decoded = [UInt8(truncatingIfNeeded: group >> 16), UInt8(truncatingIfNeeded: group >> 8), UInt8(truncatingIfNeeded: group)]
            out += decoded.prefix(3 - padding)
            index += 4
        }
        return out
    }

    private static func value(of c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(c - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
