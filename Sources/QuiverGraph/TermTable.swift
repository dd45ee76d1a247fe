import QuiverCore

/// The terms of a snapshot's dense ids: an array of terms after a build, or their bytes in a
/// snapshot file, decoded one at a time when a name is needed (a file of a million nodes opens
/// without making a million strings).
public struct TermTable: RandomAccessCollection, Sendable, Equatable {
    enum Storage: Sendable {
        case terms([Term])
        /// Term `i` is encoded at `bytes[offsets[i] ..< offsets[i + 1]]` (see `encode`).
        case packed(bytes: Column<UInt8>, offsets: Column<Int>)
    }
    let storage: Storage

    public init(_ terms: [Term]) { storage = .terms(terms) }
    /// Terms encoded by `encode`, term `i` at `bytes[offsets[i] ..< offsets[i + 1]]`.
    public init(bytes: Column<UInt8>, offsets: Column<Int>) { storage = .packed(bytes: bytes, offsets: offsets) }

    /// The terms encoded: their bytes and where each starts (plus the end).
    public func encoded() -> (bytes: [UInt8], offsets: [Int]) {
        var bytes: [UInt8] = [], offsets: [Int] = [0]
        offsets.reserveCapacity(count + 1)
        for t in self {
            Self.encode(t, into: &bytes)
            offsets.append(bytes.count)
        }
        return (bytes, offsets)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .terms(let t): t.count
        case .packed(_, let offsets): Swift.max(offsets.count - 1, 0)
        }
    }

    public subscript(i: Int) -> Term {
        switch storage {
        case .terms(let t): return t[i]
        case .packed(let bytes, let offsets):
            return Self.decode(UnsafeBufferPointer(rebasing: bytes.buffer[offsets[i]..<offsets[i + 1]]))
        }
    }

    public static func == (a: TermTable, b: TermTable) -> Bool { a.count == b.count && a.elementsEqual(b) }

    /// One term as bytes: kind, then value, datatype and language, each as a 32-bit length
    /// (0xFFFF_FFFF for none) and UTF-8.
    public static func encode(_ term: Term, into out: inout [UInt8]) {
        out.append(UInt8(term.kind.rawValue))
        func field(_ s: String?) {
            guard let s else { withUnsafeBytes(of: UInt32.max.littleEndian) { out.append(contentsOf: $0) }; return }
            withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: s.utf8)
        }
        field(term.value)
        field(term.datatype)
        field(term.language)
    }

    static func decode(_ b: UnsafeBufferPointer<UInt8>) -> Term {
        var i = 1
        func field() -> String? {
            guard i + 4 <= b.count else { return nil }
            var n: UInt32 = 0
            for k in 0..<4 { n |= UInt32(b[i + k]) << (8 * k) }
            i += 4
            if n == .max { return nil }
            let end = Swift.min(b.count, i + Int(n))
            defer { i = end }
            return String(decoding: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self)
        }
        let kind = TermKind(rawValue: Int16(b.isEmpty ? 0 : b[0])) ?? .name
        let value = field() ?? ""
        let datatype = field(), language = field()
        return Term(kind: kind, value: value, datatype: datatype, language: language)
    }
}
