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
    public private(set) var format = AnswerFormat.native

    init(verb: VerbSpec, surface: Surface) {
        self.verb = verb
        self.surface = surface
    }

    // MARK: Reading

    /// The positional's value (the first, for a repeated one).
    public func positional(_ name: String) -> String? { positionalValues[name]?.first }
    public func positionals(_ name: String) -> [String] { positionalValues[name] ?? [] }

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
        guard let x = Double(v) else { throw .usage("\(option: option) must be a number, not '\(v)'") }
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
        case .daemon: try parsed.parseDaemon(words, options: verb.options(for: .daemon) + common)
        }
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
            if name == "json" && takesOutputFormat && verb.outputs.contains(.json) {
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
    /// runs until the first word that names an option.
    private mutating func parseDaemon(_ words: [String], options: [OptionSpec]) throws(RequestError) {
        // Every option name ends a run of positionals, the CLI's own too: `PPR g a THREADS 2` is
        // refused as an option the daemon does not take, not read as seeds named THREADS and 2.
        let keys = Set(verb.options.flatMap(\.daemonKeys) + (takesOutputFormat ? ["format"] : []))
        var i = 0
        for p in verb.positionals {
            switch p.count(for: .daemon) {
            case .one:
                guard i < words.count else {
                    throw .usage("\(verb.daemonName) needs \(p.name) (\(verb.daemonSyntax))")
                }
                positionalValues[p.name] = [words[i]]
                i += 1
            case .optional:
                if i < words.count, !keys.contains(OptionSpec.normalize(words[i])) {
                    positionalValues[p.name] = [words[i]]
                    i += 1
                }
            case .oneOrMore, .zeroOrMore:
                var taken: [String] = []
                while i < words.count, !keys.contains(OptionSpec.normalize(words[i])) {
                    taken.append(words[i])
                    i += 1
                }
                if taken.isEmpty && p.count(for: .daemon) == .oneOrMore {
                    throw .usage("\(verb.daemonName) needs at least one \(p.name) (\(verb.daemonSyntax))")
                }
                positionalValues[p.name] = taken
            }
        }
        while i < words.count {
            let word = words[i]
            let key = OptionSpec.normalize(word)
            i += 1
            if key == "format" && takesOutputFormat {
                guard i < words.count else { throw .usage("\(option: "format") needs a value") }
                try setFormat(words[i])
                i += 1
                continue
            }
            guard let spec = options.first(where: { $0.daemonKeys.contains(key) }) else {
                if let bare = options.first(where: { o in
                    guard o.bareValue, !has(o.name), case .choice(let choices) = o.kind else { return false }
                    return choices.contains(word.lowercased())
                }) {
                    try set(bare, word)
                    continue
                }
                let names = options.map { $0.name.uppercased() } + (takesOutputFormat ? ["FORMAT"] : [])
                throw .usage("\(verb.daemonName) does not take '\(word)'; options: \(names.joined(separator: ", "))")
            }
            if spec.kind == .flag {
                optionValues[spec.name] = [""]
                continue
            }
            guard i < words.count else { throw .usage("\(option: spec.name) needs a value") }
            try set(spec, words[i])
            i += 1
        }
    }

    private mutating func assignPositionals(_ loose: [String]) throws(RequestError) {
        var rest = loose[...]
        let required = verb.positionals.reduce(0) { $0 + ($1.count == .one || $1.count == .oneOrMore ? 1 : 0) }
        var optionalRoom = max(0, loose.count - required)
        for (n, p) in verb.positionals.enumerated() {
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
                let after = verb.positionals[(n + 1)...].filter { $0.count == .one }.count
                let take = max(0, rest.count - after)
                if take == 0 && p.count == .oneOrMore { throw .usage("missing <\(p.name)> (see `quiver \(verb.name) --help`)") }
                positionalValues[p.name] = Array(rest.prefix(take))
                rest = rest.dropFirst(take)
            }
        }
        if let extra = rest.first { throw .usage("unexpected argument '\(extra)' (see `quiver \(verb.name) --help`)") }
    }
}
