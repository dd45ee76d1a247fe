/// A statement as read from an input file, before it reaches the store.
public struct Triple: Hashable, Sendable {
    public var subject: Term
    public var predicate: Term
    public var object: Term

    public init(_ subject: Term, _ predicate: Term, _ object: Term) {
        self.subject = subject
        self.predicate = predicate
        self.object = object
    }
}

/// Where a stored triple came from.
public enum Provenance: Int16, Sendable, CaseIterable, CustomStringConvertible {
    /// Loaded from a source file or written by a user.
    case asserted = 0
    /// Derived by a rule (e.g. an `owl:propertyChainAxiom`).
    case inferred = 1
    /// Invented by augmentation to raise phi.
    case synthetic = 2
    /// A deliberately wrong fact added by augmentation.
    case corrupted = 3

    public var description: String {
        switch self {
        case .asserted: "asserted"
        case .inferred: "inferred"
        case .synthetic: "synthetic"
        case .corrupted: "corrupted"
        }
    }

    public init?(name: String) {
        guard let p = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = p
    }
}

/// The dataset split a triple belongs to, if any.
public enum Split: Int16, Sendable, CaseIterable, CustomStringConvertible {
    case train = 0
    case valid = 1
    case test = 2

    public var description: String {
        switch self {
        case .train: "train"
        case .valid: "valid"
        case .test: "test"
        }
    }

    public init?(name: String) {
        switch name.lowercased() {
        case "train": self = .train
        case "valid", "validation", "dev": self = .valid
        case "test": self = .test
        default: return nil
        }
    }
}
