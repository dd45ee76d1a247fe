import Foundation
import QuiverCore
import QuiverKernels
import QuiverGraph
import QuiverSnapshot

/// A personalized PageRank question, as `quiver ppr` and the daemon's `PPR` ask it: names in,
/// the top-k nodes with their scores out.
public struct PPRQuery: Sendable {
    public enum Method: String, Sendable { case power, push }

    public var seeds: [String]
    public var alpha = 0.15
    public var topK = 10
    public var iterations: Int?
    public var tolerance: Double?
    public var method = Method.power
    public var relations: [String]?
    public var threads: Int?
    /// When to give up (the daemon's deadline and the asking connection's cancellation).
    public var stop = StopCondition()

    public init(seeds: [String]) { self.seeds = seeds }

    /// A question that cannot be asked, worded for the person who asked it.
    public typealias Invalid = RequestError

    /// Checks the options alone (before any graph is read).
    public func validate() throws(Invalid) {
        if seeds.isEmpty { throw Invalid(.invalidInput, "ppr needs at least one seed") }
        if !(alpha > 0 && alpha <= 1) { throw Invalid(.invalidInput, "alpha must be in (0, 1], not \(alpha)") }
        if topK < 0 { throw Invalid(.invalidInput, "top-k must be at least 0") }
        if iterations != nil && tolerance != nil { throw Invalid(.invalidInput, "give iterations or tolerance, not both") }
        if method == .push && iterations != nil { throw Invalid(.invalidInput, "iterations applies to method power; push takes tolerance") }
        if let iterations, iterations < 0 { throw Invalid(.invalidInput, "iterations must be at least 0") }
        if let tolerance, !(tolerance > 0) { throw Invalid(.invalidInput, "tolerance must be positive") }
        if let threads, threads < 1 { throw Invalid(.invalidInput, "threads must be at least 1") }
    }

    /// Runs the question on a snapshot. Unknown seeds or relations are an error naming them.
    public func run(on snapshot: CSRSnapshot, timing: Bool = false) throws(Invalid) -> PPRJSON {
        try validate()
        var seedIDs: [Int32] = [], unknown: [String] = []
        for s in seeds { if let id = snapshot.node(named: s) { seedIDs.append(id) } else { unknown.append(s) } }
        if !unknown.isEmpty {
            throw Invalid(.notFound, "unknown seed\(unknown.count == 1 ? "" : "s") in graph '\(snapshot.graph)': \(unknown.joined(separator: ", "))")
        }
        var relationIDs: Set<Int32>?
        if let relations {
            var ids = Set<Int32>(), missing: [String] = []
            for name in relations where !name.isEmpty {
                if let id = snapshot.relation(named: name) { ids.insert(id) } else { missing.append(name) }
            }
            if !missing.isEmpty {
                throw Invalid(.notFound, "unknown relation\(missing.count == 1 ? "" : "s") in graph '\(snapshot.graph)': \(missing.joined(separator: ", "))")
            }
            relationIDs = ids
        }
        let ppr = PersonalizedPageRank(snapshot: snapshot, relations: relationIDs)
        let started = DispatchTime.now().uptimeNanoseconds
        let cpuStarted = processCPUSeconds()
        let result: PersonalizedPageRank.Result
        switch method {
        case .push:
            result = ppr.push(seeds: seedIDs, alpha: alpha, epsilon: tolerance ?? 1e-7, shouldStop: stop.shouldStop)
        case .power:
            let until: PersonalizedPageRank.Stop = iterations.map { .iterations($0) } ?? .tolerance(tolerance ?? 1e-7)
            result = ppr.power(seeds: seedIDs, alpha: alpha, stop: until, threads: threads ?? defaultKernelThreads, shouldStop: stop.shouldStop)
        }
        if result.stopped {
            let why = stop.reason == .cancelled ? "it was cancelled" : "its deadline passed"
            throw Invalid(.cancelled, "ppr stopped after \(result.iterations) \(method == .power ? "iterations" : "pushes") because \(why); ask for fewer iterations or a larger tolerance, or give a larger \(option: "timeout")")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let cpuSeconds = processCPUSeconds() - cpuStarted
        return PPRJSON(
            graph: snapshot.graph, seeds: seeds, method: method.rawValue, alpha: alpha, iterations: result.iterations,
            results: result.top(topK).map { PPRJSON.Entry(node: snapshot.nodeName($0.node), score: Double($0.score)) },
            kernel_seconds: timing ? seconds : nil, kernel_cpu_seconds: timing ? cpuSeconds : nil,
            edges: timing ? result.edgeUpdates : nil,
            edges_per_second: timing && seconds > 0 ? Double(result.edgeUpdates) / seconds : nil)
    }
}

/// The answer of `quiver ppr --json` and `PPR … FORMAT JSON`.
public struct PPRJSON: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var node: String
        public var score: Double
    }
    public var graph: String
    public var seeds: [String]
    public var method: String
    public var alpha: Double
    public var iterations: Int
    public var results: [Entry]
    public var kernel_seconds: Double?
    /// CPU time of all threads during the kernel: on a busy machine, wall time includes waiting.
    public var kernel_cpu_seconds: Double?
    public var edges: Int?
    public var edges_per_second: Double?
}

/// CPU time used by the whole process (all threads), in seconds.
public func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
