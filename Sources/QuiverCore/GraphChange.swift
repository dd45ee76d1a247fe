/// One committed write to a graph, by term ids, as the change log records it and as the process
/// that made it hands it to its own readers: the triples added (with their labels) or removed.
public struct GraphChange: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case add, delete
        /// The ontology changed; the triples did not.
        case ontology
    }
    /// The graph's change sequence this write committed at.
    public var seq: Int64
    public var kind: Kind
    public var subjects: [Int64]
    public var predicates: [Int64]
    public var objects: [Int64]
    /// Per triple, for `add` (empty for `delete`): `Provenance.rawValue` and `Split.rawValue` or -1.
    public var provenance: [UInt8]
    public var split: [Int8]

    public init(seq: Int64, kind: Kind, subjects: [Int64] = [], predicates: [Int64] = [], objects: [Int64] = [],
                provenance: [UInt8] = [], split: [Int8] = []) {
        self.seq = seq
        self.kind = kind
        self.subjects = subjects
        self.predicates = predicates
        self.objects = objects
        self.provenance = kind == .add && provenance.isEmpty ? Array(repeating: 0, count: subjects.count) : provenance
        self.split = kind == .add && split.isEmpty ? Array(repeating: -1, count: subjects.count) : split
    }

    public var count: Int { subjects.count }
}
