import QuiverProtocol
import QuiverService

/// One argument of a command as `COMMAND DOCS` describes it (Redis's schema), which redis-cli
/// turns into the hints it shows while a command is typed.
struct ArgumentDoc: Equatable, Sendable {
    enum Kind: String, Sendable { case string, pureToken = "pure-token", oneof, block }
    var name: String
    var kind: Kind
    var token: String?
    var optional = false
    var multiple = false
    var children: [ArgumentDoc] = []

    var resp: RESPValue {
        var pairs: [(String, RESPValue)] = [("name", .bulk(name)), ("type", .bulk(kind.rawValue))]
        if let token { pairs.append(("token", .bulk(token))) }
        var flags: [RESPValue] = []
        if optional { flags.append(.simpleString("optional")) }
        if multiple { flags.append(.simpleString("multiple")) }
        if !flags.isEmpty { pairs.append(("flags", .array(flags))) }
        if !children.isEmpty { pairs.append(("arguments", .array(children.map(\.resp)))) }
        return .map(pairs.map { RESPPair(.bulk($0.0), $0.1) })
    }

    /// A verb's arguments straight from its spec: positionals, then each option the daemon takes
    /// (exclusive options as one choice), then FORMAT when it answers JSON too.
    static func arguments(of spec: VerbSpec) -> [ArgumentDoc] {
        var docs: [ArgumentDoc] = []
        for p in spec.positionals(for: .daemon) {
            var d = ArgumentDoc(name: p.name, kind: .string)
            switch p.count(for: .daemon) {
            case .one: break
            case .optional: d.optional = true
            case .oneOrMore: d.multiple = true
            case .zeroOrMore: d.optional = true; d.multiple = true
            }
            docs.append(d)
        }
        func doc(_ o: OptionSpec) -> ArgumentDoc {
            let token = o.name.uppercased()
            var d: ArgumentDoc
            switch o.kind {
            case .flag: d = ArgumentDoc(name: o.name, kind: .pureToken, token: token)
            // `MODE shortest|all-shortest|…`: the token, then one of its words (as Redis documents
            // CLIENT KILL's TYPE), so that redis-cli's hints list the words.
            case .choice(let words):
                d = ArgumentDoc(name: o.valueName, kind: .oneof, token: token,
                                children: words.map { ArgumentDoc(name: $0, kind: .pureToken, token: $0) })
            default: d = ArgumentDoc(name: o.valueName, kind: .string, token: token)
            }
            d.multiple = o.repeatable
            return d
        }
        var shown: Set<String> = []
        let options = spec.options(for: .daemon)
        for o in options where !shown.contains(o.name) {
            let group = spec.exclusive.first { $0.contains(o.name) }.map { names in options.filter { names.contains($0.name) } } ?? [o]
            for g in group { shown.insert(g.name) }
            var d = group.count == 1 ? doc(o)
                : ArgumentDoc(name: group.map(\.valueName).joined(separator: "|"), kind: .oneof, children: group.map(doc))
            d.optional = true
            docs.append(d)
        }
        if spec.outputs.contains(.json) && !spec.options.contains(where: { $0.name == "format" }) {
            docs.append(ArgumentDoc(name: "json", kind: .string, token: "FORMAT", optional: true))
        }
        return docs
    }

    /// The arguments of a syntax line such as `PPR graph seed [seed …] [ALPHA a] [ITERATIONS n |
    /// TOLERANCE t]`: lower-case words are values, upper-case words tokens, `[…]` optional,
    /// `(…)` grouping, `|` alternatives and `…` repetition of what precedes it.
    static func parse(syntax: String) -> [ArgumentDoc] {
        var words: [String] = []
        var current = ""
        for ch in syntax {
            if "[]()".contains(ch) || ch == " " {
                if !current.isEmpty { words.append(current); current = "" }
                if ch != " " { words.append(String(ch)) }
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { words.append(current) }
        var i = 1  // past the command's name
        return sequence(&i, words, closing: nil)
    }

    private static func isToken(_ w: String) -> Bool {
        w.contains { $0.isLetter } && w.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    /// Items up to `closing` (or the end), alternatives split at top-level `|`.
    private static func sequence(_ i: inout Int, _ words: [String], closing: String?) -> [ArgumentDoc] {
        var alternatives: [[ArgumentDoc]] = [[]]
        while i < words.count {
            let w = words[i]
            if let closing, w == closing { i += 1; break }
            i += 1
            switch w {
            case "|": alternatives.append([])
            case "…", "...":
                if var last = alternatives[alternatives.count - 1].popLast() {
                    last.multiple = true
                    alternatives[alternatives.count - 1].append(last)
                }
            case "[", "(":
                var group = combine(sequence(&i, words, closing: w == "[" ? "]" : ")"))
                if w == "[" {
                    // "[seed …]" after "seed": the same argument, repeated.
                    if let previous = alternatives[alternatives.count - 1].last, previous.name == group.name, group.multiple {
                        alternatives[alternatives.count - 1][alternatives[alternatives.count - 1].count - 1].multiple = true
                        continue
                    }
                    group.optional = true
                }
                alternatives[alternatives.count - 1].append(group)
            default:
                if isToken(w) {
                    // TOKEN value: one argument introduced by its token.
                    if i < words.count, !isToken(words[i]), !["[", "]", "(", ")", "|", "…", "..."].contains(words[i]) {
                        alternatives[alternatives.count - 1].append(ArgumentDoc(name: words[i].lowercased(), kind: .string, token: w))
                        i += 1
                    } else {
                        alternatives[alternatives.count - 1].append(ArgumentDoc(name: w.lowercased(), kind: .pureToken, token: w))
                    }
                } else {
                    alternatives[alternatives.count - 1].append(ArgumentDoc(name: w, kind: .string))
                }
            }
        }
        if alternatives.count == 1 { return alternatives[0] }
        let options = alternatives.map { combine($0) }
        return [ArgumentDoc(name: options.map(\.name).joined(separator: "|"), kind: .oneof, children: options)]
    }

    /// A sequence as one argument: itself when it has one item, else a block.
    private static func combine(_ items: [ArgumentDoc]) -> ArgumentDoc {
        if items.count == 1 { return items[0] }
        return ArgumentDoc(name: items.map(\.name).joined(separator: "-"), kind: .block, children: items)
    }
}
