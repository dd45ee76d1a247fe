import Foundation

/// Prints the time since its creation at each `mark` to stderr when `QUIVER_TRACE` is set, to see
/// where a snapshot build spends its time.
final class PhaseClock: Sendable {
    private let start = Date()
    private let enabled = ProcessInfo.processInfo.environment["QUIVER_TRACE"] != nil

    func mark(_ phase: String) {
        guard enabled else { return }
        let seconds = String(format: "%.3f", Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data("  \(phase): \(seconds) s\n".utf8))
    }
}
