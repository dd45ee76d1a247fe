import Foundation

/// A one-line progress bar with rate and ETA on standard error, drawn only when it is a terminal
/// and at most ten times a second.
final class ProgressBar {
    private let enabled: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drewSomething = false

    init(enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.enabled = enabled
    }

    /// `fraction` in 0...1 when the total is known; `count` and `unit` give the rate ("triples/s").
    func update(label: String, fraction: Double?, count: Int, unit: String, force: Bool = false) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(count) / elapsed : 0
        var line = label
        if let f = fraction {
            let width = 24
            let filled = Int((min(max(f, 0), 1) * Double(width)).rounded(.down))
            line += " [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            line += String(format: " %3.0f%%", f * 100)
            if f > 0.01 && f < 1 {
                line += " ETA " + formatDuration(elapsed / f - elapsed)
            }
        }
        line += " \(grouped(count)) \(unit), \(grouped(Int(rate))) \(unit)/s"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        drewSomething = true
    }

    func finish() {
        guard enabled, drewSomething else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}
