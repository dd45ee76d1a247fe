import Foundation
import NIOCore
import QuiverCore
import QuiverProtocol
import QuiverService
import QuiverSnapshot
import QuiverStore

/// What the connection should do with a command.
public enum Outcome: Sendable {
    case reply(RESPValue)
    case replyAndClose(RESPValue)
    /// Close at once, without a reply (a browser's `POST` or `Host:` line).
    case closeSilently
    /// Run `work` on a worker thread and reply with its result.
    case work(@Sendable () throws -> RESPValue)
    /// Queue a small write for the group commit and reply, with `answer`'s value, once it
    /// committed; no thread waits meanwhile.
    case write(SmallWrite, answer: @Sendable (Result<SmallWriteReport, any Error>) -> RESPValue)
    /// Reply after a pause, running nothing else of this connection meanwhile (a failed AUTH).
    case delayedReply(RESPValue, TimeAmount)
}

/// Turns commands into outcomes. Housekeeping is answered here, on the event loop; graph
/// commands become work for the worker threads, calling the same library the CLI calls.
public struct Dispatcher: Sendable {
    let state: ServerState

    public init(state: ServerState) { self.state = state }

    public func handle(_ command: Command, session: inout Session) -> Outcome {
        state.countCommand()
        // The hot path of health checks and benchmarks: a bare PING, without building names.
        if command.arguments.count == 1 && Self.isPing(command.arguments[0]) {
            return .reply(.simpleString("PONG"))
        }
        let name = command.name
        // Cross-protocol scripting: a browser tricked into talking to us sends HTTP.
        if name == "POST" || name == "HOST:" || name == "GET" && command.arguments.count == 3 && command.isInline
            && String(decoding: command.arguments[2], as: UTF8.self).hasPrefix("HTTP/") {
            state.logger.warning("possible cross-protocol attack: \(name) from \(session.remoteAddress); connection closed")
            return .closeSilently
        }
        if !session.authenticated && !["AUTH", "HELLO", "PING", "QUIT"].contains(name) {
            return .reply(.error("NOAUTH Authentication required."))
        }
        guard let spec = CommandTable.byName[name] else {
            let shown = String(decoding: command.arguments.first?.prefix(64) ?? [], as: UTF8.self)
            return .reply(.error("ERR unknown command '\(shown)' (COMMAND lists the commands)"))
        }
        let n = command.arguments.count
        if spec.arity > 0 ? n != spec.arity : n < -spec.arity {
            return .reply(.error("WRONGARGS wrong number of arguments for '\(name)': \(spec.syntax)"))
        }
        var args = Arguments(command)
        do {
            switch name {
            case "PING":
                if args.remaining > 1 { throw CommandError.wrongArgs("wrong number of arguments for 'PING': \(spec.syntax)") }
                if args.peek() != nil { return .reply(.bulkString(try args.bytes("message"))) }
                return .reply(.simpleString("PONG"))
            case "ECHO": return .reply(.bulkString(try args.bytes("message")))
            case "QUIT": return .replyAndClose(.ok)
            case "SELECT":
                return .reply(args.peek() == "0" ? .ok : .error("ERR only database 0 exists"))
            case "AUTH":
                let first = try args.string("password")
                let (user, password) = args.isAtEnd ? ("default", first) : (first, try args.string("password"))
                if !args.isAtEnd { throw CommandError.wrongArgs("wrong number of arguments for 'AUTH': \(spec.syntax)") }
                guard let failure = authenticate(user: user, password: password, session: &session) else { return .reply(.ok) }
                return failedAuth(failure, session: session)
            case "HELLO": return hello(&args, session: &session)
            case "CLIENT": return .reply(try client(&args, session: &session))
            case "COMMAND": return .reply(try commandInfo(&args))
            case "INFO":
                // Its graph listing asks PostgreSQL: never on the event loop.
                let section = args.peek()?.lowercased()
                return .work { [self] in .bulk(info(section: section)) }
            case "CONFIG": return .reply(try config(&args))
            case "COMPACT":
                guard let backend = state.backend else { return .reply(.error("ERR this server has no store")) }
                let graph = try args.string("a graph name")
                return .work {
                    let merged = try backend.compact(graph)
                    return .map(["edges_merged": .integer(Int64(merged.edges)), "milliseconds": .integer(Int64(merged.seconds * 1000))])
                }
            case "JOBS": return .reply(state.jobs.list())
            case "JOB":
                let verb = try args.string("STATUS or CANCEL").uppercased()
                let id = try args.string("a job id")
                switch verb {
                case "STATUS": return .reply(try state.jobs.status(id))
                case "CANCEL": return .reply(try state.jobs.cancel(id))
                default: throw CommandError.wrongArgs("JOB takes STATUS or CANCEL, not '\(verb)'")
                }
            default:
                guard let backend = state.backend else { return .reply(.error("ERR this server has no store")) }
                guard let verb = VerbRegistry.byName[name.lowercased()] else { return .reply(.error("ERR unknown command '\(name)'")) }
                return try backend.outcome(for: verb, arguments: args, state: state, session: session)
            }
        } catch {
            return .reply(CommandError.from(error).reply)
        }
    }

    /// Which worker threads run the command's work.
    func workPool(of command: Command) -> WorkPool {
        CommandTable.byName[command.name]?.pool ?? .queries
    }

    static func isPing(_ word: [UInt8]) -> Bool {
        word.count == 4 && word[0] | 0x20 == UInt8(ascii: "p") && word[1] | 0x20 == UInt8(ascii: "i")
            && word[2] | 0x20 == UInt8(ascii: "n") && word[3] | 0x20 == UInt8(ascii: "g")
    }

    /// nil when accepted; else the error reply.
    private func authenticate(user: String, password: String, session: inout Session) -> RESPValue? {
        guard let expected = state.configuration.password else {
            return .error("ERR AUTH called without any password configured for the default user. Are you sure your configuration is correct?")
        }
        guard user == "default", constantTimeEqual(Array(password.utf8), Array(expected.utf8)) else {
            return .error("WRONGPASS invalid username-password pair or user is disabled.")
        }
        session.authenticated = true
        return nil
    }

    /// A wrong password is logged and answered after a pause; a missing server password is not a
    /// guess and is answered at once.
    private func failedAuth(_ reply: RESPValue, session: Session) -> Outcome {
        guard state.configuration.password != nil else { return .reply(reply) }
        state.countFailedAuth()
        state.logger.warning("failed AUTH from \(session.remoteAddress)")
        return .delayedReply(reply, .milliseconds(Int64(state.configuration.failedAuthDelayMilliseconds)))
    }

    private func hello(_ args: inout Arguments, session: inout Session) -> Outcome {
        var version = session.protocolVersion
        do {
            if let v = args.peek(), Int(v) != nil {
                args.skip()
                guard v == "2" || v == "3" else { return .reply(.error("NOPROTO unsupported protocol version")) }
                version = Int(v) ?? 2
            }
            var newName: String?
            while let option = args.peekOption() {
                args.skip()
                switch option {
                case "auth":
                    let user = try args.string("a user name"), password = try args.string("a password")
                    if let failure = authenticate(user: user, password: password, session: &session) { return failedAuth(failure, session: session) }
                case "setname": newName = try Self.clientName(&args)
                default: throw CommandError.wrongArgs("HELLO takes [2|3] [AUTH user pass] [SETNAME name], not '\(option)'")
                }
            }
            guard session.authenticated else {
                return .reply(.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"))
            }
            if let newName { session.name = newName }
        } catch {
            return .reply(CommandError.from(error).reply)
        }
        session.protocolVersion = version
        return .reply(.map([
            "server": .bulk("quiver"), "version": .bulk(state.configuration.version), "proto": .integer(Int64(version)),
            "id": .integer(session.id), "mode": .bulk("standalone"), "role": .bulk("master"), "modules": .array([]),
        ]))
    }

    /// A client name for CLIENT SETNAME or HELLO SETNAME: as Redis, printable ASCII without spaces
    /// (so no control characters either), checked on bytes.
    private static func clientName(_ args: inout Arguments) throws(CommandError) -> String {
        let name = try args.string("a name")
        guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .err("Client names cannot contain spaces, newlines or special characters.")
        }
        return name
    }

    private func client(_ args: inout Arguments, session: inout Session) throws(CommandError) -> RESPValue {
        let verb = try args.string("a subcommand").uppercased()
        switch verb {
        case "SETNAME":
            let name = try Self.clientName(&args)
            session.name = name.isEmpty ? nil : name
            return .ok
        case "GETNAME": return session.name.map { .bulk($0) } ?? .null
        case "ID": return .integer(session.id)
        case "SETINFO":
            let attribute = try args.string("LIB-NAME or LIB-VER").uppercased(), value = try args.string("a value")
            switch attribute {
            case "LIB-NAME": session.libraryName = value
            case "LIB-VER": session.libraryVersion = value
            default: throw .err("Unrecognized option '\(attribute)'")
            }
            return .ok
        case "INFO":
            return .bulk("id=\(session.id) addr=\(session.remoteAddress) name=\(session.name ?? "") resp=\(session.protocolVersion) lib-name=\(session.libraryName ?? "") lib-ver=\(session.libraryVersion ?? "")\n")
        default: throw .err("unknown subcommand '\(verb)'. Try CLIENT SETNAME, GETNAME, ID, SETINFO, INFO.")
        }
    }

    private func commandInfo(_ args: inout Arguments) throws(CommandError) -> RESPValue {
        guard let verb = args.peek()?.uppercased() else {
            return .array(CommandTable.all.map { spec in
                .array([.bulk(spec.name.lowercased()), .integer(Int64(spec.arity)), .array(spec.flags.map { .simpleString($0) }),
                        .integer(0), .integer(0), .integer(0)])
            })
        }
        args.skip()
        switch verb {
        case "COUNT": return .integer(Int64(CommandTable.all.count))
        case "DOCS":
            var names: [String] = []
            while !args.isAtEnd { names.append(try args.string("a name").uppercased()) }
            let specs = names.isEmpty ? CommandTable.all : names.compactMap { CommandTable.byName[$0] }
            return .map(specs.map { spec in
                RESPPair(.bulk(spec.name.lowercased()), .map([
                    "summary": .bulk(spec.summary),
                    "since": .bulk("0.1.0"),
                    "group": .bulk(spec.group),
                    "arguments": .array((spec.arguments ?? ArgumentDoc.parse(syntax: spec.syntax)).map(\.resp)),
                ]))
            })
        case "INFO":
            var names: [String] = []
            while !args.isAtEnd { names.append(try args.string("a name").uppercased()) }
            return .array(names.map { name in
                guard let spec = CommandTable.byName[name] else { return .null }
                return .array([.bulk(spec.name.lowercased()), .integer(Int64(spec.arity)), .array(spec.flags.map { .simpleString($0) }),
                               .integer(0), .integer(0), .integer(0)])
            })
        default: throw .err("unknown subcommand '\(verb)'. Try COMMAND, COMMAND COUNT, COMMAND DOCS, COMMAND INFO.")
        }
    }

    private func config(_ args: inout Arguments) throws(CommandError) -> RESPValue {
        let verb = try args.string("GET").uppercased()
        guard verb == "GET" else { throw .err("CONFIG \(verb) is not supported; settings are given to `quiver serve`") }
        let c = state.configuration
        let known: [(String, String)] = [
            ("save", ""), ("appendonly", "no"), ("port", String(c.port)), ("bind", c.host),
            ("maxclients", String(c.maxClients)), ("timeout", String(c.idleTimeout ?? 0)),
            ("protected-mode", c.protectedMode ? "yes" : "no"),
            ("proto-max-bulk-len", String(c.limits.maxBulkBytes)), ("databases", "1"),
        ]
        var pairs: [RESPPair] = []
        while !args.isAtEnd {
            let pattern = try args.string("a name").lowercased()
            for (k, v) in known where pattern == "*" || pattern == k { pairs.append(RESPPair(.bulk(k), .bulk(v))) }
        }
        return .map(pairs)
    }

    /// INFO's text: `# Section` headers and `key:value` lines.
    func info(section: String?) -> String {
        let c = state.configuration, counters = state.counters
        let wanted = section.map { $0 == "all" || $0 == "everything" || $0 == "default" ? nil : $0 } ?? nil
        var out = ""
        func add(_ name: String, _ lines: [(String, String)]) {
            guard wanted == nil || wanted == name.lowercased() else { return }
            if !out.isEmpty { out += "\r\n" }
            out += "# \(name)\r\n" + lines.map { "\($0.0):\($0.1)\r\n" }.joined()
        }
        let uptime = Int(Date().timeIntervalSince(state.started))
        add("Server", [
            ("quiver_version", c.version), ("redis_version", "7.0.0"), ("redis_mode", "standalone"),
            ("os", ProcessInfo.processInfo.operatingSystemVersionString), ("arch_bits", String(MemoryLayout<Int>.size * 8)),
            ("process_id", String(getpid())), ("tcp_port", String(c.port)), ("uptime_in_seconds", String(uptime)),
            ("uptime_in_days", String(uptime / 86400)),
        ])
        add("Clients", [
            ("connected_clients", String(counters.connected)), ("maxclients", String(c.maxClients)),
            ("blocked_clients", "0"), ("commands_running", String(state.commandsRunning)),
        ])
        let snapshotBytes = state.backend?.snapshotBytes ?? 0
        add("Memory", [
            ("used_memory", String(residentBytes())), ("used_memory_human", humanBytes(residentBytes())),
            ("snapshot_adjacency_bytes", String(snapshotBytes)),
            ("pending_output_bytes", String(state.pendingOutputBytes)),
        ])
        if wanted == nil || wanted == "graphs" {
            var lines: [(String, String)] = []
            if let backend = state.backend, let graphs = try? backend.store.graphs() {
                var held: [ExactName: SnapshotCache.GraphStatistics] = [:]
                for v in backend.cache.statistics { held[ExactName(v.graph)] = v }
                lines.append(("graphs", String(graphs.count)))
                for g in graphs {
                    var line = "triples=\(g.tripleCount),change_seq=\(g.changeSeq),cached=\(held[ExactName(g.name)] == nil ? 0 : 1)"
                    // The version in memory: its change, its delta, and how it got there.
                    if let v = held[ExactName(g.name)] {
                        line += ",version=\(v.changeSeq),delta_added=\(v.deltaAdded),delta_deleted=\(v.deltaDeleted)"
                            + ",delta_bytes=\(v.deltaBytes),base_bytes=\(v.baseBytes),changes_applied=\(v.changesApplied)"
                            + ",compactions=\(v.compactions),rebuilds=\(v.rebuilds),file_opens=\(v.fileOpens)"
                            + ",last_compaction_ms=\(Int(v.lastCompactionSeconds * 1000))"
                    }
                    lines.append(("graph_\(g.name)", line))
                }
            }
            add("Graphs", lines)
        }
        let jobs = state.jobs.counts
        let commits = state.backend?.writes.statistics ?? (transactions: 0, writes: 0)
        add("Stats", [
            ("write_transactions", String(commits.transactions)), ("writes_committed", String(commits.writes)),
            ("total_connections_received", String(counters.totalConnections)),
            ("total_commands_processed", String(counters.commands)),
            ("rejected_connections", String(counters.rejected)),
            ("failed_auth", String(counters.failedAuth)),
            ("slow_queries", String(counters.slowQueries)),
            ("jobs_running", String(jobs.running)), ("jobs_queued", String(jobs.queued)),
        ])
        return out
    }
}

func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var diff = UInt8(a.count == b.count ? 0 : 1)
    for i in 0..<max(a.count, b.count) { diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
    return diff == 0
}

/// Resident memory of this process, from /proc (0 where there is none).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func humanBytes(_ n: Int) -> String {
    let units = ["B", "K", "M", "G", "T"]
    var v = Double(n), i = 0
    while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
    return String(format: "%.2f%@", v, units[i])
}
