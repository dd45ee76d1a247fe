import ArgumentParser
import Foundation
import QuiverCore
import QuiverPaths
import QuiverStore

@main
struct Quiver: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiver",
        abstract: "Knowledge-graph reasoning over PostgreSQL: load graphs, ask multi-hop questions.",
        discussion: """
            With no --database (or QUIVER_DATABASE_URL), Quiver runs its own PostgreSQL cluster from the server binaries on this machine, with its data in --data-dir (default ./quiver-data).

            Examples:
              quiver load nations train.txt --split train
              quiver stats nations
              quiver export nations --format nt -o nations.nt
              quiver db status

            Exit codes: 0 ok, 1 bad input, 2 usage, 3 database unavailable.
            """,
        version: quiverVersion,
        subcommands: [DB.self, Convert.self, OntologyCommand.self, Serve.self] + CLIVerbs.subcommands
    )

    static func main() {
        if CLIVerbs.intercept(Array(CommandLine.arguments.dropFirst())) { return }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            terminate(with: error)
        }
    }
}

let quiverVersion = "0.1.0"

/// Prints the error and exits with Quiver's codes: 1 bad input, 2 usage, 3 database unavailable.
func terminate(with error: Error) -> Never {
    switch error {
    case let e as CLIError:
        printError("quiver: \(e.message)")
        Foundation.exit(e.code)
    case let e as any PresentableError:
        printError("quiver: \(e.message.rendered(for: .cli))")
        Foundation.exit(e.category.exitCode)
    default:
        let code = Quiver.exitCode(for: error)
        if code == .success {
            Quiver.exit(withError: error)
        }
        let message = Quiver.fullMessage(for: error)
        if !message.isEmpty { printError(message) }
        // ArgumentParser reports usage problems as EX_USAGE (64); Quiver's contract says 2.
        Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
    }
}

struct CLIError: Error {
    var message: String
    var code: Int32 = 1
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Where the store is: the options every command takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "Directory of the embedded PostgreSQL cluster (env QUIVER_DATA_DIR).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .customLong("database"), help: ArgumentHelp(
        "PostgreSQL URL to use instead of the embedded cluster (env QUIVER_DATABASE_URL).", valueName: "url"))
    var database: String?

    init() {}

    init(dataDir: String?, database: String?) {
        self.dataDir = dataDir
        self.database = database
    }

    var location: StoreLocation {
        let env = ProcessInfo.processInfo.environment
        return StoreLocation(
            databaseURL: database ?? env["QUIVER_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 },
            dataDirectory: dataDir ?? env["QUIVER_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./quiver-data")
    }

    func open() throws -> Store { try Store.open(location) }
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of text.")
    var json = false
}
