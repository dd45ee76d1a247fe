#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion, optionally as another user, capturing its output.
///
/// Uses `posix_spawn` (never `fork` in a multithreaded process). The child gets no descriptors
/// of ours beyond stdin (/dev/null) and stdout/stderr (a temporary file): a server started
/// through `pg_ctl` must not inherit our sockets or the cluster lock.
enum ChildProcess {
    struct Outcome {
        var exitCode: Int32
        var output: String
        var succeeded: Bool { exitCode == 0 }
    }

    /// Runs `executable` with `arguments`. With `user`, runs it as that user through `setpriv`
    /// (or `runuser`), as PostgreSQL refuses to run as root.
    static func run(
        _ executable: String, _ arguments: [String], as user: ServerUser? = nil,
        workingDirectory: String? = nil
    ) throws -> Outcome {
        var argv = [executable] + arguments
        if let user {
            argv = try switchUserPrefix(user) + argv
        }
        let outputFD = try temporaryFile()
        defer { close(outputFD) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        closeOtherDescriptors(&actions, keeping: outputFD)
        if let workingDirectory { addChangeDirectory(&actions, workingDirectory) }

        let environment = POSIX.childEnvironment()
        var pid: pid_t = 0
        let spawnResult = withCStrings(argv) { argvPointers in
            withCStrings(environment) { environmentPointers in
                posix_spawn(&pid, argv[0], &actions, nil, argvPointers, environmentPointers)
            }
        }
        guard spawnResult == 0 else {
            throw PGError(
                kind: .cluster, message: "cannot run \(argv[0]): \(POSIX.errorText(spawnResult))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw PGError(kind: .cluster, message: "waiting for \(executable) failed: \(POSIX.errorText())")
            }
        }
        lseek(outputFD, 0, SEEK_SET)
        let output = POSIX.readAll(outputFD)
        // Exited normally: low 7 bits zero, code in the next byte; killed: report 128 + signal.
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(exitCode: exitCode, output: output)
    }

    /// An anonymous temporary file (created in /tmp and unlinked at once).
    private static func temporaryFile() throws -> Int32 {
        guard let template = strdup("/tmp/quiver-output-XXXXXX") else {
            throw PGError(kind: .cluster, message: "out of memory")
        }
        defer { free(template) }
        let fd = mkstemp(template)
        guard fd >= 0 else {
            throw PGError(kind: .cluster, message: "cannot create a temporary file in /tmp: \(POSIX.errorText())")
        }
        unlink(template)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// The command prefix that switches to `user`.
    static func switchUserPrefix(_ user: ServerUser) throws -> [String] {
        for path in ["/usr/bin/setpriv", "/bin/setpriv"] where POSIX.isExecutable(path) {
            return [path, "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--"]
        }
        for path in ["/usr/sbin/runuser", "/sbin/runuser"] where POSIX.isExecutable(path) {
            return [path, "-u", user.name, "--"]
        }
        throw PGError(
            kind: .cluster,
            message: "running as root, but neither setpriv nor runuser is available to run PostgreSQL as user \(user.name)",
            hint: "install util-linux, run Quiver as a non-root user, or pass --database with a server URL")
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// Looks up a libc function that the Swift overlay does not import.
    private static func libcFunction<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    private static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t, keeping kept: Int32) {
        #if os(Linux)
        if let closeFrom = libcFunction("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self) {
            _ = closeFrom(&actions, 3)
            return
        }
        // Older glibc: close each descriptor open now.
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let listing = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd > 2, fd != listing {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }
        _ = kept
        #else
        _ = kept
        #endif
    }

    private static func addChangeDirectory(_ actions: inout posix_spawn_file_actions_t, _ directory: String) {
        if let changeDirectory = libcFunction("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self) {
            _ = changeDirectory(&actions, directory)
        }
    }

    private static func withCStrings<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { buffer in
            body(buffer.baseAddress.unsafelyUnwrapped)
        }
    }
}
