import QuiverCore
import QuiverService
import Testing
@testable import QuiverServer

/// Every option of every verb, on both surfaces: the CLI and the daemon accept the same options
/// by construction, because both parse with the verb's one spec; an option of one surface only is
/// refused by the other; help and COMMAND list what the parsers take.
@Suite struct VerbSurfaceTests {
    /// Words that fill a verb's required positionals on `surface`.
    static func positionals(_ spec: VerbSpec, _ surface: Surface) -> [String] {
        spec.positionals.flatMap { p -> [String] in
            switch p.count(for: surface) {
            case .one, .oneOrMore: return (0..<p.group).map { "p-\(p.name)-\($0)" }
            case .optional, .zeroOrMore: return []
            }
        }
    }

    static func value(_ o: OptionSpec) -> String? {
        switch o.kind {
        case .flag: nil
        case .integer: "3"
        case .number: "0.5"
        case .text: "v"
        case .choice(let words): words.last
        }
    }

    @Test(arguments: VerbRegistry.all.map(\.spec.name))
    func everyOptionParsesOnItsSurfaces(verb name: String) throws {
        let spec = try #require(VerbRegistry.byName[name]).spec
        for o in spec.options {
            let v = Self.value(o)
            // The CLI: --name value.
            let cliWords = Self.positionals(spec, .cli) + ["--\(o.name)"] + (v.map { [$0] } ?? [])
            if o.surfaces.contains(.cli) {
                let parsed = try ParsedArguments.parse(cliWords, verb: spec, surface: .cli)
                #expect(parsed.has(o.name), "\(name) --\(o.name)")
                if let v { #expect(parsed.text(o.name) == v) }
                #expect(spec.cliHelp(common: []).contains("--\(o.name)"), "\(name) help lists --\(o.name)")
            } else {
                #expect(throws: RequestError.self, "\(name) --\(o.name) is daemon-only") {
                    try ParsedArguments.parse(cliWords, verb: spec, surface: .cli)
                }
            }
            // The daemon: NAME value after the positionals.
            let daemonWords = Self.positionals(spec, .daemon) + [o.name.uppercased()] + (v.map { [$0] } ?? [])
            if o.surfaces.contains(.daemon) {
                let parsed = try ParsedArguments.parse(daemonWords, verb: spec, surface: .daemon)
                #expect(parsed.has(o.name), "\(spec.daemonName) \(o.name.uppercased())")
                if let v { #expect(parsed.text(o.name) == v) }
                #expect(spec.daemonSyntax.contains(o.name.uppercased()), "\(spec.daemonName)'s syntax lists \(o.name.uppercased())")
            } else {
                #expect(throws: RequestError.self, "\(spec.daemonName) \(o.name.uppercased()) is CLI-only") {
                    try ParsedArguments.parse(daemonWords, verb: spec, surface: .daemon)
                }
            }
        }
        // The daemon's table has the verb, with the spec's own line.
        let entry = try #require(CommandTable.byName[spec.daemonName])
        #expect(entry.syntax == spec.daemonSyntax)
        #expect(entry.arity == spec.daemonArity)
        // COMMAND DOCS (redis-cli's hints) names every option the daemon takes, from the same spec.
        func tokens(_ docs: [ArgumentDoc]) -> [String] { docs.flatMap { ($0.token.map { [$0] } ?? []) + tokens($0.children) } }
        let documented = Set(tokens(entry.arguments ?? []))
        for o in spec.options(for: .daemon) { #expect(documented.contains(o.name.uppercased()), "COMMAND DOCS \(spec.daemonName) lists \(o.name.uppercased())") }
    }

    @Test func optionsAreSpelledAlikeOnBothSurfaces() throws {
        let spec = PathsRequest.spec
        let cli = try ParsedArguments.parse(["g", "a", "b", "--max-hops", "3", "--exclude-rel", "r1", "--exclude-rel", "r2", "--mode", "simple"],
                                            verb: spec, surface: .cli)
        let daemon = try ParsedArguments.parse(["g", "a", "b", "max_hops", "3", "EXCLUDE-REL", "r1", "--exclude-rel", "r2", "simple"],
                                               verb: spec, surface: .daemon)
        for o in ["max-hops", "exclude-rel", "mode"] { #expect(cli.values(o) == daemon.values(o), "\(o)") }
        #expect(cli.values("exclude-rel") == ["r1", "r2"])
        #expect(daemon.text("mode") == "simple")
    }

    @Test func wrongValuesNameTheOptionInTheSurfacesWords() {
        for (surface, words, expected) in [
            (Surface.cli, ["g", "a", "b", "--max-hops", "x"], "--max-hops must be an integer, not 'x'"),
            (Surface.daemon, ["g", "a", "b", "MAX-HOPS", "x"], "MAX-HOPS must be an integer, not 'x'"),
            (Surface.daemon, ["g", "a", "b", "DIR", "up"], "DIR must be out, in or both, not 'up'"),
        ] {
            do {
                let parsed = try ParsedArguments.parse(words, verb: PathsRequest.spec, surface: surface)
                _ = try PathsRequest(parsed)
                Issue.record("\(words) was accepted")
            } catch {
                #expect(error.category == .usage)
                #expect(error.message.rendered(for: surface) == expected)
            }
        }
    }
}
