import Foundation
import Logging
import NIOCore
import NIOPosix
import QuiverProtocol
import QuiverStore

/// Sent down every connection's pipeline at shutdown: finish the command in flight, then close.
struct DrainEvent: Sendable {}

/// One client connection: bytes in → `CommandDecoder` → `Dispatcher` → replies out, in order.
/// Commands of one connection run one at a time (replies keep request order when pipelined);
/// housekeeping is answered on the event loop, graph commands on the worker pools, so a long query
/// never delays another connection's PING. While a command runs, or while the client is not
/// reading its replies, no more bytes are read from it and no more of its commands run
/// (backpressure); when it closes, the command it was running is cancelled.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: ServerState
    private let dispatcher: Dispatcher
    private let pools: WorkerPools
    private var decoder: CommandDecoder
    private var session: Session
    private var encoder = ReplyEncoder()
    private var output: [UInt8] = []
    private var machine = ConnectionStateMachine()
    /// Pipelined writes taken for one group commit, with the replies made at once between them.
    private var pending: [Pending] = []
    /// What comes after them, kept until they are answered.
    private var held: Held?
    /// The most pipelined commands taken into one group commit.
    static let maxPipelinedWrites = 512

    private enum Pending {
        case write(SmallWrite, @Sendable (Result<SmallWriteReport, any Error>) -> RESPValue)
        case ready(RESPValue)
    }

    private enum Held {
        case event(CommandDecoder.Event)
        case outcome(Outcome, Command)
    }
    /// Whether this connection counts against `maxClients` (it was let in).
    private var admitted = false
    static let lingerSeconds: Int64 = 2

    init(state: ServerState, pools: WorkerPools) {
        self.state = state
        self.dispatcher = Dispatcher(state: state)
        self.pools = pools
        let authenticated = state.configuration.password == nil
        self.decoder = CommandDecoder(limits: authenticated ? state.configuration.limits : state.configuration.unauthenticatedLimits)
        self.session = Session(id: 0, authenticated: authenticated)
    }

    func channelActive(context: ChannelHandlerContext) {
        let remote = context.remoteAddress
        session.remoteAddress = remote.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        if state.configuration.protectedMode && state.configuration.password == nil, let remote, !Self.isLoopback(remote) {
            state.reject()
            state.logger.warning("refused \(session.remoteAddress): protected mode (no password set, client not on loopback)")
            writeAndClose(context, .error("DENIED quiver is running in protected mode: no password is set and the client is not on the loopback interface. Set one with --requirepass, or bind to loopback only."))
            return
        }
        guard let id = state.admit() else {
            writeAndClose(context, .error("ERR max number of clients reached"))
            return
        }
        admitted = true
        session.id = id
        state.track(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Whatever this connection was running is of use to nobody now.
        session.cancellation.cancel()
        if admitted {
            state.release()
            state.untrack(context.channel)
        }
        admitted = false
        context.fireChannelInactive()
    }

    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4: return address.ipAddress?.hasPrefix("127.") ?? false
        case .v6:
            let ip = address.ipAddress ?? ""
            return ip == "::1" || ip.hasPrefix("::ffff:127.")
        case .unixDomainSocket: return true
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard machine.acceptsInput else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { decoder.append($0) }
        processCommands(context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush(context)
    }

    private func processCommands(_ context: ChannelHandlerContext) {
        commands: while true {
            if output.count >= state.configuration.maxPendingOutputBytes { flush(context) }
            // Waits (for channelWritabilityChanged) while the client has not read its replies.
            guard pending.isEmpty ? machine.mayRunNextCommand(writable: context.channel.isWritable) : pending.count < Self.maxPipelinedWrites
            else { break commands }
            let next: Held
            if let held { next = held; self.held = nil } else if let event = decoder.next() { next = .event(event) } else { break commands }
            let command: Command, outcome: Outcome
            switch next {
            case .event(.failure(let error)):
                if !pending.isEmpty { held = next; break commands }
                state.logger.info("protocol error from \(session.remoteAddress): \(error.description); closing")
                replyAndLinger(context, .error(error.replyText))
                return
            case .event(.command(let c)):
                let wasAuthenticated = session.authenticated
                command = c
                outcome = dispatcher.handle(c, session: &session)
                if session.authenticated && !wasAuthenticated { decoder.limits = state.configuration.limits }
            case .outcome(let o, let c):
                (outcome, command) = (o, c)
            }
            // Writes pipelined one after another share a group commit; a reply made at once (an
            // error, a PING) keeps its place among theirs; anything else waits until they are answered.
            if !pending.isEmpty || { if case .write = outcome { true } else { false } }() {
                switch outcome {
                case .write(let write, let answer): pending.append(.write(write, answer))
                case .reply(let value): pending.append(.ready(value))
                default:
                    held = .outcome(outcome, command)
                    break commands
                }
                continue
            }
            guard run(outcome, of: command, context) else { return }
        }
        if !pending.isEmpty { commitWrites(context) }
    }

    /// Answers or starts one command's outcome; false when this connection stops taking commands
    /// for now (its work runs, or it closes).
    private func run(_ outcome: Outcome, of command: Command, _ context: ChannelHandlerContext) -> Bool {
        switch outcome {
        case .reply(let value):
            encoder.protocolVersion = session.protocolVersion
            encoder.encode(value, into: &output)
            if output.count > 1 << 20 { flush(context) }
            return true
        case .delayedReply(let value, let delay):
            machine.commandStarted()
            flush(context)
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: delay) {
                let (handler, context) = loopBound.value
                handler.finishWork(context, value)
            }
            return false
        case .replyAndClose(let value):
            writeAndClose(context, value)
            return false
        case .closeSilently:
            machine.closing()
            flush(context)
            context.close(promise: nil)
            return false
        case .write(let write, let answer):
            pending.append(.write(write, answer))
            return true
        case .work(_) where dispatcher.workPool(of: command) == .queries && state.outputIsOverBudget:
            // Replies that clients have not read fill the server's output budget: heavy
            // commands wait for them instead of adding more.
            encoder.protocolVersion = session.protocolVersion
            encoder.encode(.error("BUSY the server holds \(state.pendingOutputBytes) bytes of replies its clients have not read (the limit is --max-pending-output); try again later"), into: &output)
            return true
        case .work(let work):
            let started = DispatchTime.now().uptimeNanoseconds
            machine.commandStarted()
            flush(context)
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let logger = state.logger, state = self.state
            let slowMillis = state.configuration.slowQueryMilliseconds
            let words = command.arguments.prefix(6).map { String(decoding: $0.prefix(60), as: UTF8.self) }.joined(separator: " ")
            let kind = dispatcher.workPool(of: command)
            pools.pool(for: kind).runIfActive(eventLoop: context.eventLoop) { () -> RESPValue in
                // INFO's commands_running counts the heavy ones.
                kind == .queries ? try state.working(work) : try work()
            }.whenComplete { result in
                let elapsed = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
                if elapsed >= slowMillis {
                    state.countSlowQuery()
                    logger.notice("slow query: \(elapsed) ms: \(words)")
                }
                let (handler, context) = loopBound.value
                let value: RESPValue
                switch result {
                case .success(let v): value = v
                case .failure(let e): value = CommandError.from(e).reply
                }
                handler.finishWork(context, value)
            }
            return false
        }
    }

    /// Hands the pipelined writes to the group commit; their replies (and the replies made at
    /// once between them) go out in order when it has committed.
    private func commitWrites(_ context: ChannelHandlerContext) {
        let batch = pending
        pending = []
        let writes = batch.compactMap { if case .write(let w, _) = $0 { w } else { nil } }
        machine.commandStarted()
        flush(context)
        guard let group = state.backend?.writes, !writes.isEmpty else {
            return finishWork(context, batch.map { if case .ready(let v) = $0 { v } else { .error("ERR this server has no store") } })
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        group.submit(writes) { results in
            // On the committer's thread: answering may ask the store (a write's read-your-writes
            // catch-up), which never runs on an event loop.
            var at = 0
            let replies: [RESPValue] = batch.map { entry in
                switch entry {
                case .ready(let value): return value
                case .write(_, let answer):
                    at += 1
                    return answer(results[at - 1])
                }
            }
            eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.finishWork(context, replies)
            }
        }
    }

    private func finishWork(_ context: ChannelHandlerContext, _ value: RESPValue) { finishWork(context, [value]) }

    private func finishWork(_ context: ChannelHandlerContext, _ values: [RESPValue]) {
        let next = machine.commandFinished(writable: context.channel.isWritable)
        if next == .drop { return }
        encoder.protocolVersion = session.protocolVersion
        for value in values { encoder.encode(value, into: &output) }
        guard case .replyAndContinue(let read) = next else {
            flush(context)
            context.close(promise: nil)
            return
        }
        processCommands(context)
        flush(context)
        if read { context.read() }
    }

    private func flush(_ context: ChannelHandlerContext) {
        guard !output.isEmpty else { return }
        let buffer = context.channel.allocator.buffer(bytes: output)
        output.removeAll(keepingCapacity: output.capacity <= 1 << 16)
        // A small reply to a client that keeps up goes straight to the socket: counting it would
        // cost a promise per PING. What piles up (big replies, or any reply once the channel is
        // over its high watermark) is counted.
        if buffer.readableBytes < 16 << 10 && context.channel.isWritable {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        } else {
            write(context, buffer)
        }
    }

    /// Writes and flushes `buffer`, counted in the server's unsent output until the socket took
    /// it (or the connection closed).
    @discardableResult
    private func write(_ context: ChannelHandlerContext, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let n = buffer.readableBytes, state = self.state
        state.queuedOutput(n)
        let written = context.writeAndFlush(wrapOutboundOut(buffer))
        written.whenComplete { _ in state.sentOutput(n) }
        return written
    }

    /// Sends `value`, half-closes, and drops further input until the client closes or
    /// `lingerSeconds` pass: closing with unread input would reset the connection, and the
    /// client could lose the reply.
    private func replyAndLinger(_ context: ChannelHandlerContext, _ value: RESPValue) {
        let releaseRead = machine.protocolError()
        let channel = context.channel
        sendLast(context, value).whenComplete { _ in channel.close(mode: .output, promise: nil) }
        context.eventLoop.scheduleTask(in: .seconds(Self.lingerSeconds)) { channel.close(promise: nil) }
        if releaseRead { context.read() }
    }

    private func writeAndClose(_ context: ChannelHandlerContext, _ value: RESPValue) {
        machine.closing()
        let channel = context.channel
        sendLast(context, value).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Writes what is queued and then `value`, the connection's last reply.
    private func sendLast(_ context: ChannelHandlerContext, _ value: RESPValue) -> EventLoopFuture<Void> {
        encoder.protocolVersion = session.protocolVersion
        encoder.encode(value, into: &output)
        let buffer = context.channel.allocator.buffer(bytes: output)
        output = []
        return write(context, buffer)
    }

    // MARK: Backpressure

    func read(context: ChannelHandlerContext) {
        if machine.readRequested(writable: context.channel.isWritable) { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            let resume = machine.becameWritable()
            if resume.runCommands {
                processCommands(context)
                flush(context)
            }
            if resume.read { context.read() }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Idle and shutdown

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainEvent {
            if machine.drainRequested() {
                flush(context)
                context.close(promise: nil)
            }
            return
        }
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if machine.idleTimedOut() {
                state.logger.info("closing idle connection \(session.remoteAddress)")
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        state.logger.debug("connection \(session.remoteAddress): \(error)")
        context.close(promise: nil)
    }
}
