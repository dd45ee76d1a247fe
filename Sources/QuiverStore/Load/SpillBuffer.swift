import Foundation

/// Bytes collected during a load to be sent later (the new terms, which wait for the triples'
/// COPY to end): kept in memory up to `memoryLimit`, then appended to an unlinked temporary file,
/// so a load's memory does not grow with its input.
final class SpillBuffer {
    private var memory: [UInt8] = []
    private let memoryLimit: Int
    private var file: FileHandle?
    private(set) var spilledBytes = 0

    init(memoryLimit: Int = 64 << 20) {
        self.memoryLimit = memoryLimit
    }

    deinit { try? file?.close() }

    func append(_ bytes: [UInt8]) throws {
        memory.append(contentsOf: bytes)
        if memory.count >= memoryLimit { try spill() }
    }

    private func spill() throws {
        if file == nil {
            var template = Array((NSTemporaryDirectory() + "/quiver-load-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw StoreError.input("cannot create a temporary file for the load: errno \(errno)") }
            // Unlinked at once: the space is freed when the load ends, however it ends.
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            file = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        }
        try file?.write(contentsOf: memory)
        spilledBytes += memory.count
        memory.removeAll(keepingCapacity: true)
    }

    /// Hands everything appended, in order, to `body` in chunks of about 1 MiB.
    func drain(_ body: ([UInt8]) throws -> Void) throws {
        if let file {
            try file.seek(toOffset: 0)
            while let chunk = try file.read(upToCount: 1 << 20), !chunk.isEmpty {
                try body(Array(chunk))
            }
        }
        if !memory.isEmpty { try body(memory) }
        memory = []
    }
}
