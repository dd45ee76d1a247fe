#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import QuiverCore

/// Owns a file descriptor and closes it when the last copy of its source goes away.
final class OwnedFileDescriptor: Sendable {
    let fd: Int32
    private let closesOnDeinit: Bool

    init(fd: Int32, closesOnDeinit: Bool) {
        self.fd = fd
        self.closesOnDeinit = closesOnDeinit
    }

    deinit {
        if closesOnDeinit { _ = close(fd) }
    }

    /// `read(2)`, retried on `EINTR`.
    func read(into buffer: UnsafeMutableRawBufferPointer, path: String) throws(InputError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Darwin)
            let n = Darwin.read(fd, base, buffer.count)
            #elseif canImport(Glibc)
            let n = Glibc.read(fd, base, buffer.count)
            #else
            let n = Musl.read(fd, base, buffer.count)
            #endif
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            throw .readFailed(path: path, reason: InputError.systemMessage(code))
        }
    }
}

/// The bytes of a file, read with POSIX `open`/`read`.
///
/// The file is closed when the source (and every copy of it) is gone; copies share one file offset.
///
/// ```swift
/// var source = try FileByteSource(path: "train.txt")
/// var reader = TSVReader(source: source, fileName: "train.txt")
/// ```
public struct FileByteSource: ByteSource, Sendable {
    /// The path as given, used in error messages.
    public let path: String
    private let descriptor: OwnedFileDescriptor

    /// Opens `path` for reading; throws `InputError.cannotOpen` naming the path and the system's reason.
    public init(path: String) throws(InputError) {
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            throw .cannotOpen(path: path, reason: InputError.systemMessage(errno))
        }
        self.path = path
        self.descriptor = OwnedFileDescriptor(fd: fd, closesOnDeinit: true)
    }

    init(path: String, descriptor: OwnedFileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try descriptor.read(into: buffer, path: path)
    }
}

/// The process's standard input (file descriptor 0), named `-` in errors. It is never closed.
public struct StandardInputSource: ByteSource, Sendable {
    private let descriptor = OwnedFileDescriptor(fd: 0, closesOnDeinit: false)

    public init() {}

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try descriptor.read(into: buffer, path: "-")
    }
}
