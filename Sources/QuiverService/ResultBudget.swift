import QuiverCore
import QuiverPaths

/// What one answer may cost: how many rows it lists, about how many bytes its reply takes, and
/// when (or whether) building it must stop. A search stops at the deadline on its own; naming the
/// rows it found and encoding them is the rest of the work, and this keeps that bounded too: an
/// answer over budget is cut, marked `truncated` with the reason, as a `limit` cut is.
///
/// ```swift
/// var budget = ResultBudget.daemon
/// budget.stop = StopCondition(deadline: .after(milliseconds: 1000), token: token)
/// let json = PathsJSON(result, in: snapshot, budget: budget)
/// ```
public struct ResultBudget: Sendable {
    /// The most rows (paths, endpoints, tails, neighbours) one answer lists; a larger `limit` is
    /// lowered to this before the search, so the search's own memory stays bounded as well.
    public var maxRows: Int
    /// About the most bytes one reply takes (names, plus a fixed allowance per row and step).
    public var maxBytes: Int
    /// Checked while rows are named.
    public var stop: StopCondition

    public init(maxRows: Int, maxBytes: Int, stop: StopCondition = StopCondition()) {
        self.maxRows = max(1, maxRows)
        self.maxBytes = max(1024, maxBytes)
        self.stop = stop
    }

    /// The daemon's defaults (`quiver serve --max-result-rows`, `--max-reply-bytes`).
    public static let daemon = ResultBudget(maxRows: 100_000, maxBytes: 64 << 20)
    /// The CLI's: an answer the CLI prints is built whole in memory first.
    public static let cli = ResultBudget(maxRows: 1_000_000, maxBytes: 512 << 20)
    /// No bound (tests, and answers known to be small).
    public static let unlimited = ResultBudget(maxRows: Int.max, maxBytes: Int.max)

    /// About how long encoding a reply takes per byte of its estimate, building the RESP values
    /// and writing them out (measured: 100,000 paths, 28 MB, in about a second on this machine's
    /// cores; twice that, to keep a margin on a busy machine).
    static let encodingNanosecondsPerByte: UInt64 = 60

    /// The fewest bytes a row takes in a reply, by the estimates `fit` uses.
    static let minimumRowBytes = 32

    /// `limit` lowered to `maxRows`, and to the rows `maxBytes` can hold at the least.
    public func rows(_ limit: Int) -> Int { min(limit, maxRows, max(1, maxBytes / Self.minimumRowBytes)) }

    /// Search options with the limit, deadline and cancellation of this budget. The search gets
    /// four fifths of the time left, so that naming and encoding what it found fits in the rest.
    public func apply(to options: PathOptions) -> PathOptions {
        var o = options
        o.limit = rows(o.limit)
        if let deadline = stop.deadline {
            let now = Deadline.nowNanoseconds
            let left = deadline.uptimeNanoseconds > now ? deadline.uptimeNanoseconds - now : 0
            let search = Deadline(uptimeNanoseconds: now + left / 5 * 4)
            o.deadline = min(o.deadline ?? search, search)
            o.timeout = nil
        }
        if o.cancellation == nil { o.cancellation = stop.token }
        return o
    }

    /// Names rows one by one with `body` (which returns the row and its size in bytes), stopping
    /// when the rows, the bytes or the time run out. Returns the rows named and, when it stopped
    /// early, why.
    public func fit<Row, Named>(_ rows: [Row], _ body: (Row) -> (Named, Int)) -> (rows: [Named], reason: TruncationReason?) {
        var out: [Named] = []
        out.reserveCapacity(min(rows.count, maxRows, 1 << 16))
        var bytes = 0
        for (i, row) in rows.enumerated() {
            if out.count >= maxRows { return (out, .limit) }
            if i & 255 == 255 {
                if let why = stop.reason { return (out, why == .timeout ? .timeout : .cancelled) }
                // What is named must still be encoded and sent before the deadline: stop naming
                // once the time left would not cover encoding the bytes named so far.
                if let deadline = stop.deadline,
                   Deadline.nowNanoseconds &+ UInt64(bytes) &* Self.encodingNanosecondsPerByte >= deadline.uptimeNanoseconds {
                    return (out, .timeout)
                }
            }
            let (named, size) = body(row)
            bytes += size
            if bytes > maxBytes { return (out, .replySize) }
            out.append(named)
        }
        return (out, nil)
    }
}
