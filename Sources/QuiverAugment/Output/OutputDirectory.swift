#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory that a dataset's files are created in through its descriptor, never by path.
///
/// Each file is written under a fresh temporary name (`O_CREAT | O_EXCL | O_NOFOLLOW`) and then
/// renamed over its final name: a link planted in the directory is replaced, never written
/// through, and a reader never sees half a file.
///
/// ```swift
/// let out = try OutputDirectory(creating: "datasets/run1")                 // the CLI
/// let served = try OutputDirectory(creatingEntry: "run1", inside: "/srv/exports") // the daemon
/// try DatasetWriter(dataset: ds).write(into: out)
/// ```
public final class OutputDirectory: Sendable {
    /// The directory's path, for messages.
    public let path: String
    let fd: Int32

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { _ = close(fd) }

    /// Creates `path` and its parents as needed (`mkdir -p`); files already in it are replaced.
    public convenience init(creating path: String) throws {
        try makeDirectory(path)
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw AugmentError.io("cannot open directory \(path): \(String(cString: strerror(errno)))") }
        self.init(fd: fd, path: path)
    }

    /// Creates `name`, a single path component, inside `parent` through the parent's descriptor.
    ///
    /// `name` must not be a link (refused, whatever it points to); an existing directory is used
    /// only when it is empty, so that one dataset is never mixed with what another left there.
    public convenience init(creatingEntry name: String, inside parent: String) throws {
        let path = (parent.hasSuffix("/") ? parent : parent + "/") + name
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw AugmentError.io("'\(name)' is not a directory name inside \(parent)")
        }
        let parentFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else { throw AugmentError.io("cannot open directory \(parent): \(String(cString: strerror(errno)))") }
        defer { _ = close(parentFD) }
        if mkdirat(parentFD, name, 0o755) != 0 && errno != EEXIST {
            throw AugmentError.io("cannot create directory \(path): \(String(cString: strerror(errno)))")
        }
        let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            var st = stat()
            if fstatat(parentFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mode & S_IFMT == S_IFLNK {
                throw AugmentError.io("\(path) is a symbolic link; the output must be a new or empty directory, not a link")
            }
            if code == ENOTDIR { throw AugmentError.io("\(path) exists and is not a directory; choose another output name") }
            throw AugmentError.io("cannot open directory \(path): \(String(cString: strerror(code)))")
        }
        let empty: Bool
        do { empty = try Self.isEmpty(fd, path: path) } catch { _ = close(fd); throw error }
        guard empty else {
            _ = close(fd)
            throw AugmentError.io("\(path) already exists and is not empty; a dataset is written only into a new or empty directory, so choose another output name or remove it")
        }
        self.init(fd: fd, path: path)
    }

    /// True when the directory has no entries but `.` and `..`.
    private static func isEmpty(_ fd: Int32, path: String) throws -> Bool {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            throw AugmentError.io("cannot list \(path): \(String(cString: strerror(errno)))")
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { return false }
        }
        return true
    }

    /// A new file that becomes `name` when committed.
    func create(_ name: String) throws -> OutputFile {
        try OutputFile(directory: self, name: name)
    }

    /// Writes a whole file `name`.
    public func write(_ name: String, _ bytes: [UInt8]) throws {
        let file = try create(name)
        do {
            try file.append(bytes)
        } catch {
            file.discard()
            throw error
        }
        try file.commit()
    }
}

/// A file being written in an `OutputDirectory`, under a temporary name until `commit()`; errors
/// name the final path. Writes at given offsets (`pwrite`) let pieces formatted on several
/// threads land in place without waiting for each other.
final class OutputFile: @unchecked Sendable {
    // @unchecked: the descriptor is written from several threads only through `pwrite`, at
    // disjoint offsets; `commit` and `discard` run once, after them.
    private let directory: OutputDirectory
    private let fd: Int32
    private let name: String
    private let temporaryName: String
    private var appendOffset = 0
    let path: String

    init(directory: OutputDirectory, name: String) throws {
        self.directory = directory
        self.name = name
        self.path = directory.path + "/" + name
        var fd: Int32 = -1
        var temporary = ""
        for _ in 0 ..< 8 {
            temporary = ".\(name).tmp-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            fd = openat(directory.fd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw AugmentError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.temporaryName = temporary
    }

    func append(_ bytes: [UInt8]) throws {
        try write(bytes, at: appendOffset)
        appendOffset += bytes.count
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw AugmentError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    /// Closes the file and renames it over `name` (replacing a file or link there, never following it).
    func commit() throws {
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = unlinkat(directory.fd, temporaryName, 0)
            throw AugmentError.io("cannot close \(path): \(reason)")
        }
        guard renameat(directory.fd, temporaryName, directory.fd, name) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = unlinkat(directory.fd, temporaryName, 0)
            throw AugmentError.io("cannot write \(path): \(reason)")
        }
    }

    /// Closes and removes the unfinished file; `name` is left as it was.
    func discard() {
        _ = close(fd)
        _ = unlinkat(directory.fd, temporaryName, 0)
    }
}
