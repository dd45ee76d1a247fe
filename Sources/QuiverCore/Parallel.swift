import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The one set of parallel loops the compute modules share (kernels, models, augmentation, the
// snapshot builder). Each gives results that do not depend on how the work was scheduled.

/// Online processors (at least 1): the default number of workers.
public let processorCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// Splits `0..<count` into fixed blocks of `grain` items and runs `body` on them from `threads`
/// workers. Blocks are handed out by index, so which rows a block covers never depends on the
/// thread count: a kernel that writes each output row from one block, in a fixed order, gives the
/// same bits with 1 thread or 16.
@inlinable
public func forEachBlock(count: Int, grain: Int, threads: Int, _ body: (Range<Int>) -> Void) {
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

/// Runs `body` for `0 ..< count` on all cores and returns the results in index order, so the
/// output never depends on scheduling.
public func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let buffer = UnsafeMutablePointer<T?>.allocate(capacity: count)
    buffer.initialize(repeating: nil, count: count)
    defer { buffer.deinitialize(count: count); buffer.deallocate() }
    // Each index is written by exactly one iteration, and read after concurrentPerform returns.
    nonisolated(unsafe) let slots = buffer
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { i in slots[i] = work(i) }
    }
    return (0..<count).map { buffer[$0]! }
}

/// One worker per core (at most `count`), each calling `body` once with a `claim` function that
/// hands out the indices `0 ..< count` one at a time (nil when none are left): a worker can keep
/// per-worker state, such as a buffer, across the items it claims. Returns each worker's result.
public func parallelWorkers<T>(_ count: Int, _ body: (_ claim: () -> Int?) -> T) -> [T] {
    guard count > 0 else { return [] }
    let next = Atomic<Int>(0)
    return parallelMap(min(count, processorCount)) { _ in
        body {
            let i = next.add(1, ordering: .relaxed).oldValue
            return i < count ? i : nil
        }
    }
}

/// Splits `0 ..< n` into about `parts` contiguous ranges.
public func chunks(_ n: Int, parts: Int) -> [Range<Int>] {
    let p = max(1, min(parts, n))
    return (0..<p).map { i in (n * i / p) ..< (n * (i + 1) / p) }
}

/// Starts `work` on another thread; the returned function waits for its result.
public func alongside<T: Sendable>(_ work: @escaping @Sendable () -> T) -> () -> T {
    let slot = ResultSlot<T>(), done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        slot.value = work()
        done.signal()
    }
    return {
        done.wait()
        return slot.value!
    }
}

/// Where `alongside`'s thread leaves its result.
private final class ResultSlot<T>: @unchecked Sendable {
    // @unchecked: written once by the worker before it signals the semaphore, read after waiting.
    var value: T?
}

/// Carries a non-Sendable value (a closure over unsafe pointers) into `concurrentPerform`.
@usableFromInline
struct UncheckedSendableBox<T>: @unchecked Sendable {
    // @unchecked: the parallel loops above hand each worker disjoint rows.
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}

/// A raw pointer that may cross into worker threads.
public struct SharedPointer<T>: @unchecked Sendable {
    // @unchecked: callers guarantee that workers write disjoint elements.
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}
