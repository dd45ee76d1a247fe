import ArgumentParser
import Foundation
import QuiverKernels
import QuiverSnapshot

struct PPR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppr",
        abstract: "Personalized PageRank from one or more seed nodes, following edges subject → object.",
        discussion: """
            --alpha is the teleport probability: each step jumps back to the seeds (uniformly) with
            probability alpha, else follows a uniformly chosen out-edge. Nodes without out-edges (among
            --relations) send their mass back to the seeds, so scores sum to 1.
            --method power iterates until the L1 change is below --tolerance (default 1e-7, at most
            1000 iterations) or exactly --iterations times; --method push (Andersen–Chung–Lang) stops
            when every residual is below --tolerance × out-degree (default 1e-7).

            Examples:
              quiver ppr nations usa
              quiver ppr nations usa china --alpha 0.2 --top-k 5 --json
              quiver ppr nations usa --relations embassy,treaties --method push
              quiver ppr g5m e1 --iterations 20 --timing --json
            """)
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The seed nodes.") var seeds: [String] = []
    @Option(name: .customLong("alpha"), help: "Teleport probability, in (0, 1].") var alpha = 0.15
    @Option(name: .customLong("top-k"), help: "How many nodes to print.") var topK = 10
    @Option(name: .customLong("iterations"), help: "Run exactly N power iterations.") var iterations: Int?
    @Option(name: .customLong("tolerance"), help: "Power: L1 change to stop at. Push: residual per out-edge.") var tolerance: Double?
    @Option(name: .customLong("method"), help: "power or push.") var method = "power"
    @Option(name: .customLong("relations"), help: ArgumentHelp("Follow only these relations (comma-separated).", valueName: "r1,r2")) var relations: String?
    @Option(name: .customLong("threads"), help: "Worker threads for power iteration (default: all cores).") var threads: Int?
    @Flag(name: .customLong("timing"), help: "Report the kernel's time (\"kernel_seconds\") and edge updates (\"edges\").") var timing = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    struct Entry: Encodable { var node: String; var score: Double }
    struct Out: Encodable {
        var graph: String
        var seeds: [String]
        var method: String
        var alpha: Double
        var iterations: Int
        var results: [Entry]
        var kernel_seconds: Double?
        /// CPU time of all threads during the kernel: on a busy machine, wall time includes waiting.
        var kernel_cpu_seconds: Double?
        var edges: Int?
        var edges_per_second: Double?
    }

    func validate() throws {
        guard !seeds.isEmpty else { throw ValidationError("ppr needs at least one SEED") }
        guard alpha > 0 && alpha <= 1 else { throw ValidationError("--alpha must be in (0, 1], not \(alpha)") }
        guard topK >= 0 else { throw ValidationError("--top-k must be at least 0") }
        guard method == "power" || method == "push" else { throw ValidationError("--method must be power or push, not '\(method)'") }
        if iterations != nil && tolerance != nil { throw ValidationError("give --iterations or --tolerance, not both") }
        if method == "push" && iterations != nil { throw ValidationError("--iterations applies to --method power; push takes --tolerance") }
        if let iterations, iterations < 0 { throw ValidationError("--iterations must be at least 0") }
        if let tolerance, !(tolerance > 0) { throw ValidationError("--tolerance must be positive") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let snapshot = try SnapshotLoader(store: store.open()).build(graph: graph)
        var seedIDs: [Int32] = [], unknown: [String] = []
        for s in seeds { if let id = snapshot.node(named: s) { seedIDs.append(id) } else { unknown.append(s) } }
        if !unknown.isEmpty {
            throw CLIError(message: "unknown seed\(unknown.count == 1 ? "" : "s") in graph '\(graph)': \(unknown.joined(separator: ", "))")
        }
        var relationIDs: Set<Int32>? = nil
        if let relations {
            var ids = Set<Int32>(), missing: [String] = []
            for name in relations.split(separator: ",").map(String.init) where !name.isEmpty {
                if let id = snapshot.relation(named: name) { ids.insert(id) } else { missing.append(name) }
            }
            if !missing.isEmpty {
                throw CLIError(message: "unknown relation\(missing.count == 1 ? "" : "s") in graph '\(graph)': \(missing.joined(separator: ", "))")
            }
            relationIDs = ids
        }
        let ppr = PersonalizedPageRank(snapshot: snapshot, relations: relationIDs)
        let started = DispatchTime.now().uptimeNanoseconds
        let cpuStarted = processCPUSeconds()
        let result: PersonalizedPageRank.Result
        if method == "push" {
            result = ppr.push(seeds: seedIDs, alpha: alpha, epsilon: tolerance ?? 1e-7)
        } else {
            let stop: PersonalizedPageRank.Stop = iterations.map { .iterations($0) } ?? .tolerance(tolerance ?? 1e-7)
            result = ppr.power(seeds: seedIDs, alpha: alpha, stop: stop, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let cpuSeconds = processCPUSeconds() - cpuStarted
        let top = result.top(topK).map { Entry(node: snapshot.nodeName($0.node), score: Double($0.score)) }
        if output.json {
            try printJSON(Out(
                graph: graph, seeds: seeds, method: method, alpha: alpha, iterations: result.iterations, results: top,
                kernel_seconds: timing ? seconds : nil, kernel_cpu_seconds: timing ? cpuSeconds : nil, edges: timing ? result.edgeUpdates : nil,
                edges_per_second: timing && seconds > 0 ? Double(result.edgeUpdates) / seconds : nil))
            return
        }
        let width = max(4, top.map(\.node.count).max() ?? 0)
        for e in top { print(e.node.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(format: "%.6g", e.score)) }
        if timing {
            print(String(format: "%@: %d %@, %@ edge updates in %.3f s (%.1fM/s)", method, result.iterations,
                         method == "push" ? "pushes" : "iterations", grouped(result.edgeUpdates), seconds,
                         seconds > 0 ? Double(result.edgeUpdates) / seconds / 1e6 : 0))
        }
    }
}

/// CPU time used by the whole process (all threads), in seconds.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
