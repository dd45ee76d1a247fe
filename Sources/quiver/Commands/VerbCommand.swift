import ArgumentParser
import Foundation
import QuiverCore
import QuiverService
import QuiverSnapshot
import QuiverStore
import Synchronization

/// The CLI's side of `Verb`: a verb's words parsed by its spec (with `--data-dir`, `--database`
/// and `--json`), run against the store, the answer printed as text, JSON or dot. Every verb of
/// `VerbRegistry` is a subcommand through this one type.
struct VerbCommand<V: Verb>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: V.spec.name, abstract: V.spec.summary, discussion: V.spec.cliHelp(common: CLIVerbs.common))
    }

    @Argument(parsing: .captureForPassthrough) var words: [String] = []

    func run() throws { try CLIVerbs.run(RegisteredVerb(V.self), words) }
}

enum CLIVerbs {
    /// Options every verb takes on the CLI: where the store is.
    static let common: [OptionSpec] = [
        OptionSpec("data-dir", .text, value: "dir", help: "Directory of the embedded PostgreSQL cluster (env QUIVER_DATA_DIR).", surfaces: .cli),
        OptionSpec("database", .text, value: "url", help: "PostgreSQL URL to use instead of the embedded cluster (env QUIVER_DATABASE_URL).", surfaces: .cli),
        OptionSpec("snapshot-dir", .text, value: "dir",
                   help: "Where graph snapshot files are kept, so that a command opens a graph without rebuilding it (default: DATA-DIR/snapshots; with --database, ~/.cache/quiver/snapshots; 'none' for no files).",
                   surfaces: .cli),
    ]

    /// The subcommands, one per registered verb: `VerbRegistry.all` is the only list.
    static let subcommands: [ParsableCommand.Type] = VerbRegistry.all.map { command(for: $0.type) }

    private static func command<V: Verb>(for type: V.Type) -> ParsableCommand.Type { VerbCommand<V>.self }

    /// `quiver VERB words…` and `quiver help VERB`, answered before ArgumentParser sees them, so
    /// that the verb's own parser reads every word (options may come before positionals).
    static func intercept(_ argv: [String]) -> Bool {
        guard let first = argv.first else { return false }
        if first == "help", argv.count == 2, let verb = VerbRegistry.byName[argv[1]] {
            print(verb.spec.cliHelp(common: common))
            return true
        }
        guard let verb = VerbRegistry.byName[first] else { return false }
        do { try run(verb, Array(argv.dropFirst())) } catch { terminate(with: error) }
        return true
    }

    static func run(_ verb: RegisteredVerb, _ words: [String]) throws {
        if words.contains("--help") || words.contains("-h") {
            print(verb.spec.cliHelp(common: common))
            return
        }
        let parsed = try ParsedArguments.parse(words, verb: verb.spec, surface: .cli, common: common)
        let request = try verb.prepare(parsed)
        let store = try StoreOptions(dataDir: parsed.text("data-dir"), database: parsed.text("database")).open()
        let progress = CLIProgress()
        let snapshotDir = parsed.text("snapshot-dir") ?? SnapshotFiles.defaultDirectory(for: store.location)
        let context = StoreGraphContext(
            store: store, hopsCeiling: try parsed.integer("hops-ceiling") ?? 16,
            snapshotFiles: snapshotDir == "none" ? nil : SnapshotFiles(directory: snapshotDir), progress: { progress })
        if try request.runBatch(context, { print($0) }) { return }
        let answer: PreparedAnswer
        do {
            defer { progress.finish() }
            answer = try request.run(context)
        }
        switch parsed.format {
        case .json: try printJSON(answer.value)
        case .dot: print(answer.dot() ?? answer.text())
        case .native:
            let text = answer.text()
            if !text.isEmpty { print(text) }
        }
    }
}

/// A job run in the foreground: a progress bar on a terminal, notes on standard error.
final class CLIProgress: JobProgress {
    private let bar = Mutex(ProgressBar())

    var cancellation: CancellationToken? { nil }

    func report(_ label: String, fraction: Double?, items: Int, unit: String) {
        bar.withLock { $0.update(label: label, fraction: fraction, count: items, unit: unit, force: fraction == nil) }
    }

    func note(_ line: String) {
        bar.withLock { $0.finish() }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    func finish() { bar.withLock { $0.finish() } }
}
