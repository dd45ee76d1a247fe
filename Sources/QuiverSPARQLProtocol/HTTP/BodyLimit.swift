/// The cap on a request body, checked where the body is used and, before any of it is read, on
/// the declared `Content-Length`, so that the daemon can refuse an oversized upload without
/// buffering it.
public enum BodyLimit {
    /// Refuses (413) a request whose `Content-Length` is over `maxBodyBytes`; a `Content-Length`
    /// that is not a number is a 400. A request without one (chunked) passes: the daemon counts
    /// as the body comes and calls `check(bodyBytes:maxBodyBytes:)`.
    public static func check(headers: [(name: String, value: String)], maxBodyBytes: Int) throws(HTTPRequestError) {
        guard let declared = try HeaderFields(headers).single("Content-Length") else { return }
        guard !declared.isEmpty, declared.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .malformedHeader(name: "Content-Length", value: declared, problem: "not a number of bytes")
        }
        // More digits than Int holds is certainly over any limit.
        let bytes = Int(declared) ?? Int.max
        try check(bodyBytes: bytes, maxBodyBytes: maxBodyBytes)
    }

    /// Refuses (413) a body of `bodyBytes` over `maxBodyBytes`.
    public static func check(bodyBytes: Int, maxBodyBytes: Int) throws(HTTPRequestError) {
        if bodyBytes > maxBodyBytes { throw .bodyTooLarge(bytes: bodyBytes, limit: maxBodyBytes) }
    }
}
