import Foundation
import QuiverCore

/// Which stored edges a search may follow from a node.
public enum Direction: String, Sendable, CaseIterable {
    /// Subject to object.
    case out
    /// Object to subject.
    case `in`
    /// Either way.
    case both
}

/// The way one step of a path crossed its edge: `out` follows a stored triple from subject to
/// object, `in` from object to subject.
public enum StepDirection: String, Sendable, Codable, Comparable {
    case out
    case `in`

    public static func < (a: StepDirection, b: StepDirection) -> Bool { a == .out && b == .in }
}

/// The kind of paths a path query returns.
public enum PathMode: String, Sendable, CaseIterable {
    /// One shortest walk (the first in path order).
    case shortest
    /// Every shortest walk.
    case allShortest = "all-shortest"
    /// The K shortest simple paths (no repeated node), in path order.
    case kShortest = "k-shortest"
    /// Every simple path (no repeated node) of at most `maxHops` steps.
    case simple
    /// Every trail (no edge used twice) of at most `maxHops` steps.
    case trail
}

/// Options shared by every query.
///
/// ```swift
/// var o = PathOptions()
/// o.direction = .both
/// o.excludedRelations = ["embassy"]
/// o.maxHops = 4
/// ```
public struct PathOptions: Sendable {
    /// Which way plain steps may cross edges. With a path expression, `out` means an atom `r` follows
    /// `r` forwards and `^r` backwards, `in` swaps the two, `both` lets every atom go either way.
    public var direction: Direction = .out
    /// Relation names never followed.
    public var excludedRelations: [String] = []
    /// Node names never entered (the source and target of a query are allowed).
    public var excludedNodes: [String] = []
    /// Provenances followed; only asserted facts by default.
    public var provenances: Set<Provenance> = [.asserted]
    /// The most steps a path may have; `nil` means the engine's ceiling.
    public var maxHops: Int? = nil
    /// The most answers returned (paths, endpoints, tails, witnesses per tail).
    public var limit: Int = 100
    /// Wall-clock budget; a query past it returns what it found, marked truncated.
    public var timeout: Duration? = nil
    /// A point in time the query must not run past (the daemon's per-command deadline); with
    /// `timeout` too, the earlier one counts.
    public var deadline: Deadline? = nil
    /// Checked in the search loops.
    public var cancellation: CancellationToken? = nil
    /// The most search states (node × automaton state) a query may hold at once.
    public var maxFrontier: Int = 50_000_000

    public init() {}
}

/// Why an answer is incomplete.
public enum TruncationReason: String, Sendable, Codable {
    /// More answers exist than `limit`.
    case limit
    /// The time budget ran out.
    case timeout
    /// Longer paths may exist beyond `maxHops` (shortest-path modes only: for `simple`, `trail`,
    /// `reach` and counting, the hop bound is part of the question).
    case maxHops = "max-hops"
    /// The cancellation token was set.
    case cancelled
    /// The search would hold more states than `maxFrontier`.
    case memory
    /// The reply would be larger than the server's reply budget (`--max-reply-bytes`).
    case replySize = "reply-size"
}

/// Work done by a query, for benchmarks.
public struct SearchStats: Sendable, Equatable {
    /// Adjacency entries looked at.
    public var edgesScanned: Int = 0
    /// Search states (node × automaton state) reached.
    public var statesVisited: Int = 0

    public init(edgesScanned: Int = 0, statesVisited: Int = 0) {
        self.edgesScanned = edgesScanned
        self.statesVisited = statesVisited
    }
}
