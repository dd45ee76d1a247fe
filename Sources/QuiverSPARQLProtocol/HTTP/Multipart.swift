/// A `multipart/form-data` or `multipart/mixed` body (RFC 7578, RFC 2046) split into its parts,
/// nested multiparts flattened: the Graph Store protocol lets a POST carry several RDF documents
/// this way (an HTML form's file uploads). Each part keeps its own `Content-Type`.
public enum Multipart {
    public struct Part: Sendable, Equatable {
        public var contentType: String?
        public var body: [UInt8]
    }

    /// Whether a `Content-Type` value is a multipart one.
    public static func isMultipart(_ contentType: String) -> Bool {
        contentType.lowercased().trimmingLeadingSpaces.hasPrefix("multipart/")
    }

    /// The parts of `body`, whose `Content-Type` is `contentType`.
    ///
    /// - Throws: 400 when the boundary is missing or the body does not hold it as RFC 2046 says.
    public static func parts(of body: [UInt8], contentType: String, depth: Int = 0) throws(HTTPRequestError) -> [Part] {
        guard depth < 4 else { throw .malformedHeader(name: "Content-Type", value: contentType, problem: "multipart bodies nest too deep") }
        guard let boundary = Self.boundary(contentType) else {
            throw .malformedHeader(name: "Content-Type", value: contentType, problem: "a multipart body needs a boundary= parameter")
        }
        let delimiter = Array(("--" + boundary).utf8)
        var starts: [Int] = []
        var i = 0
        // Delimiters begin a line (or the body).
        while let at = find(delimiter, in: body, from: i) {
            if at == 0 || body[at - 1] == 0x0A { starts.append(at) }
            i = at + delimiter.count
        }
        guard starts.count >= 2 || (starts.count == 1 && isClose(body, starts[0] + delimiter.count)) else {
            throw .malformedHeader(name: "Content-Type", value: contentType, problem: "the body does not hold its boundary \"\(boundary)\"")
        }
        var out: [Part] = []
        for (k, start) in starts.enumerated() {
            let after = start + delimiter.count
            if isClose(body, after) { break }
            var from = after
            while from < body.count, body[from] != 0x0A { from += 1 }
            from += 1
            var end = k + 1 < starts.count ? starts[k + 1] : body.count
            // The line break before the next delimiter belongs to it.
            if end > from, body[end - 1] == 0x0A { end -= 1 }
            if end > from, body[end - 1] == 0x0D { end -= 1 }
            guard from <= end else { continue }
            let part = Array(body[from..<end])
            // Headers, then a blank line, then the content.
            var headers: [(String, String)] = []
            var cursor = 0
            var content: [UInt8] = []
            while cursor <= part.count {
                let nl = part[cursor...].firstIndex(of: 0x0A) ?? part.count
                var text = String(decoding: part[cursor..<nl], as: UTF8.self)
                if text.hasSuffix("\r") { text.removeLast() }
                if text.isEmpty {
                    content = nl + 1 <= part.count ? Array(part[min(nl + 1, part.count)...]) : []
                    break
                }
                if let colon = text.firstIndex(of: ":") {
                    headers.append((String(text[..<colon]).lowercased(), String(text[text.index(after: colon)...]).trimmingLeadingSpaces))
                }
                cursor = nl + 1
                if cursor > part.count { break }
            }
            let type = headers.first { $0.0 == "content-type" }?.1
            if let type, isMultipart(type) {
                out += try parts(of: content, contentType: type, depth: depth + 1)
            } else {
                out.append(Part(contentType: type, body: content))
            }
        }
        return out
    }

    /// The `boundary` parameter; parameters may be separated by `;` or (as some clients write) `,`.
    static func boundary(_ contentType: String) -> String? {
        for piece in contentType.split(whereSeparator: { $0 == ";" || $0 == "," }).dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingLeadingSpaces.lowercased() == "boundary" else { continue }
            var value = String(kv[1]).trimmingLeadingSpaces
            while value.hasSuffix(" ") { value.removeLast() }
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    private static func isClose(_ body: [UInt8], _ at: Int) -> Bool {
        at + 1 < body.count && body[at] == 0x2D && body[at + 1] == 0x2D
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingLeadingSpaces: String { String(drop(while: { $0 == " " || $0 == "\t" })) }
}
