/// What the CORS policy decided about a request.
public enum CORSDecision: Sendable, Equatable {
    /// No `Origin` header, or the origin is the server's own (its authority is the `Host`):
    /// handle the request as usual and add nothing.
    case notCrossOrigin
    /// A cross-origin request from an allowed origin: handle it as usual and add these headers to
    /// the response, whatever its status.
    case allowed([HTTPHeader])
    /// A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) that passed: answer
    /// `204 No Content` with these headers and route the request no further.
    case preflight([HTTPHeader])
}

/// Which browser origins may call the endpoints (the Fetch standard's CORS protocol), and the
/// headers that tell the browser so.
///
/// A cross-origin request from an origin the policy does not list is refused (403) rather than
/// answered without CORS headers: the browser would hide such an answer from the page, but a
/// form POST carrying `update=` would already have changed the store by then.
///
/// ```swift
/// let policy = CORSPolicy(allowedOrigins: ["https://app.example"])
/// try policy.evaluate(method: "GET", headers: [(name: "Origin", value: "https://app.example")])
/// // .allowed([Access-Control-Allow-Origin: https://app.example, Vary: Origin])
/// ```
public struct CORSPolicy: Sendable, Equatable {
    /// Origins as browsers send them (`https://app.example`, `http://localhost:3000`), or `*`
    /// for any. Compared without regard to case or a trailing `/`.
    public var allowedOrigins: [String]
    /// Methods a preflight may ask for (GET, HEAD and POST need no preflight and always pass).
    public var allowedMethods: [String]
    /// Request headers a preflight may ask for, beyond those CORS always allows.
    public var allowedHeaders: [String]
    /// Response headers the page may read beyond CORS's safelisted ones.
    public var exposedHeaders: [String]
    /// Whether the browser may send cookies and `Authorization` (`Access-Control-Allow-Credentials`).
    /// With it, `*` is answered with the request's own origin, as the Fetch standard requires.
    public var allowCredentials: Bool
    /// How long a browser may cache a preflight's answer (`Access-Control-Max-Age`); nil to leave
    /// it to the browser.
    public var maxAgeSeconds: Int?

    public init(
        allowedOrigins: [String],
        allowedMethods: [String] = ["GET", "HEAD", "POST", "PUT", "DELETE"],
        allowedHeaders: [String] = ["Accept", "Authorization", "Content-Type"],
        exposedHeaders: [String] = [],
        allowCredentials: Bool = false,
        maxAgeSeconds: Int? = 600
    ) {
        self.allowedOrigins = allowedOrigins
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.allowCredentials = allowCredentials
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// The decision for one request.
    ///
    /// - Throws: 403 when the origin is not allowed, or a preflight asks for a method or a header
    ///   the policy does not allow.
    public func evaluate(method: String, headers: [(name: String, value: String)]) throws(HTTPRequestError) -> CORSDecision {
        try evaluate(method: method, headers: HeaderFields(headers))
    }

    public func evaluate(method: String, headers: HeaderFields) throws(HTTPRequestError) -> CORSDecision {
        guard let origin = try headers.single("Origin") else { return .notCrossOrigin }
        if let host = headers.first("Host"), Self.isSameOrigin(origin, host: host) { return .notCrossOrigin }
        guard allows(origin) else { throw .originNotAllowed(origin: origin) }

        var answer: [HTTPHeader] = []
        let echoesOrigin = allowCredentials || !allowedOrigins.contains("*")
        answer.append(HTTPHeader("Access-Control-Allow-Origin", echoesOrigin ? origin : "*"))
        if allowCredentials { answer.append(HTTPHeader("Access-Control-Allow-Credentials", "true")) }

        guard method == "OPTIONS", let requestedMethod = headers.first("Access-Control-Request-Method") else {
            if !exposedHeaders.isEmpty { answer.append(HTTPHeader("Access-Control-Expose-Headers", exposedHeaders.joined(separator: ", "))) }
            if echoesOrigin { answer.append(HTTPHeader("Vary", "Origin")) }
            return .allowed(answer)
        }

        guard Self.safelistedMethods.contains(requestedMethod) || allowedMethods.contains(requestedMethod) else {
            throw .preflightRefused(origin: origin, problem: "the method \(requestedMethod) is not allowed (allowed: \(allowedMethods.joined(separator: ", ")))")
        }
        let requestedHeaders = (headers.combined("Access-Control-Request-Headers") ?? "")
            .split(separator: ",").map { trimmedSpaces($0) }.filter { !$0.isEmpty }
        for header in requestedHeaders
        where !(Self.safelistedHeaders + allowedHeaders).contains(where: { equalsIgnoringASCIICase($0, header) }) {
            throw .preflightRefused(origin: origin, problem: "the header \(header) is not allowed (allowed: \(allowedHeaders.joined(separator: ", ")))")
        }
        answer.append(HTTPHeader("Access-Control-Allow-Methods", allowedMethods.joined(separator: ", ")))
        if !allowedHeaders.isEmpty { answer.append(HTTPHeader("Access-Control-Allow-Headers", allowedHeaders.joined(separator: ", "))) }
        if let maxAgeSeconds { answer.append(HTTPHeader("Access-Control-Max-Age", String(maxAgeSeconds))) }
        if echoesOrigin { answer.append(HTTPHeader("Vary", "Origin")) }
        return .preflight(answer)
    }

    /// Methods a page may use without a preflight.
    static let safelistedMethods = ["GET", "HEAD", "POST"]
    /// Request headers a preflight may list that CORS always allows (Content-Type is not among
    /// them: only three of its values are safelisted, and SPARQL's are not those).
    static let safelistedHeaders = ["Accept", "Accept-Language", "Content-Language"]

    func allows(_ origin: String) -> Bool {
        allowedOrigins.contains { $0 == "*" || Self.normalized($0) == Self.normalized(origin) }
    }

    static func normalized(_ origin: String) -> String {
        var s = asciiLowercased(trimmedSpaces(origin))
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }

    /// Whether `origin` (`scheme://host[:port]`) names the server that `Host` names: a browser
    /// sends `Origin` with same-origin POSTs too.
    static func isSameOrigin(_ origin: String, host: String) -> Bool {
        guard let schemeEnd = origin.firstRange(of: "://") else { return false }
        return equalsIgnoringASCIICase(String(origin[schemeEnd.upperBound...]), trimmedSpaces(host))
    }
}
