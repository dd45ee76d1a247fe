// Kernel benchmarks for Benchmarks/kernels.sh: relational SpMM (sum, mul) at given widths on the
// benchmark graph, and a STREAM-like copy for the machine's memory bandwidth, in one process. The
// in-CSR, the edge weights and the input formula are written out so the peer (scipy) multiplies the
// same matrix by the same dense input.
//
// Usage: quiver-bench-kernels --tsv bench-data/g5000000.ints.tsv --out DIR [--widths 32,256]
//        [--threads N] [--repeat 3]
// Prints one JSON object per line: {"bench":"stream",…} and {"bench":"rspmm",…}.
import Dispatch
import Foundation
import QuiverKernels
import QuiverGraph

struct Options {
    var tsv = "bench-data/g5000000.ints.tsv"
    var out = "bench-data/kernels"
    var widths = [32, 256]
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var repeats = 3
}

func parseOptions() -> Options {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    while !args.isEmpty {
        let flag = args.removeFirst()
        guard let value = args.first else { fail("\(flag) needs a value") }
        args.removeFirst()
        switch flag {
        case "--tsv": o.tsv = value
        case "--out": o.out = value
        case "--widths": o.widths = value.split(separator: ",").compactMap { Int($0) }
        case "--threads": o.threads = Int(value) ?? o.threads
        case "--repeat": o.repeats = max(1, Int(value) ?? 3)
        default: fail("unknown option \(flag)")
        }
    }
    return o
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("quiver-bench-kernels: \(message)\n".utf8))
    exit(2)
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU time of the whole process (all threads): on a shared machine, wall time includes waiting.
func cpuNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func emit(_ fields: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
        fail("cannot encode the result as JSON: \(fields)")
    }
    print(String(decoding: data, as: UTF8.self))
}

/// Reads "s<TAB>p<TAB>o" integer lines.
func readTriples(_ path: String) -> SnapshotBuilder {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    var b = SnapshotBuilder(graph: "bench", expectedEdges: data.count / 20)
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        var fields = [Int64](repeating: 0, count: 3)
        var k = 0
        var value: Int64 = 0
        var inNumber = false
        for byte in raw {
            if byte >= 48 && byte <= 57 { value = value * 10 + Int64(byte - 48); inNumber = true; continue }
            if inNumber { if k < 3 { fields[k] = value }; k += 1; value = 0; inNumber = false }
            if byte == 10 {
                if k == 3 { b.addEdge(s: fields[0], p: fields[1], o: fields[2]) }
                k = 0
            }
        }
        if inNumber, k == 2 { b.addEdge(s: fields[0], p: fields[1], o: value) }
    }
    return b
}

func write<T>(_ array: [T], to path: String) {
    let data = array.withUnsafeBufferPointer { Data(buffer: $0) }
    guard FileManager.default.createFile(atPath: path, contents: data) else { fail("cannot write \(path)") }
}

/// The dense input both sides use: X[u, d] = ((31u + 17d) mod 101) / 101 − 0.5.
func input(rows: Int, width: Int) -> Matrix {
    var x = Matrix(rows: rows, cols: width)
    x.values.withUnsafeMutableBufferPointer { v in
        for u in 0 ..< rows { for d in 0 ..< width { v[u * width + d] = Float((31 * u + 17 * d) % 101) / 101 - 0.5 } }
    }
    return x
}

/// STREAM "copy": b = a over `count` floats, split among `threads` workers; bytes = 2 × size.
func streamCopy(count: Int, threads: Int, repeats: Int) -> Double {
    let a = [Float](repeating: 1.5, count: count)
    var b = [Float](repeating: 0, count: count)
    var best = Double.infinity
    for _ in 0 ..< repeats {
        let t0 = now()
        a.withUnsafeBufferPointer { src in
            b.withUnsafeMutableBufferPointer { dst in
                nonisolated(unsafe) let s = src.baseAddress!
                nonisolated(unsafe) let d = dst.baseAddress!
                let chunk = (count + threads - 1) / threads
                DispatchQueue.concurrentPerform(iterations: threads) { w in
                    let lo = w * chunk, hi = min(count, lo + chunk)
                    if lo < hi { (d + lo).update(from: s + lo, count: hi - lo) }
                }
            }
        }
        best = min(best, now() - t0)
    }
    precondition(b[count - 1] == 1.5)
    return Double(2 * count * 4) / best
}

let o = parseOptions()
try? FileManager.default.createDirectory(atPath: o.out, withIntermediateDirectories: true)
var t0 = now()
let snapshot = readTriples(o.tsv).build()
FileHandle.standardError.write(Data(String(format: "snapshot: %d nodes, %d edges in %.1f s\n", snapshot.nodeCount, snapshot.edgeCount, now() - t0).utf8))
let graph = MessageGraph(snapshot: snapshot)
// Weights in (0.5, 1.5) from a fixed LCG, per forward edge; the peer reads them in in-edge order.
var state: UInt64 = 42
let weights: [Float] = (0 ..< snapshot.edgeCount).map { _ in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return 0.5 + Float(state >> 40) / Float(1 << 24)
}
write(snapshot.inOffsets.map(Int64.init), to: o.out + "/indptr.i64")
write(snapshot.inSources.array, to: o.out + "/indices.i32")
write(snapshot.inEdges.map { weights[Int($0)] }, to: o.out + "/data.f32")

for threads in Set([1, o.threads]).sorted() {
    let bw = streamCopy(count: 1 << 26, threads: threads, repeats: o.repeats)
    emit(["bench": "stream", "threads": threads, "bytes_per_second": bw])
}

for width in o.widths {
    let x = input(rows: snapshot.nodeCount, width: width)
    // R = 1 everywhere: w · (R ∘ X) is then exactly the weighted CSR product scipy computes.
    let r = Matrix(rows: snapshot.relationCount, cols: width, repeating: 1)
    for threads in Set([1, o.threads]).sorted() {
        var best = Double.infinity, bestCPU = Double.infinity
        var out = Matrix(rows: 0, cols: 0)
        for _ in 0 ..< o.repeats {
            t0 = now()
            let c0 = cpuNow()
            out = RSPMM.forward(graph: graph, semiring: .sumMul, relations: r, input: x, edgeWeights: weights, threads: threads)
            best = min(best, now() - t0)
            bestCPU = min(bestCPU, cpuNow() - c0)
        }
        let e = Double(snapshot.edgeCount), n = Double(snapshot.nodeCount), w = Double(width)
        // Least traffic: each edge's index, relation and weight (12 B) and its source row; each
        // output row written once.
        let bytes = e * 12 + e * w * 4 + n * w * 4
        let sum = out.values.reduce(0.0) { $0 + Double($1) }
        emit(["bench": "rspmm", "semiring": "sum-mul", "width": width, "threads": threads, "seconds": best, "cpu_seconds": bestCPU,
              "edges": snapshot.edgeCount, "nodes": snapshot.nodeCount, "gflops": 2 * e * w / best / 1e9,
              "bytes_per_second": bytes / best, "checksum": sum,
              "row0": Array(out.row(0).prefix(4)).map(Double.init)])
    }
}
