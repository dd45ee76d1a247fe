import CZlib
import QuiverCore

/// The zlib inflate state. zlib keeps a pointer back to its `z_stream`, so the stream lives at a
/// fixed heap address for its whole life rather than inside a Swift value that may move.
private final class InflateStream {
    let stream: UnsafeMutablePointer<z_stream>
    let input: UnsafeMutableRawBufferPointer
    private(set) var isInitialized = false

    init(inputCapacity: Int) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: inputCapacity, alignment: 16)
    }

    /// `inflateInit2` with window bits 15 + 32: accepts both gzip and zlib headers.
    func initialize(name: String) throws(InputError) {
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw .corruptGzip(path: name, reason: "zlib could not start (\(status))")
        }
        isInitialized = true
    }

    var message: String? {
        guard let msg = stream.pointee.msg else { return nil }
        return String(cString: msg)
    }

    deinit {
        if isInitialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }
}

/// Decompresses gzip (or zlib) data read from another source.
///
/// Concatenated gzip members (as written by `cat a.gz b.gz` or `pigz`) are decompressed one after
/// another as a single stream. Damaged or truncated data throws `InputError.corruptGzip`.
///
/// ```swift
/// let gz = GzipByteSource(try FileByteSource(path: "train.txt.gz"), name: "train.txt.gz")
/// var reader = TSVReader(source: gz, fileName: "train.txt.gz")
/// ```
///
/// Copies of a `GzipByteSource` share their decompression state; use one copy only.
public struct GzipByteSource<Inner: ByteSource>: ByteSource {
    private var inner: Inner
    private let state: InflateStream
    private let name: String
    private var innerAtEnd = false
    /// A member just ended; the next byte, if any, starts a new member.
    private var betweenMembers = false
    private var started = false
    private var finished = false

    /// - Parameters:
    ///   - inner: the compressed bytes.
    ///   - name: the path shown in errors.
    ///   - inputChunkSize: how many compressed bytes to read from `inner` at a time.
    public init(_ inner: Inner, name: String, inputChunkSize: Int = 256 * 1024) {
        self.inner = inner
        self.name = name
        self.state = InflateStream(inputCapacity: max(1, inputChunkSize))
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let out = buffer.baseAddress, buffer.count > 0, !finished else { return 0 }
        if !started {
            try state.initialize(name: name)
            started = true
        }
        let strm = state.stream
        while true {
            if strm.pointee.avail_in == 0 && !innerAtEnd {
                try refillInput()
            }
            if betweenMembers {
                if strm.pointee.avail_in == 0 {
                    finished = true
                    return 0
                }
                guard inflateReset(strm) == Z_OK else {
                    throw InputError.corruptGzip(path: name, reason: "zlib could not restart")
                }
                betweenMembers = false
            }
            let capacity = UInt32(clamping: buffer.count)
            strm.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            strm.pointee.avail_out = capacity
            let status = inflate(strm, Z_NO_FLUSH)
            let produced = Int(capacity - strm.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                betweenMembers = true
                if produced > 0 { return produced }
            case Z_OK:
                if produced > 0 { return produced }
            case Z_BUF_ERROR:
                // No progress was possible: zlib needs more input than there is.
                if produced > 0 { return produced }
                if innerAtEnd && strm.pointee.avail_in == 0 {
                    throw InputError.corruptGzip(path: name, reason: "unexpected end of compressed data")
                }
            case Z_NEED_DICT:
                throw InputError.corruptGzip(path: name, reason: "data needs a preset dictionary")
            case Z_MEM_ERROR:
                throw InputError.corruptGzip(path: name, reason: "out of memory")
            default:
                throw InputError.corruptGzip(path: name, reason: state.message ?? "invalid compressed data")
            }
        }
    }

    private mutating func refillInput() throws {
        let n = try inner.read(into: state.input)
        if n == 0 {
            innerAtEnd = true
            return
        }
        state.stream.pointee.next_in = state.input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        state.stream.pointee.avail_in = UInt32(n)
    }
}
