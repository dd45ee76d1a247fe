#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A flag a caller sets to stop running work: a query returns what it found, marked truncated with
/// reason `cancelled`; a kernel or a load stops and says so. The daemon sets it when the
/// connection that asked has closed. Safe to share between threads.
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() { flag.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// A point in time after which work must stop, on the monotonic clock.
public struct Deadline: Sendable, Comparable {
    /// `DispatchTime`-style uptime nanoseconds (CLOCK_MONOTONIC).
    public let uptimeNanoseconds: UInt64

    public init(uptimeNanoseconds: UInt64) { self.uptimeNanoseconds = uptimeNanoseconds }

    /// `milliseconds` from now.
    public static func after(milliseconds: Int) -> Deadline {
        Deadline(uptimeNanoseconds: Deadline.nowNanoseconds &+ UInt64(max(0, milliseconds)) &* 1_000_000)
    }

    /// `duration` from now.
    public static func after(_ duration: Duration) -> Deadline {
        let c = duration.components
        let nanos = UInt64(max(0, c.seconds)) &* 1_000_000_000 &+ UInt64(max(0, c.attoseconds / 1_000_000_000))
        return Deadline(uptimeNanoseconds: nowNanoseconds &+ nanos)
    }

    public var hasPassed: Bool { Deadline.nowNanoseconds >= uptimeNanoseconds }

    /// What is left, never negative.
    public var remaining: Duration {
        let now = Deadline.nowNanoseconds
        return .nanoseconds(uptimeNanoseconds > now ? Int64(uptimeNanoseconds - now) : 0)
    }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.uptimeNanoseconds < b.uptimeNanoseconds }

    public static var nowNanoseconds: UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}

/// When and why running work must stop: a deadline and a cancellation token, either optional.
/// Kernels take its `shouldStop` as a closure, so they need not know where the limits come from.
public struct StopCondition: Sendable {
    public var deadline: Deadline?
    public var token: CancellationToken?

    public init(deadline: Deadline? = nil, token: CancellationToken? = nil) {
        self.deadline = deadline
        self.token = token
    }

    public enum Reason: String, Sendable { case timeout, cancelled }

    /// Why the work must stop now, or nil to go on.
    public var reason: Reason? {
        if let token, token.isCancelled { return .cancelled }
        if let deadline, deadline.hasPassed { return .timeout }
        return nil
    }

    public var shouldStop: @Sendable () -> Bool {
        let condition = self
        return { condition.reason != nil }
    }
}
