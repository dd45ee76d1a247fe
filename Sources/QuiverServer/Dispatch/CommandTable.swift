import QuiverService

/// Every command the daemon answers, for `COMMAND`, `COMMAND DOCS` (which redis-cli's `help`
/// shows) and the arity check.
struct CommandSpec: Sendable {
    var name: String
    /// As Redis counts it: the words including the name; negative: at least that many.
    var arity: Int
    var group: String
    var summary: String
    var syntax: String
    var flags: [String]
    /// Where its work runs: cheap commands have threads of their own (see
    /// `ServerConfiguration.reservedWorkerThreads`).
    var pool = WorkPool.queries
    /// A verb's arguments for COMMAND DOCS, from its spec; nil: parsed from `syntax`.
    var arguments: [ArgumentDoc]? = nil
}

extension CommandSpec {
    /// A verb's entry, from its spec: the same name, arguments and options the parser takes.
    init(_ spec: VerbSpec) {
        self.init(name: spec.daemonName, arity: spec.daemonArity, group: spec.group, summary: spec.summary,
                  syntax: spec.daemonSyntax, flags: [spec.writes ? "write" : "readonly"], pool: spec.cheap ? .cheap : .queries,
                  arguments: ArgumentDoc.arguments(of: spec))
    }
}

/// The sets of worker threads: heavy work, and cheap commands. (ADD and DEL hold no thread:
/// their writes queue for the group commit.)
enum WorkPool: Sendable { case queries, cheap }

enum CommandTable {
    /// The housekeeping commands and the graph commands not yet defined through `Verb`, then
    /// every verb of `VerbRegistry`, its line derived from its spec.
    static let all: [CommandSpec] = handWritten + VerbRegistry.all.map { CommandSpec($0.spec) }

    private static let handWritten: [CommandSpec] = [
        // Connection and server housekeeping.
        .init(name: "HELLO", arity: -1, group: "connection", summary: "Handshake: choose RESP2 or RESP3, authenticate, name the connection.", syntax: "HELLO [2|3] [AUTH user pass] [SETNAME name]", flags: ["fast", "no-auth"]),
        .init(name: "AUTH", arity: -2, group: "connection", summary: "Authenticate with the server's password.", syntax: "AUTH [user] password", flags: ["fast", "no-auth"]),
        .init(name: "PING", arity: -1, group: "connection", summary: "PONG, or the message given.", syntax: "PING [message]", flags: ["fast"]),
        .init(name: "ECHO", arity: 2, group: "connection", summary: "The message given.", syntax: "ECHO message", flags: ["fast"]),
        .init(name: "QUIT", arity: -1, group: "connection", summary: "Close the connection.", syntax: "QUIT", flags: ["fast", "no-auth"]),
        .init(name: "SELECT", arity: 2, group: "connection", summary: "Only database 0 exists.", syntax: "SELECT 0", flags: ["fast"]),
        .init(name: "CLIENT", arity: -2, group: "connection", summary: "SETNAME, GETNAME, SETINFO, ID.", syntax: "CLIENT SETNAME name | GETNAME | ID | SETINFO LIB-NAME|LIB-VER value", flags: ["fast"]),
        .init(name: "COMMAND", arity: -1, group: "server", summary: "The commands, their arity and docs.", syntax: "COMMAND [COUNT | DOCS [name ...]]", flags: ["fast"]),
        .init(name: "INFO", arity: -1, group: "server", summary: "Server, clients, memory, graphs and stats.", syntax: "INFO [server|clients|memory|graphs|stats|all]", flags: ["fast"], pool: .cheap),
        .init(name: "CONFIG", arity: -2, group: "server", summary: "CONFIG GET name: a few settings, for client tools.", syntax: "CONFIG GET name", flags: ["fast"]),
        // Graphs.
        .init(name: "COMPACT", arity: 2, group: "graphs", summary: "Merge a graph's in-memory delta into a new base now (it also happens on its own past --compact-at); replies once done: the edges merged and the milliseconds taken.", syntax: "COMPACT graph", flags: []),
        // Models.
        // Jobs.
        .init(name: "JOB", arity: 3, group: "jobs", summary: "JOB STATUS id: progress, rate and ETA; JOB CANCEL id.", syntax: "JOB STATUS|CANCEL id", flags: ["fast"]),
        .init(name: "JOBS", arity: 1, group: "jobs", summary: "Every job the server knows, newest first.", syntax: "JOBS", flags: ["fast"]),
    ]

    static let byName: [String: CommandSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
