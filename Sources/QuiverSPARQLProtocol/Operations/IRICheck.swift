/// The check a graph IRI from a request passes before it names a graph: an absolute IRI (RFC
/// 3987) with a scheme and none of the characters an IRI never holds. Not a full IRI parser: the
/// aim is to catch a relative reference, an unencoded space or a pasted `<…>` with a message.
enum IRICheck {
    /// What is wrong with `iri`, or nil when it passes.
    static func problem(_ iri: String) -> String? {
        guard !iri.isEmpty else { return "it is empty" }
        for scalar in iri.unicodeScalars {
            switch scalar {
            case " ": return "it contains a space (percent-encode it as %20 inside the IRI)"
            case "<", ">", "\"", "{", "}", "|", "^", "`", "\\":
                return "it contains the character \(quoted(String(scalar)))"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                return "it contains the control character U+\(String(scalar.value, radix: 16, uppercase: true))"
            default: continue
            }
        }
        let scalars = Array(iri.unicodeScalars)
        guard let colon = scalars.firstIndex(of: ":"), colon > 0,
              isLetter(scalars[0]),
              scalars[1..<colon].allSatisfy({ isLetter($0) || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == "." })
        else { return "it has no scheme such as http:" }
        return nil
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
}
