import QuiverCore

/// Wang et al.'s composition knowledge base: every entity gets `outDegree` distinct relations,
/// each to a uniformly random tail (self-loops and repeated tails allowed, as in their notebook).
///
/// ```swift
/// var rng = SeededRandom(seed: 42)
/// let g = try SyntheticGraph.composition(entities: 2000, relations: 200, outDegree: 20, rng: &rng)
/// g.factCount   // 40000
/// ```
public enum SyntheticGraph {
    public static func composition(entities: Int, relations: Int, outDegree: Int, rng: inout SeededRandom) throws -> FactGraph {
        guard entities > 0 else { throw AugmentError.badOption("\(option: "entities") must be at least 1") }
        guard relations > 0 else { throw AugmentError.badOption("\(option: "relations") must be at least 1") }
        guard outDegree >= 0 && outDegree <= relations else {
            throw AugmentError.badOption("\(option: "out-degree") \(outDegree) needs 0...\(relations) (each entity's relations are distinct)")
        }
        var facts: [Fact] = []
        facts.reserveCapacity(entities * outDegree)
        for h in 0..<entities {
            for r in rng.sortedSample(outDegree, of: relations) {
                facts.append(Fact(Int32(h), Int32(r), Int32(rng.below(entities)), provenance: .synthetic))
            }
        }
        return FactGraph(
            entityNames: (0..<entities).map { "<e_\($0)>" }, relationNames: (0..<relations).map { "<r_\($0)>" }, facts: facts)
    }
}

/// A bad option or an impossible request, said so the user can fix it.
public enum AugmentError: PresentableError, Sendable, Equatable {
    case badOption(ErrorMessage)
    case unknownRelation(String, suggestions: [String])
    case phiUnreachable(requested: Double, maximum: Double, detail: String)
    /// The output directory cannot be used (exists, is a link, cannot be created).
    case io(String)

    public var category: ErrorCategory {
        switch self {
        case .unknownRelation: .notFound
        // An output path the person chose and can change, like a bad option.
        case .badOption, .phiUnreachable, .io: .invalidInput
        }
    }

    public var message: ErrorMessage {
        switch self {
        case .badOption(let m): return m
        case .unknownRelation(let r, let s):
            return "unknown relation '\(r)'" + (s.isEmpty ? "" : "; did you mean \(s.map { "'\($0)'" }.joined(separator: ", "))?")
        case .phiUnreachable(let requested, let maximum, let detail):
            return "phi \(requested) is unreachable: at most \(String(format: "%.3f", maximum)) (\(detail)); lower \(option: "phi"), "
                + "or raise it with \(option: "target-phi") / \(option: "target-phi-r") augmentation"
        case .io(let m): return "\(m)"
        }
    }
}
