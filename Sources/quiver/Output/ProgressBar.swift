import Foundation

/// A one-line progress bar with rate and ETA on standard error, redrawn at most ten times a
/// second on a terminal; elsewhere (a log, a pipe) the same line is written as a line of its own
/// every `plainInterval` seconds, so that a long job's log shows it is alive.
final class ProgressBar {
    private let enabled: Bool
    /// Seconds between plain lines when standard error is no terminal.
    static let plainInterval = 30.0
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drewSomething = false

    init(enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.enabled = enabled
    }

    /// `fraction` in 0...1 when the total is known; `count` and `unit` give the rate ("triples/s").
    func update(label: String, fraction: Double?, count: Int, unit: String, force: Bool = false) {
        let now = Date()
        if !enabled {
            guard now.timeIntervalSince(started) >= Self.plainInterval, now.timeIntervalSince(lastDraw) >= Self.plainInterval else { return }
        } else {
            guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        }
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
        guard enabled else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            return
        }
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
