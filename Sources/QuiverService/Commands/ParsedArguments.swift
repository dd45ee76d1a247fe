import QuiverCore

/// How an answer is written.
public enum AnswerFormat: String, Sendable {
    /// The surface's own: text for the CLI, a RESP structure for the daemon.
    case native
    case json
    case dot
}

/// A verb's words, checked against its `VerbSpec`: positionals by name, option values by the
/// option's name, whatever surface they came from. Typed readers name the option in the words of
/// that surface when a value is wrong.
///
/// ```swift
/// let args = try ParsedArguments.parse(["nations", "usa", "china", "--max-hops", "3"], verb: PathsRequest.spec, surface: .cli)
/// try args.integer("max-hops")   // 3
/// ```
public struct ParsedArguments: Sendable {
    public let verb: VerbSpec
    public let surface: Surface
    private var positionalValues: [String: [String]] = [:]
    private var optionValues: [String: [String]] = [:]
    private var payloadValues: [String: [UInt8]] = [:]
    public private(set) var format = AnswerFormat.native

    init(verb: VerbSpec, surface: Surface) {
        self.verb = verb
        self.surface = surface
    }

    // MARK: Reading

    /// The positional's value (the first, for a repeated one).
    public func positional(_ name: String) -> String? { positionalValues[name]?.first }
    public func positionals(_ name: String) -> [String] { positionalValues[name] ?? [] }
    /// A payload positional's bytes, unchanged (the daemon's; the CLI names files instead).
    public func payload(_ name: String) -> [UInt8]? { payloadValues[name] }

    public func has(_ option: String) -> Bool { optionValues[option] != nil }
    public func flag(_ option: String) -> Bool { has(option) }
    /// The option's last value (a repeated option's every value: `values`).
    public func text(_ option: String) -> String? { optionValues[option]?.last }
    public func values(_ option: String) -> [String] { optionValues[option] ?? [] }

    public func integer(_ option: String) throws(RequestError) -> Int? {
        guard let v = text(option) else { return nil }
        guard let n = Int(v) else { throw .usage("\(option: option) must be an integer, not '\(v)'") }
        return n
    }

    public func number(_ option: String) throws(RequestError) -> Double? {
        guard let v = text(option) else { return nil }
        // NaN and infinities are no setting anyone means; they would poison what they reach.
        guard let x = Double(v), x.isFinite else { throw .usage("\(option: option) must be a finite number, not '\(v)'") }
        return x
    }

    /// A choice option's value as an enum whose raw values are the choices.
    public func choice<E: RawRepresentable>(_ option: String, as type: E.Type) throws(RequestError) -> E? where E.RawValue == String {
        guard let v = text(option) else { return nil }
        guard let e = E(rawValue: v) else { throw .usage("\(option: option) cannot be '\(v)'") }
        return e
    }

    /// A split: train, valid (or validation, dev) or test.
    public func split(_ option: String) throws(RequestError) -> Split? {
        guard let v = text(option) else { return nil }
        guard let s = Split(name: v) else { throw .usage("unknown \(option: option) '\(v)'; use train, valid or test") }
        return s
    }

    /// A positive number of milliseconds.
    public func milliseconds(_ option: String) throws(RequestError) -> Duration? {
        guard let ms = try integer(option) else { return nil }
        guard ms > 0 else { throw .usage("\(option: option) must be a positive number of milliseconds") }
        return .milliseconds(ms)
    }

    // MARK: Parsing

    /// Parses `words` (the words after the verb's name) as `surface` spells them. `common` are
    /// options of the surface that every verb takes (the CLI's `--data-dir`); they are read like
    /// the verb's own.
    public static func parse(_ words: [String], verb: VerbSpec, surface: Surface, common: [OptionSpec] = []) throws(RequestError) -> ParsedArguments {
        var parsed = ParsedArguments(verb: verb, surface: surface)
        switch surface {
        case .cli: try parsed.parseCLI(words, options: verb.options(for: .cli) + common)
        case .daemon: try parsed.parseDaemon(words.map { Array($0.utf8) }, options: verb.options(for: .daemon) + common)
        }
        return parsed
    }

    /// The daemon's words as they came over the wire (see `parseDaemon`).
    public static func parse(daemonWords words: [[UInt8]], verb: VerbSpec) throws(RequestError) -> ParsedArguments {
        var parsed = ParsedArguments(verb: verb, surface: .daemon)
        try parsed.parseDaemon(words, options: verb.options(for: .daemon))
        return parsed
    }

    private mutating func set(_ option: OptionSpec, _ value: String) throws(RequestError) {
        var value = value
        if case .choice(let words) = option.kind {
            guard let word = words.first(where: { $0 == value.lowercased() || $0 == value }) else {
                throw .usage("\(option: option.name) must be \(Self.alternatives(words)), not '\(value)'")
            }
            value = word
        }
        if option.repeatable {
            optionValues[option.name, default: []].append(value)
        } else {
            optionValues[option.name] = [value]
        }
    }

    private static func alternatives(_ words: [String]) -> String {
        words.count <= 2 ? words.joined(separator: " or ") : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    private mutating func setFormat(_ value: String) throws(RequestError) {
        let f = value.lowercased()
        var allowed = ["json"]
        if surface == .cli { allowed.insert("text", at: 0) } else { allowed.insert("resp", at: 0) }
        if surface == .cli && verb.outputs.contains(.dot) { allowed.append("dot") }
        guard allowed.contains(f), f == "text" || f == "resp" || verb.outputs.contains(f == "json" ? .json : .dot) else {
            throw .usage("\(option: "format") must be \(Self.alternatives(allowed)), not '\(value)'")
        }
        format = f == "json" ? .json : f == "dot" ? .dot : .native
    }

    /// `--format` / `FORMAT` names the answer's format, unless the verb has a `format` of its own.
    private var takesOutputFormat: Bool { !verb.ownsFormat && !verb.outputs.isEmpty }

    /// `--name value`, `--name=value`, `-k value`, flags; positionals anywhere; `--` ends options.
    private mutating func parseCLI(_ words: [String], options: [OptionSpec]) throws(RequestError) {
        var loose: [String] = []
        var i = 0
        var optionsEnded = false
        while i < words.count {
            let word = words[i]
            i += 1
            if optionsEnded || !word.hasPrefix("-") || word == "-" || Double(word) != nil {
                loose.append(word)
                continue
            }
            if word == "--" { optionsEnded = true; continue }
            var name: String, inline: String?
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    inline = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
            } else {
                guard word.count == 2, let spec = options.first(where: { $0.short == word.last }) else {
                    throw .usage("unknown option '\(word)' (see `quiver \(verb.name) --help`)")
                }
                name = spec.name
            }
            func value() throws(RequestError) -> String {
                if let inline { return inline }
                guard i < words.count else { throw .usage("\(option: name) needs a value") }
                i += 1
                return words[i - 1]
            }
            if name == "json" && verb.outputs.contains(.json) {
                format = .json
                continue
            }
            if name == "format" && takesOutputFormat {
                try setFormat(try value())
                continue
            }
            guard let spec = options.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
                throw .usage("unknown option '--\(name)' (see `quiver \(verb.name) --help`)")
            }
            if spec.kind == .flag {
                if inline != nil { throw .usage("\(option: spec.name) takes no value") }
                optionValues[spec.name] = [""]
            } else {
                try set(spec, try value())
            }
        }
        try assignPositionals(loose)
    }

    /// Positionals first, in order; then `NAME value` options and flags. A repeated positional
    /// runs until the first word that names an option; a payload positional left empty there may
    /// come after the options (`LOAD g FORMAT tsv <payload>`).
    ///
    /// The words are bytes, as they came over the wire. This is the one place where they become
    /// text: each is checked as UTF-8 when it is taken, and refused naming its position and role
    /// (never repaired with U+FFFD, which would make `g\xFE` and `g\xFF` one graph). A payload's
    /// bytes are kept as they are, for the parser that reads them.
    private mutating func parseDaemon(_ words: [[UInt8]], options: [OptionSpec]) throws(RequestError) {
        // Every option name ends a run of positionals, the CLI's own too: `PPR g a THREADS 2` is
        // refused as an option the daemon does not take, not read as seeds named THREADS and 2.
        // Made on first need, and the role of a word only for an error: a small query's whole
        // parse costs microseconds, and these were most of it.
        var keys: Set<String>?
        func isKey(_ i: Int) -> Bool {
            let known = keys ?? Set(verb.options.flatMap(\.daemonKeys) + (takesOutputFormat ? ["format"] : []))
            keys = known
            return known.contains(OptionSpec.normalize(String(decoding: words[i], as: UTF8.self)))
        }
        func text(_ i: Int, _ role: @autoclosure () -> String) throws(RequestError) -> String {
            if let t = String(validating: words[i], as: UTF8.self) { return t }
            let role = role()
            let offset = UTF8Validation.firstInvalidOffset(words[i]) ?? 0
            let hex = String(words[i][min(offset, words[i].count - 1)], radix: 16)
            throw .usage("\(verb.daemonName): argument \(i + 1) (\(role)) is not valid UTF-8 (byte 0x\(hex.count < 2 ? "0" + hex : hex) at offset \(offset))")
        }
        func take(_ p: PositionalSpec, _ i: Int) throws(RequestError) {
            if p.isPayload {
                payloadValues[p.name] = words[i]
            } else {
                let k = positionalValues[p.name]?.count ?? 0
                positionalValues[p.name, default: []].append(try text(i, p.article(ofWord: k)))
            }
        }
        var i = 0
        var late: PositionalSpec?
        for p in verb.positionals(for: .daemon) {
            switch p.count(for: .daemon) {
            case .one:
                guard i < words.count else {
                    throw .usage("\(verb.daemonName) needs \(p.name) (\(verb.daemonSyntax))")
                }
                try take(p, i)
                i += 1
            case .optional:
                if i < words.count, !isKey(i) {
                    try take(p, i)
                    i += 1
                } else if p.isPayload {
                    late = p
                }
            case .oneOrMore, .zeroOrMore:
                let first = i
                // Items of `group` words: the first item is taken whatever its words are (ADD's
                // subject may be named `split`); later ones while a whole item remains and its
                // first word names no option.
                while i + p.group <= words.count, i == first && p.count(for: .daemon) == .oneOrMore || !isKey(i) {
                    for k in i ..< i + p.group { try take(p, k) }
                    i += p.group
                }
                if i < words.count, !isKey(i), p.group > 1 {
                    throw .usage("\(verb.daemonName) takes \(p.name) in groups of \(p.group) words; \(words.count - i) left over (\(verb.daemonSyntax))")
                }
                if i == first && p.count(for: .daemon) == .oneOrMore {
                    throw .usage("\(verb.daemonName) needs at least one \(p.name) (\(verb.daemonSyntax))")
                }
            }
        }
        while i < words.count {
            let word = String(decoding: words[i], as: UTF8.self)
            let key = OptionSpec.normalize(word)
            i += 1
            if key == "format" && takesOutputFormat {
                guard i < words.count else { throw .usage("\(option: "format") needs a value") }
                try setFormat(try text(i, "a value of FORMAT"))
                i += 1
                continue
            }
            guard let spec = options.first(where: { $0.daemonKeys.contains(key) }) else {
                if let p = late, payloadValues[p.name] == nil {
                    try take(p, i - 1)
                    continue
                }
                if let bare = options.first(where: { o in
                    guard o.bareValue, !has(o.name), case .choice(let choices) = o.kind else { return false }
                    return choices.contains(word.lowercased())
                }) {
                    try set(bare, try text(i - 1, "a value of \(bare.name.uppercased())"))
                    continue
                }
                _ = try text(i - 1, "an option")
                let names = options.map { $0.name.uppercased() } + (takesOutputFormat ? ["FORMAT"] : [])
                throw .usage("\(verb.daemonName) does not take '\(word)'; options: \(names.joined(separator: ", "))")
            }
            if spec.kind == .flag {
                optionValues[spec.name] = [""]
                continue
            }
            guard i < words.count else { throw .usage("\(option: spec.name) needs a value") }
            try set(spec, try text(i, "a value of \(spec.name.uppercased())"))
            i += 1
        }
    }

    private mutating func assignPositionals(_ loose: [String]) throws(RequestError) {
        var rest = loose[...]
        let positionals = verb.positionals(for: .cli)
        let required = positionals.reduce(0) { $0 + ($1.count == .one || $1.count == .oneOrMore ? 1 : 0) }
        var optionalRoom = max(0, loose.count - required)
        for (n, p) in positionals.enumerated() {
            switch p.count {
            case .one:
                guard let w = rest.popFirst() else { throw .usage("missing <\(p.name)> (see `quiver \(verb.name) --help`)") }
                positionalValues[p.name] = [w]
            case .optional:
                if optionalRoom > 0, let w = rest.popFirst() {
                    positionalValues[p.name] = [w]
                    optionalRoom -= 1
                }
            case .oneOrMore, .zeroOrMore:
                let after = positionals[(n + 1)...].filter { $0.count == .one }.count
                let take = max(0, rest.count - after)
                if take == 0 && p.count == .oneOrMore { throw .usage("missing <\(p.name)> (see `quiver \(verb.name) --help`)") }
                if take % p.group != 0 { throw .usage("<\(p.name)> comes in groups of \(p.group) words, not \(take) (see `quiver \(verb.name) --help`)") }
                positionalValues[p.name] = Array(rest.prefix(take))
                rest = rest.dropFirst(take)
            }
        }
        if let extra = rest.first { throw .usage("unexpected argument '\(extra)' (see `quiver \(verb.name) --help`)") }
    }
}
