/// A name compared and hashed by its UTF-8 bytes, as PostgreSQL compares stored names.
///
/// Swift's `String` equality is canonical equivalence: `"caf\u{E9}"` (NFC) and `"cafe\u{301}"`
/// (NFD) are `==` and hash alike, yet they are two graphs, two terms and two rows in the store.
/// Every dictionary or set of graph or term names keys by `ExactName`, never by `String`, so that
/// a cache never answers for one name with the other.
///
/// ```swift
/// var cache: [ExactName: Int] = [:]
/// cache[ExactName("caf\u{E9}")] = 1
/// cache[ExactName("cafe\u{301}")]   // nil
/// ```
public struct ExactName: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name; its UTF-8 bytes are what `==`, `hash(into:)` and `<` look at.
    public let text: String

    @inlinable public init(_ text: String) { self.text = text }

    @inlinable public init(stringLiteral text: String) { self.text = text }

    @inlinable public static func == (a: ExactName, b: ExactName) -> Bool { a.text.hasSameBytes(as: b.text) }

    @inlinable public func hash(into hasher: inout Hasher) { hasher.combineUTF8(of: text) }

    /// Byte order (code point order), the order PostgreSQL's `C` collation gives.
    public static func < (a: ExactName, b: ExactName) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }

    public var description: String { text }
}

extension String {
    /// Whether the two strings have the same UTF-8 bytes (not merely canonically equivalent).
    @inlinable public func hasSameBytes(as other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return a.withContiguousStorageIfAvailable { pa in
            b.withContiguousStorageIfAvailable { pb in pa.elementsEqual(pb) }
        }.flatMap { $0 } ?? a.elementsEqual(b)
    }
}

extension Hasher {
    /// Feeds the string's UTF-8 bytes and their count (so that consecutive strings cannot run
    /// into each other), without allocating for native strings.
    @inlinable public mutating func combineUTF8(of text: String) {
        let utf8 = text.utf8
        combine(utf8.count)
        if utf8.withContiguousStorageIfAvailable({ combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            Array(utf8).withUnsafeBytes { combine(bytes: $0) }
        }
    }
}
