#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls the cluster needs (no Foundation).
enum POSIX {
    static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func owner(of path: String) -> (uid: uid_t, gid: gid_t)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (info.st_uid, info.st_gid)
    }

    static func currentDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "/" }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// `mkdir -p`, creating missing directories with `mode`.
    static func makeDirectories(_ path: String, mode: mode_t) throws {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw PGError(
                    kind: .cluster, message: "cannot create directory \(current): \(errorText())",
                    hint: "check the permissions of its parent, or choose another data directory")
            }
        }
        guard isDirectory(path) else {
            throw PGError(kind: .cluster, message: "\(path) exists but is not a directory")
        }
    }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd)
    }

    static func readAll(_ fd: Int32) -> String {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Replaces `path` atomically (write to a temporary file, then rename).
    static func writeFile(_ path: String, _ contents: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw PGError(kind: .cluster, message: "cannot write \(path): \(errorText())")
        }
        var ok = true
        var bytes = Array(contents.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    ok = false
                    return
                }
                offset += written
            }
        }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let message = errorText()
            unlink(temporary)
            throw PGError(kind: .cluster, message: "cannot write \(path): \(message)")
        }
    }

    static func appendToFile(_ path: String, _ contents: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw PGError(kind: .cluster, message: "cannot open \(path): \(errorText())") }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw PGError(kind: .cluster, message: "cannot append to \(path): \(errorText())")
        }
    }

    static func changeOwner(_ path: String, to user: ServerUser) throws {
        guard chown(path, user.uid, user.gid) == 0 else {
            throw PGError(kind: .cluster, message: "cannot give \(path) to user \(user.name): \(errorText())")
        }
    }

    /// The last `lineCount` lines of a file, for error messages.
    static func tail(of path: String, lineCount: Int = 20) -> String? {
        guard let text = readFile(path), !text.isEmpty else { return nil }
        return text.split(separator: "\n").suffix(lineCount).joined(separator: "\n")
    }

    static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// True when `pid` names a live PostgreSQL postmaster (not a zombie, not a reused pid).
    static func isPostmasterAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        // Unreadable (e.g. /proc mounted with hidepid): trust kill(2).
        guard let stat = readFile("/proc/\(pid)/stat") else { return true }
        // "<pid> (<comm>) <state> ...": the name may contain spaces or parentheses.
        guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return false }
        let name = stat[stat.index(after: open)..<close]
        guard name == "postgres" || name == "postmaster" else { return false }
        let state = stat[stat.index(after: close)...].trimmingWhitespace().first
        if state == "Z" {
            // An exited server that is our child (we may be PID 1 in a container): reap it.
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
            return false
        }
        return state != "X"
        #else
        return true
        #endif
    }

    /// Environment for child processes: ours without `PG*` variables (they would redirect the
    /// tools elsewhere), with messages in English.
    static func childEnvironment() -> [String] {
        var result: [String] = []
        #if canImport(Darwin)
        guard var pointer = _NSGetEnviron()?.pointee else { return ["LC_ALL=C", "LANG=C"] }
        #else
        var pointer = environ
        #endif
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if !text.hasPrefix("PG") && !text.hasPrefix("LC_ALL=") && !text.hasPrefix("LANG=") {
                result.append(text)
            }
            pointer += 1
        }
        result.append("LC_ALL=C")
        result.append("LANG=C")
        return result
    }
}

/// The account the server runs as.
struct ServerUser: Sendable, Equatable {
    var name: String
    var uid: uid_t
    var gid: gid_t

    static func named(_ name: String) -> ServerUser? {
        lookup { buffer, size, result, entry in getpwnam_r(name, &entry, buffer, size, &result) }
    }

    static func withID(_ uid: uid_t) -> ServerUser? {
        lookup { buffer, size, result, entry in getpwuid_r(uid, &entry, buffer, size, &result) }
    }

    private static func lookup(
        _ call: (UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<passwd>?, inout passwd) -> Int32
    ) -> ServerUser? {
        let size = 16384
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        defer { buffer.deallocate() }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        guard call(buffer, size, &result, &entry) == 0, result != nil, let name = entry.pw_name else { return nil }
        return ServerUser(name: String(cString: name), uid: entry.pw_uid, gid: entry.pw_gid)
    }
}

/// An exclusive `flock` on a file, so two processes do not initialise or start one cluster
/// at the same time. The descriptor is close-on-exec so the server never inherits the lock.
final class FileLock {
    private var fd: Int32

    init(path: String, timeoutSeconds: Int) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw PGError(kind: .cluster, message: "cannot open lock file \(path): \(POSIX.errorText())")
        }
        var waited = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw PGError(kind: .cluster, message: "cannot lock \(path): \(POSIX.errorText(code))")
            }
            guard waited < timeoutSeconds * 1000 else {
                close(fd)
                throw PGError(
                    kind: .cluster,
                    message: "another process has held \(path) for \(timeoutSeconds) s while starting or stopping the embedded cluster",
                    hint: "wait for it to finish, or stop that process")
            }
            POSIX.sleep(milliseconds: 50)
            waited += 50
        }
    }

    func unlock() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}
