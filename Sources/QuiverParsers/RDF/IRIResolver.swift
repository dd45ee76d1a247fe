/// Resolution of IRI references against a base IRI (RFC 3986 section 5.2, strict mode).
///
/// ```swift
/// IRIResolver.resolve("../g", against: "http://a/b/c/d;p?q")   // "http://a/b/g"
/// ```
///
/// Works on the UTF-8 bytes of the IRIs; no normalisation besides dot-segment removal is done.
public enum IRIResolver {
    /// The five components of RFC 3986 section 3; `nil` means the component is absent (as opposed to
    /// empty, which matters for `?` and `#`).
    struct Components {
        var scheme: ArraySlice<UInt8>?
        var authority: ArraySlice<UInt8>?
        var path: ArraySlice<UInt8>
        var query: ArraySlice<UInt8>?
        var fragment: ArraySlice<UInt8>?
    }

    /// Whether `iri` starts with a scheme (`scheme ":"`), i.e. is not a relative reference.
    public static func isAbsolute(_ iri: String) -> Bool {
        RDFCharacters.hasScheme(iri.utf8)
    }

    /// Resolves `reference` against `base` (which should be absolute).
    public static func resolve(_ reference: String, against base: String) -> String {
        let r = split(Array(reference.utf8))
        let b = split(Array(base.utf8))
        var target = Components(path: [])
        if r.scheme != nil {
            target.scheme = r.scheme
            target.authority = r.authority
            target.path = removeDotSegments(r.path)
            target.query = r.query
        } else {
            if r.authority != nil {
                target.authority = r.authority
                target.path = removeDotSegments(r.path)
                target.query = r.query
            } else {
                if r.path.isEmpty {
                    target.path = b.path
                    target.query = r.query ?? b.query
                } else {
                    if r.path.first == 0x2F {
                        target.path = removeDotSegments(r.path)
                    } else {
                        target.path = removeDotSegments(merge(base: b, path: r.path))
                    }
                    target.query = r.query
                }
                target.authority = b.authority
            }
            target.scheme = b.scheme
        }
        target.fragment = r.fragment
        return recompose(target)
    }

    static func split(_ bytes: [UInt8]) -> Components {
        var c = Components(path: [])
        var i = 0
        let n = bytes.count
        if RDFCharacters.hasScheme(bytes), let colon = bytes.firstIndex(of: 0x3A) {
            c.scheme = bytes[0..<colon]
            i = colon + 1
        }
        if i + 1 < n, bytes[i] == 0x2F, bytes[i + 1] == 0x2F {
            var j = i + 2
            while j < n, bytes[j] != 0x2F, bytes[j] != 0x3F, bytes[j] != 0x23 { j += 1 }
            c.authority = bytes[(i + 2)..<j]
            i = j
        }
        var j = i
        while j < n, bytes[j] != 0x3F, bytes[j] != 0x23 { j += 1 }
        c.path = bytes[i..<j]
        i = j
        if i < n, bytes[i] == 0x3F {
            j = i + 1
            while j < n, bytes[j] != 0x23 { j += 1 }
            c.query = bytes[(i + 1)..<j]
            i = j
        }
        if i < n, bytes[i] == 0x23 {
            c.fragment = bytes[(i + 1)..<n]
        }
        return c
    }

    /// RFC 3986 5.2.3.
    static func merge(base: Components, path: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if base.authority != nil && base.path.isEmpty {
            return [0x2F] + path
        }
        guard let lastSlash = base.path.lastIndex(of: 0x2F) else { return path }
        return base.path[base.path.startIndex...lastSlash] + path
    }

    /// RFC 3986 5.2.4.
    static func removeDotSegments(_ path: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var input = Array(path)[...]
        var output: [UInt8] = []
        func hasPrefix(_ p: String) -> Bool { input.starts(with: p.utf8) }
        func isExactly(_ p: String) -> Bool { input.elementsEqual(p.utf8) }
        while !input.isEmpty {
            if hasPrefix("../") {
                input = input.dropFirst(3)
            } else if hasPrefix("./") {
                input = input.dropFirst(2)
            } else if hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if isExactly("/.") {
                input = [0x2F]
            } else if hasPrefix("/../") {
                input = input.dropFirst(3)
                removeLastSegment(&output)
            } else if isExactly("/..") {
                input = [0x2F]
                removeLastSegment(&output)
            } else if isExactly(".") || isExactly("..") {
                input = []
            } else {
                // Move the first segment (with its leading "/", if any) to the output.
                var j = input.startIndex
                if input[j] == 0x2F { j += 1 }
                while j < input.endIndex, input[j] != 0x2F { j += 1 }
                output.append(contentsOf: input[input.startIndex..<j])
                input = input[j...]
            }
        }
        return output[...]
    }

    private static func removeLastSegment(_ output: inout [UInt8]) {
        if let slash = output.lastIndex(of: 0x2F) {
            output.removeSubrange(slash...)
        } else {
            output.removeAll()
        }
    }

    static func recompose(_ c: Components) -> String {
        var out: [UInt8] = []
        if let scheme = c.scheme { out += scheme; out.append(0x3A) }
        if let authority = c.authority { out += [0x2F, 0x2F]; out += authority }
        out += c.path
        if let query = c.query { out.append(0x3F); out += query }
        if let fragment = c.fragment { out.append(0x23); out += fragment }
        return String(decoding: out, as: UTF8.self)
    }
}
