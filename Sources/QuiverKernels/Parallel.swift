import Dispatch
import Foundation

/// Splits `0..<count` into fixed blocks of `grain` items and runs `body` on them from `threads`
/// workers. Blocks are handed out by index, so which rows a block covers never depends on the
/// thread count: a kernel that writes each output row from one block, in a fixed order, gives the
/// same bits with 1 thread or 16.
@inline(__always)
func forEachBlock(count: Int, grain: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let grain = max(1, grain)
    let blocks = (count + grain - 1) / grain
    let workers = max(1, min(threads, blocks))
    if workers == 1 {
        for b in 0 ..< blocks { body(b * grain ..< min(count, (b + 1) * grain)) }
        return
    }
    // Each worker takes blocks w, w + workers, … : a static schedule, no shared counter.
    withoutActuallyEscaping(body) { body in
        let run = UncheckedSendableBox(body)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var b = w
            while b < blocks {
                run.value(b * grain ..< min(count, (b + 1) * grain))
                b += workers
            }
        }
    }
}

/// Carries a non-Sendable value (a closure over unsafe pointers) into `concurrentPerform`; safe here
/// because every worker writes disjoint rows.
struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A raw pointer that may cross into worker threads; callers guarantee disjoint writes.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// The default worker count: the machine's active processors.
public var defaultKernelThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}
