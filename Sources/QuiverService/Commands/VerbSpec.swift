import QuiverCore

/// Which surfaces take an option.
public struct Surfaces: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let cli = Surfaces(rawValue: 1)
    public static let daemon = Surfaces(rawValue: 2)
    public static let both: Surfaces = [.cli, .daemon]

    public func contains(_ surface: Surface) -> Bool {
        contains(surface == .cli ? Surfaces.cli : Surfaces.daemon)
    }
}

/// One option of a verb, declared once. The CLI spells it `--max-hops 3` (or `-k 3` when it has a
/// short name), the daemon `MAX-HOPS 3` (also `--max-hops`, `max_hops`, `MAXHOPS`); both parsers,
/// the CLI's help, the daemon's `COMMAND DOCS` and the syntax line are derived from it.
public struct OptionSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Present or not; takes no value.
        case flag
        case integer
        case number
        case text
        /// One of these words (compared case-insensitively; the value is the word as listed).
        case choice([String])
    }

    /// Lower case with dashes: `max-hops`.
    public var name: String
    public var kind: Kind
    /// How help and syntax lines show the value: `n`, `expr`, `ms`.
    public var valueName: String
    public var help: String
    /// The default as shown in help (the request type holds the real one).
    public var defaultText: String?
    /// May be given more than once; every value is kept.
    public var repeatable: Bool
    public var surfaces: Surfaces
    /// A one-letter CLI spelling (`-k`).
    public var short: Character?
    /// Other names the option answers to (`timeout` for `timeout-ms`).
    public var aliases: [String]
    /// In the daemon, the value may stand alone (`PATHS g a b simple` for `MODE simple`).
    public var bareValue: Bool

    public init(
        _ name: String, _ kind: Kind, value valueName: String = "value", help: String, default defaultText: String? = nil,
        repeatable: Bool = false, surfaces: Surfaces = .both, short: Character? = nil, aliases: [String] = [], bareValue: Bool = false
    ) {
        self.name = name
        self.kind = kind
        self.valueName = kind == .flag ? "" : valueName
        self.help = help
        self.defaultText = defaultText
        self.repeatable = repeatable
        self.surfaces = surfaces
        self.short = short
        self.aliases = aliases
        self.bareValue = bareValue
    }

    /// Every spelling, normalized (`maxhops`), that the daemon accepts for this option.
    var daemonKeys: [String] { ([name] + aliases).map(OptionSpec.normalize) }

    /// `MAX-HOPS`, `--max-hops`, `max_hops`, `MAXHOPS` → `maxhops`.
    public static func normalize(_ word: String) -> String {
        String(word.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" })
    }
}

/// A positional argument of a verb.
public struct PositionalSpec: Sendable {
    public enum Count: Sendable, Equatable { case one, optional, oneOrMore, zeroOrMore }
    public var name: String
    public var help: String
    public var count: Count
    /// The daemon's count where it differs: PATHS needs `from` and `to` there, while the CLI may
    /// take `--pairs FILE` instead.
    public var daemonCount: Count?
    /// What one value is, for messages: "a seed node" (default: the name).
    public var noun: String
    /// Bytes handed on unchanged (LOAD's payload): not checked as text, never shown.
    public var isPayload: Bool
    /// Which surfaces take it at all.
    public var surfaces: Surfaces
    /// Words per item of a repeated positional: 3 for ADD's `s p o [s p o …]`.
    public var group: Int
    /// What each word of an item is, for messages ("subject", "predicate", "object").
    public var groupNouns: [String]

    public init(_ name: String, _ help: String, _ count: Count = .one, daemon daemonCount: Count? = nil, noun: String? = nil,
                payload: Bool = false, surfaces: Surfaces = .both, group: Int = 1, groupNouns: [String] = []) {
        self.name = name
        self.group = max(1, group)
        self.groupNouns = groupNouns
        self.isPayload = payload
        self.surfaces = surfaces
        self.noun = noun ?? name
        self.help = help
        self.count = count
        self.daemonCount = daemonCount
    }

    public func count(for surface: Surface) -> Count { surface == .daemon ? daemonCount ?? count : count }

    /// "a relation", "an object".
    public var article: String { Self.article(noun) }

    /// The `k`-th word of this positional as a message names it.
    public func article(ofWord k: Int) -> String {
        groupNouns.count == group ? Self.article(groupNouns[k % group]) : article
    }

    static func article(_ noun: String) -> String { ("aeiou".contains(noun.first ?? "x") ? "an " : "a ") + noun }
}

/// How an answer may be written besides the default (text for the CLI, RESP for the daemon).
public struct OutputFormats: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// `--json` / `FORMAT JSON`: the answer's JSON, the same bytes on both surfaces.
    public static let json = OutputFormats(rawValue: 1)
    /// `--format dot`: Graphviz (CLI).
    public static let dot = OutputFormats(rawValue: 2)
}

/// Everything a verb declares about itself: its name, what it does, its arguments and options.
public struct VerbSpec: Sendable {
    /// The CLI's name (`paths`); the daemon's is its upper case (`PATHS`).
    public var name: String
    public var summary: String
    /// More to say in the CLI's help, before the options.
    public var discussion: String
    public var positionals: [PositionalSpec]
    public var options: [OptionSpec]
    /// CLI command lines (without `quiver `) shown in help.
    public var examples: [String]
    public var outputs: OutputFormats
    /// The daemon's `COMMAND` group and flags.
    public var group: String
    public var writes: Bool
    /// Answered by the daemon's reserved threads: bounded work that must answer while heavy
    /// queries hold every query worker.
    public var cheap: Bool
    /// The daemon answers `+OK` (the answer only with FORMAT JSON), as Redis does for a write
    /// whose result is just that it happened.
    public var answersOK: Bool
    /// Options that exclude each other, shown as one choice in the syntax line (`[ITERATIONS n |
    /// TOLERANCE t]`); the request refuses more than one of a group.
    public var exclusive: [[String]]

    public init(
        _ name: String, summary: String, discussion: String = "", positionals: [PositionalSpec], options: [OptionSpec],
        examples: [String] = [], outputs: OutputFormats = .json, group: String = "graph", writes: Bool = false, cheap: Bool = false,
        answersOK: Bool = false, exclusive: [[String]] = []
    ) {
        self.exclusive = exclusive
        self.answersOK = answersOK
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.positionals = positionals
        self.options = options
        self.examples = examples
        self.outputs = outputs
        self.group = group
        self.writes = writes
        self.cheap = cheap
    }

    public var daemonName: String { name.uppercased() }

    public func positionals(for surface: Surface) -> [PositionalSpec] { positionals.filter { $0.surfaces.contains(surface) } }

    public func options(for surface: Surface) -> [OptionSpec] { options.filter { $0.surfaces.contains(surface) } }

    public func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }

    /// Whether this verb has its own `format` option (EXPORT's nt|tsv), which then is not the
    /// output format.
    var ownsFormat: Bool { options.contains { $0.name == "format" } }

    /// The daemon's syntax line: `PATHS graph from to [MODE m] [VIA expr] [COUNT] … [FORMAT JSON]`.
    public var daemonSyntax: String {
        var parts = [daemonName]
        var late: [String] = []
        for p in positionals(for: .daemon) where p.isPayload && p.count(for: .daemon) == .optional { late.append(p.name) }
        for p in positionals(for: .daemon) where !late.contains(p.name) {
            switch p.count(for: .daemon) {
            case .one: parts.append(p.name)
            case .optional: parts.append("[\(p.name)]")
            case .oneOrMore: parts.append("\(p.name) [\(p.name) …]")
            case .zeroOrMore: parts.append("[\(p.name) …]")
            }
        }
        func body(_ o: OptionSpec) -> String {
            let token = o.name.uppercased()
            switch o.kind {
            case .flag: return token
            case .choice(let words): return "\(token) \(words.joined(separator: "|"))"
            default: return "\(token) \(o.valueName)"
            }
        }
        let daemonOptions = options(for: .daemon)
        var shown: Set<String> = []
        for o in daemonOptions where !shown.contains(o.name) {
            let group = exclusive.first { $0.contains(o.name) }.map { names in daemonOptions.filter { names.contains($0.name) } } ?? [o]
            for g in group { shown.insert(g.name) }
            parts.append("[" + group.map(body).joined(separator: " | ") + "]")
        }
        if outputs.contains(.json) && !ownsFormat { parts.append("[FORMAT JSON]") }
        parts += late.map { "[\($0)]" }
        return parts.joined(separator: " ")
    }

    /// The daemon's arity as Redis counts it (the words including the name; negative: at least).
    public var daemonArity: Int {
        let daemonPositionals = positionals(for: .daemon)
        let counts = daemonPositionals.map { $0.count(for: .daemon) }
        let required = daemonPositionals.reduce(0) { n, p in
            let c = p.count(for: .daemon)
            return n + (c == .one || c == .oneOrMore ? p.group : 0)
        }
        let fixed = counts.allSatisfy { $0 == .one } && options(for: .daemon).isEmpty
            && !(outputs.contains(.json) && !ownsFormat)
        return fixed ? required + 1 : -(required + 1)
    }

    /// The CLI's help: usage, arguments, options with defaults, examples.
    public func cliHelp(common: [OptionSpec]) -> String {
        var usage = "quiver \(name)"
        for p in positionals(for: .cli) {
            switch p.count {
            case .one: usage += " <\(p.name)>"
            case .optional: usage += " [<\(p.name)>]"
            case .oneOrMore: usage += " <\(p.name)> ..."
            case .zeroOrMore: usage += " [<\(p.name)> ...]"
            }
        }
        usage += " [options]"
        var lines = ["OVERVIEW: \(summary)", ""]
        if !discussion.isEmpty { lines += [discussion, ""] }
        lines += ["USAGE: \(usage)", ""]
        func row(_ left: String, _ right: String) -> String {
            let width = 28
            return left.count + 2 <= width
                ? "  " + left.padding(toLength: width - 2, withPad: " ", startingAt: 0) + right
                : "  " + left + "\n" + String(repeating: " ", count: width) + right
        }
        if !positionals(for: .cli).isEmpty {
            lines.append("ARGUMENTS:")
            for p in positionals(for: .cli) { lines.append(row("<\(p.name)>", p.help)) }
            lines.append("")
        }
        lines.append("OPTIONS:")
        for o in options(for: .cli) + common {
            var left = (o.short.map { "-\($0), " } ?? "") + "--\(o.name)"
            if o.kind != .flag { left += " <\(o.valueName)>" }
            var right = o.help
            if case .choice(let words) = o.kind, !o.help.contains(words[0]) { right += " (\(words.joined(separator: ", ")))" }
            if let d = o.defaultText { right += " (default: \(d))" }
            if o.repeatable { right += " (repeatable)" }
            lines.append(row(left, right))
        }
        if outputs.contains(.json) { lines.append(row("--json", "Print JSON for scripts instead of text.")) }
        if outputs.contains(.dot) && !ownsFormat { lines.append(row("--format <f>", "text, json or dot (Graphviz).")) }
        lines.append(row("-h, --help", "Show this help."))
        if !examples.isEmpty {
            lines += ["", "EXAMPLES:"] + examples.map { "  quiver \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
