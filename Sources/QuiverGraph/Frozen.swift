/// An array's elements copied once into memory of their own, never written again: the searches
/// read them through raw pointers for as long as the owner lives, without the nested
/// `withUnsafeBufferPointer` calls (whose pointers may not outlive the call).
public final class Frozen<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: the memory is written only in `init`; afterwards it is read-only, so sharing it
    // across threads is safe.
    public let buffer: UnsafeBufferPointer<Element>
    private let memory: UnsafeMutableBufferPointer<Element>

    public init(_ values: [Element]) {
        memory = .allocate(capacity: max(values.count, 1))
        _ = memory.initialize(from: values)
        buffer = UnsafeBufferPointer(start: memory.baseAddress, count: values.count)
    }

    deinit { memory.deallocate() }

    public var count: Int { buffer.count }
    @inline(__always) public subscript(i: Int) -> Element { buffer[i] }
    public var array: [Element] { Array(buffer) }
}
