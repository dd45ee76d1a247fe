#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import QuiverCore

/// A regular file inside a directory, opened once; it is read through this descriptor, never by
/// its name again.
///
/// Checking a name and then opening it leaves a gap in which the file can be swapped for a link
/// to somewhere else, so every check here is made on what was opened. Each component of the
/// path is opened with `openat(…, O_NOFOLLOW)` from the one before it, starting at the
/// directory: no link is followed and nothing outside the directory is opened (a device or a
/// FIFO there included). The file itself is opened with `O_NONBLOCK`, so that a FIFO cannot hold
/// the open, and `fstat` then refuses anything but a regular file.
///
/// ```swift
/// let file = try RegularFile(opening: "sub/train.tsv", inside: "/srv/import")
/// var reader = TSVReader(source: FileByteSource(file), fileName: file.path)
/// ```
public final class RegularFile: Sendable, Equatable {
    /// The directory and the relative path joined, for messages.
    public let path: String
    /// The size in bytes, from `fstat` of the opened descriptor.
    public let size: Int
    let descriptor: OwnedFileDescriptor

    /// Opens `relativePath` (components separated by `/`, no `..`) inside `directory`.
    ///
    /// Throws `InputError.outsideDirectory` for `..`, `.throughLink` where a component is a
    /// symbolic link, `.notRegularFile` for a FIFO, socket, device or directory, and
    /// `.cannotOpen` with the system's reason otherwise.
    public init(opening relativePath: String, inside directory: String) throws(InputError) {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        let shown = directory + "/" + components.joined(separator: "/")
        guard !components.contains("..") else { throw .outsideDirectory(path: relativePath, directory: directory) }
        guard let last = components.last else { throw .notRegularFile(path: shown, kind: "a directory") }

        var current = try Self.open(directory, at: AT_FDCWD, flags: O_RDONLY | O_DIRECTORY, shown: directory)
        defer { _ = close(current) }
        for (i, component) in components.dropLast().enumerated() {
            let next = try Self.open(component, at: current, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW, shown: shown,
                                     link: components[...i].joined(separator: "/"))
            _ = close(current)
            current = next
        }
        let fd = try Self.open(last, at: current, flags: O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY, shown: shown,
                               link: relativePath)
        let owned = OwnedFileDescriptor(fd: fd, closesOnDeinit: true)
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .cannotOpen(path: shown, reason: InputError.systemMessage(errno)) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(path: shown, kind: Self.kind(of: st.st_mode)) }
        // Reads of a regular file do not block anyway; the flag only had to keep a FIFO's open
        // from waiting for a writer.
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            throw .cannotOpen(path: shown, reason: InputError.systemMessage(errno))
        }
        try Self.checkInside(fd: fd, directory: directory, shown: shown)
        self.path = shown
        self.size = Int(st.st_size)
        self.descriptor = owned
    }

    public static func == (a: RegularFile, b: RegularFile) -> Bool { a === b }

    /// `openat`, retried on `EINTR`; a link met with `O_NOFOLLOW` is named in the error.
    private static func open(_ name: String, at dir: Int32, flags: Int32, shown: String, link: String? = nil) throws(InputError) -> Int32 {
        while true {
            let fd = openat(dir, name, flags | O_CLOEXEC)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            if let link, code == ELOOP || code == ENOTDIR || code == EMLINK {
                var st = stat()
                if fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mode & S_IFMT == S_IFLNK {
                    throw .throughLink(path: shown, link: link)
                }
            }
            throw .cannotOpen(path: shown, reason: InputError.systemMessage(code))
        }
    }

    /// Where the kernel says the descriptor's file is (Linux's `/proc/self/fd`): a directory moved
    /// out from under the walk above would show here. Skipped where `/proc` is not mounted.
    private static func checkInside(fd: Int32, directory: String, shown: String) throws(InputError) {
        guard let real = realPath(directory), let opened = readLink("/proc/self/fd/\(fd)"), opened.hasPrefix("/") else { return }
        let root = real.hasSuffix("/") ? real : real + "/"
        guard opened.hasPrefix(root) else { throw .outsideDirectory(path: shown, directory: directory) }
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFDIR: "a directory"
        default: "not a plain file"
        }
    }
}

extension FileByteSource {
    /// Reads an opened `RegularFile` from where its descriptor stands (the start, unless read before).
    public init(_ file: RegularFile) {
        self.init(path: file.path, descriptor: file.descriptor)
    }
}
