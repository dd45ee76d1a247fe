import QuiverCore
import QuiverPaths
import QuiverProtocol

/// The options of the read commands, as the CLI's `SearchOptions` and `--json` take them.
struct QueryOptions: Sendable {
    var path = PathOptions()
    var json = false
    var relation: String?
    var mode = PathMode.shortest
    var bareMode: String?
    var k = 1
    var via: String?
    var count = false

    static let search: Set<String> = ["dir", "excluderel", "excludenode", "include", "maxhops", "limit", "timeout", "timeoutms", "format"]

    static func parse(_ args: inout Arguments, allowed: Set<String>) throws(CommandError) -> QueryOptions {
        var q = QueryOptions()
        let allowed = allowed.union(["format"])
        while let word = args.peek() {
            let option = Arguments.normalize(word)
            if allowed.contains("mode") && q.bareMode == nil && PathMode(rawValue: word.lowercased()) != nil && !allowed.contains(option) {
                q.bareMode = word.lowercased()
                args.skip()
                continue
            }
            guard allowed.contains(option) else {
                throw .wrongArgs("\(args.command) does not take '\(word)'; options: \(allowed.sorted().map { $0.uppercased() }.joined(separator: ", "))")
            }
            args.skip()
            switch option {
            case "format":
                let f = try args.string("JSON or RESP").lowercased()
                guard f == "json" || f == "resp" || f == "text" else { throw .wrongArgs("FORMAT must be JSON or RESP, not '\(f)'") }
                q.json = f == "json"
            case "dir":
                let d = try args.string("out, in or both")
                guard let dir = Direction(rawValue: d.lowercased()) else { throw .wrongArgs("DIR must be out, in or both, not '\(d)'") }
                q.path.direction = dir
            case "excluderel": q.path.excludedRelations.append(try args.string("a relation"))
            case "excludenode": q.path.excludedNodes.append(try args.string("a node"))
            case "include":
                for name in try args.string("a list of provenances").split(separator: ",") {
                    guard let p = Provenance(name: String(name)) else { throw .wrongArgs("INCLUDE: unknown provenance '\(name)' (asserted, inferred, synthetic, corrupted)") }
                    q.path.provenances.insert(p)
                }
            case "maxhops": q.path.maxHops = try args.integer("MAX-HOPS")
            case "limit": q.path.limit = try args.integer("LIMIT")
            case "timeout", "timeoutms": q.path.timeout = try args.timeout()
            case "rel": q.relation = try args.string("a relation")
            case "mode":
                let m = try args.string("a mode")
                guard let mode = PathMode(rawValue: m.lowercased()) else {
                    throw .wrongArgs("MODE must be one of \(PathMode.allCases.map(\.rawValue).joined(separator: ", ")), not '\(m)'")
                }
                q.mode = mode
            case "k": q.k = try args.integer("K")
            case "via": q.via = try args.string("a path expression")
            case "count": q.count = true
            default: throw .wrongArgs("unexpected '\(word)'")
            }
        }
        return q
    }
}
