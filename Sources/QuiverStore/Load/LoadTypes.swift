import Foundation
import QuiverCore
import QuiverParsers

/// Where a load reads from.
public enum LoadInput: Sendable, Equatable {
    /// A path; `-` means standard input. gzip is detected by its magic bytes.
    case file(String)
    /// A regular file already opened (and checked) by the caller, read through its descriptor and
    /// never reopened by name: the daemon's `LOAD … PATH`. gzip is detected by its magic bytes.
    case opened(RegularFile)
    /// Bytes already in memory (a daemon payload), with a name for error messages.
    case bytes(name: String, [UInt8])

    var displayName: String {
        switch self {
        case .file(let p): p
        case .opened(let file): file.path
        case .bytes(let name, _): name
        }
    }
}

/// How to read and label the triples of one load.
public struct LoadOptions: Sendable {
    /// nil: detect from each file's name.
    public var format: InputFormat?
    public var split: Split?
    public var provenance: Provenance
    /// Base IRI for relative IRIs in Turtle (default: the file's `file://` IRI).
    public var baseIRI: String?
    /// Triples parsed per batch; memory for parsing is bounded by this.
    public var batchSize: Int
    /// How many distinct triples and terms a load tracks in memory to skip repeats early. Past
    /// these, rows go to PostgreSQL as they come and are de-duplicated there (slower, but memory
    /// stays bounded whatever the input's size).
    public var inMemoryTriples: Int = 16_000_000
    public var inMemoryTerms: Int = 8_000_000
    /// Checked after every batch: once cancelled, the load stops and rolls back whole.
    /// Set from another thread to stop the load: it then throws `StoreError.cancelled` and its
    /// transaction rolls back, so nothing of it is stored.
    public var cancellation: CancellationToken?
    /// How long the load may run, from the call to `load`: past it, the load stops at its next
    /// check (after a batch, or after the indexes) with `StoreError.timedOut` and rolls back whole.
    public var timeout: Duration?

    public init(format: InputFormat? = nil, split: Split? = nil, provenance: Provenance = .asserted,
                baseIRI: String? = nil, batchSize: Int = 50_000) {
        self.format = format
        self.split = split
        self.provenance = provenance
        self.baseIRI = baseIRI
        self.batchSize = batchSize
    }
}

extension LoadOptions {
    /// The point past which a load that started now must stop.
    func deadline(from start: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        timeout.map { start + $0 }
    }

    /// Throws when the load was cancelled or ran past `deadline`.
    func checkContinue(deadline: ContinuousClock.Instant?) throws(StoreError) {
        if let token = cancellation, token.isCancelled { throw .cancelled }
        if let deadline, let timeout, ContinuousClock.now >= deadline { throw .timedOut(timeout) }
    }
}

/// What a load did. A load lands whole or not at all, so these are the committed figures.
public struct LoadReport: Sendable, Equatable {
    public var graph: String
    /// Triples read from the inputs.
    public var read: Int
    /// Triples that were not in the graph before.
    public var new: Int
    /// Triples skipped because the graph (or an earlier line of this load) already had them.
    public var duplicates: Int
    /// Terms that were not in the graph's dictionary before.
    public var newTerms: Int
    public var seconds: Double
    public var triplesPerSecond: Double { seconds > 0 ? Double(read) / seconds : 0 }
}

/// Progress of a running load, reported after every batch.
public struct LoadProgress: Sendable {
    public var file: String
    public var fileIndex: Int
    public var fileCount: Int
    /// Bytes consumed from the current file (compressed bytes for gzip) and its size, when known.
    public var bytesRead: Int
    public var totalBytes: Int?
    public var triplesRead: Int
    /// Which phase runs: reading the input, or building indexes and merging after it.
    public var phase: Phase

    public enum Phase: String, Sendable { case reading, indexing, merging }
}
