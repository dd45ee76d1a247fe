import QuiverCore

/// Serves a few bytes already read from `inner` (to sniff the format) before the rest of `inner`.
struct ReplayingByteSource<Inner: ByteSource>: ByteSource {
    private var prefix: [UInt8]
    private var prefixOffset = 0
    private var inner: Inner

    init(prefix: [UInt8], inner: Inner) {
        self.prefix = prefix
        self.inner = inner
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if prefixOffset < prefix.count {
            let n = min(buffer.count, prefix.count - prefixOffset)
            prefix.withUnsafeBytes { src in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[prefixOffset ..< prefixOffset + n]))
            }
            prefixOffset += n
            return n
        }
        return try inner.read(into: buffer)
    }
}

/// Reads up to `count` bytes from the start of `source` (fewer only at end of input).
private func readPrefix<S: ByteSource>(_ source: inout S, count: Int) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
        let n = try bytes.withUnsafeMutableBytes { buf in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[filled...]))
        }
        if n == 0 { break }
        filled += n
    }
    bytes.removeSubrange(filled...)
    return bytes
}

/// Opens an input for a parser: standard input for `-`, otherwise the file at `path`.
///
/// Input that starts with the gzip magic bytes `1f 8b` is decompressed transparently, whatever the
/// file is called (standard input too). Throws `InputError` naming `path`.
public func openInput(path: String) throws -> any ByteSource {
    if path == "-" {
        return try sniffingCompression(StandardInputSource(), name: path)
    }
    return try sniffingCompression(FileByteSource(path: path), name: path)
}

private func sniffingCompression<S: ByteSource>(_ source: S, name: String) throws -> any ByteSource {
    var source = source
    let magic = try readPrefix(&source, count: 2)
    let replaying = ReplayingByteSource(prefix: magic, inner: source)
    if magic == [0x1F, 0x8B] {
        return GzipByteSource(replaying, name: name)
    }
    return replaying
}
