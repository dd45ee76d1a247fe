/// One header line of a response the protocol computed (`Allow`, `Vary`, CORS headers).
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// `Name: value`, as it goes on the wire.
    public var description: String { "\(name): \(value)" }
}

/// A request's header lines, looked up by name without regard to case (RFC 9110 §5.1).
///
/// ```swift
/// let headers = HeaderFields([(name: "content-type", value: "text/turtle")])
/// headers.first("Content-Type")   // "text/turtle"
/// ```
public struct HeaderFields: Sendable, Equatable {
    public private(set) var lines: [HTTPHeader]

    public init(_ lines: [(name: String, value: String)]) {
        self.lines = lines.map { HTTPHeader($0.name, $0.value) }
    }

    public init(_ lines: [HTTPHeader]) { self.lines = lines }

    /// The values of every line named `name`, in order, each trimmed of surrounding spaces.
    public func values(_ name: String) -> [String] {
        lines.filter { equalsIgnoringASCIICase($0.name, name) }.map { trimmedSpaces($0.value) }
    }

    /// The value of the first line named `name`, or nil.
    public func first(_ name: String) -> String? { values(name).first }

    /// The lines named `name` joined by commas, as RFC 9110 §5.3 lets a recipient combine a
    /// list-valued field (`Accept`, `Access-Control-Request-Headers`); nil when there is none.
    public func combined(_ name: String) -> String? {
        let all = values(name)
        return all.isEmpty ? nil : all.joined(separator: ", ")
    }

    /// The one value of a field that must not repeat (`Content-Type`, `Authorization`): nil when
    /// absent, an error naming the field when two lines disagree.
    func single(_ name: String) throws(HTTPRequestError) -> String? {
        let all = values(name)
        guard let value = all.first else { return nil }
        if all.dropFirst().contains(where: { $0 != value }) { throw .repeatedHeader(name: name) }
        return value
    }
}

func equalsIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
    let x = a.utf8, y = b.utf8
    guard x.count == y.count else { return false }
    return zip(x, y).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
}

@inline(__always)
func asciiLowercased(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }

func asciiLowercased(_ s: some StringProtocol) -> String {
    String(decoding: s.utf8.map(asciiLowercased), as: UTF8.self)
}

/// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace).
func trimmedSpaces(_ s: some StringProtocol) -> String {
    var sub = Substring(s)
    while let c = sub.first, c == " " || c == "\t" { sub = sub.dropFirst() }
    while let c = sub.last, c == " " || c == "\t" { sub = sub.dropLast() }
    return String(sub)
}
