/// A terminal of the grammar (§19.8), with where it was written.
struct Token: Equatable {
    enum Kind: Equatable {
        /// `<…>`, the IRI reference as written (not yet resolved).
        case iriRef(String)
        /// `prefix:local`, the local part with its `\` escapes removed (`%XX` kept).
        case prefixedName(prefix: String, local: String)
        /// `_:label`
        case blankNodeLabel(String)
        /// `?name` or `$name`
        case variable(String)
        /// A string literal's value, escapes replaced.
        case string(String)
        /// `@tag`, without the `@`.
        case languageTag(String)
        case integer(String)
        case decimal(String)
        case double(String)
        /// A word: a keyword, a built-in's name, `a`, `true`, `false`. Matched case-insensitively
        /// through `upper` (except `a`, which the parser checks as written).
        case word(upper: String)
        /// Punctuation and operators: `{ } ( ) [ ] . , ; * + - / ! ^ ^^ | || && = != < > <= >= ?`.
        case symbol(String)
        case end
    }

    var kind: Kind
    /// Scalar offsets in the query text.
    var start: Int
    var end: Int

    func isSymbol(_ s: String) -> Bool {
        if case .symbol(let t) = kind { return t == s }
        return false
    }

    func isWord(_ upper: String) -> Bool {
        if case .word(let t) = kind { return t == upper }
        return false
    }
}
