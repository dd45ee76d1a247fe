import Foundation

/// How much memory one request (a training run, a dataset to generate) may plan to hold:
/// QUIVER_TRAIN_MEMORY_GIB, default 8 GiB. Requests estimate their peak before allocating and are
/// refused above it, so a typo like `--entities 1000000000` is an error rather than an abort of the
/// CLI or the daemon. The variable's name predates augmentation; it is the one knob for both.
public struct MemoryBudget: Sendable, Equatable {
    public var bytes: Double

    public init(bytes: Double) { self.bytes = bytes }

    /// The budget from the environment (QUIVER_TRAIN_MEMORY_GIB) or 8 GiB.
    public static var current: MemoryBudget {
        let gib = ProcessInfo.processInfo.environment["QUIVER_TRAIN_MEMORY_GIB"].flatMap(Double.init).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? 8
        return MemoryBudget(bytes: gib * gibibyte)
    }

    public static let gibibyte = 1_073_741_824.0

    /// Nil when `estimate` bytes fit; otherwise the refusal: "`what` would need about X GiB; lower
    /// `remedy` (the limit is Y GiB, QUIVER_TRAIN_MEMORY_GIB)". `remedy` names options as values,
    /// so the CLI and the daemon each spell them their own way.
    public func refusal(_ what: String, needs estimate: Double, lower remedy: ErrorMessage) -> MemoryRefusal? {
        guard !(estimate <= bytes) else { return nil }
        return MemoryRefusal(message: "\(what) would need about \(Self.describe(estimate)); lower \(remedy) (the limit is "
            + "\(Self.describe(bytes)), QUIVER_TRAIN_MEMORY_GIB)")
    }

    /// Bytes as "12.5 GiB" (or "3.2e+05 GiB" for absurd sizes).
    public static func describe(_ bytes: Double) -> String {
        let gib = bytes / gibibyte
        return gib < 100_000 ? String(format: "%.1f GiB", gib) : String(format: "%.1e GiB", gib)
    }
}

/// A request refused because its estimated peak is above the `MemoryBudget`.
///
/// Invalid input rather than unavailable: the same request is refused every time, and the fix is
/// the option the message names, not waiting.
public struct MemoryRefusal: PresentableError, Sendable, Equatable {
    public var message: ErrorMessage
    public var category: ErrorCategory { .tooLarge }

    public init(message: ErrorMessage) { self.message = message }
}
