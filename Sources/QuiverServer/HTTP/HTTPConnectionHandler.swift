import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP connection's requests, each read whole (within the responder's body limit) and
/// answered on a worker thread, so a long query never holds an event loop. Requests pipelined
/// on one connection are answered in order (NIO's pipeline handler holds the next until the
/// last answer ended); keep-alive follows the request. A refusal before the body (auth, size)
/// closes the connection, as the unread body cannot be told from the next request.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: any HTTPResponder
    private let pools: WorkerPools
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// Set once a request was refused early: the rest of it is ignored until the close.
    private var refused = false
    private var remote = "?"
    private var loopback = false

    init(responder: any HTTPResponder, pools: WorkerPools) {
        self.responder = responder
        self.pools = pools
    }

    func channelActive(context: ChannelHandlerContext) {
        if let address = context.remoteAddress {
            remote = "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
            loopback = ConnectionHandler.isLoopback(address)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
            let length = h.headers.first(name: "content-length").flatMap { Int($0) }
            if let reply = responder.early(parts(h, body: []), contentLength: length) {
                refuse(context, reply, version: h.version)
            } else if let length, length > responder.maxBodyBytes {
                refuse(context, tooLarge(), version: h.version)
            }
        case .body(var buffer):
            guard head != nil else { return }
            if body.count + buffer.readableBytes > responder.maxBodyBytes {
                refuse(context, tooLarge(), version: head!.version)
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let h = head else { return }
            head = nil
            let request = parts(h, body: body)
            body = []
            answer(context, request, head: h)
        }
    }

    private func tooLarge() -> HTTPReply {
        .text(413, "the request body is larger than the server's limit of \(responder.maxBodyBytes) bytes (quiver serve --max-http-body-bytes)")
    }

    private func parts(_ h: HTTPRequestHead, body: [UInt8]) -> HTTPRequestParts {
        HTTPRequestParts(method: h.method.rawValue, target: h.uri, headers: h.headers.map { ($0.name, $0.value) },
                         body: body, remote: remote, isLoopback: loopback)
    }

    private func refuse(_ context: ChannelHandlerContext, _ reply: HTTPReply, version: HTTPVersion) {
        refused = true
        // A refusal is a small text, written without waiting (this is the event loop); the
        // connection closes once it is out.
        guard case .bytes = reply.body else { return }
        Self.send(reply, context.channel, version: version, keepAlive: false, isHead: false)
    }

    /// Runs the request on a worker and writes the reply from there: the writes go through the
    /// channel (thread-safe), a streamed body one part at a time, each waiting until the last was
    /// written, so a client that reads slowly slows the query instead of filling memory. A reply
    /// that comes later is written from the thread that has it (a small body), or from a worker.
    private func answer(_ context: ChannelHandlerContext, _ request: HTTPRequestParts, head h: HTTPRequestHead) {
        let channel = context.channel, responder = self.responder, pools = self.pools
        let keepAlive = h.isKeepAlive, version = h.version, isHead = h.method == .HEAD
        pools.queries.submit { state in
            guard state == .active else { channel.close(promise: nil); return }
            let reply = responder.respond(request)
            if let later = reply.later {
                later { final in
                    if case .parts = final.body {
                        pools.queries.submit { _ in Self.send(final, channel, version: version, keepAlive: keepAlive, isHead: isHead) }
                    } else {
                        Self.send(final, channel, version: version, keepAlive: keepAlive, isHead: isHead)
                    }
                }
                return
            }
            Self.send(reply, channel, version: version, keepAlive: keepAlive, isHead: isHead)
        }
    }

    private static func send(_ reply: HTTPReply, _ channel: any Channel, version: HTTPVersion, keepAlive: Bool, isHead: Bool) {
        var reply = reply
        if !keepAlive { reply.headers.append(("Connection", "close")) }
        let written: EventLoopFuture<Void>
        switch reply.body {
        case .bytes(let bytes):
            // One hop to the event loop for the whole answer.
            let promise = channel.eventLoop.makePromise(of: Void.self)
            let head = Self.head(reply, version, bytes.count)
            channel.eventLoop.execute {
                channel.write(HTTPServerResponsePart.head(head), promise: nil)
                if !isHead { channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil) }
                channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: promise)
            }
            written = promise.futureResult
        case .parts(let next):
            // No length: HTTP/1.1 gets chunked encoding from NIO's encoder.
            channel.writeAndFlush(HTTPServerResponsePart.head(Self.head(reply, version, nil)), promise: nil)
            do {
                while !isHead, let part = try next() {
                    if part.isEmpty { continue }
                    try channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: part)))).wait()
                }
                written = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
            } catch {
                // Mid-body, the status is sent: all that is left is to cut the answer short.
                channel.close(promise: nil)
                return
            }
        }
        written.whenComplete { _ in if !keepAlive { channel.close(promise: nil) } }
    }

    private static func head(_ reply: HTTPReply, _ version: HTTPVersion, _ length: Int?) -> HTTPResponseHead {
        var headers = HTTPHeaders(reply.headers.map { ($0.name, $0.value) })
        if let length { headers.replaceOrAdd(name: "Content-Length", value: String(length)) }
        return HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
