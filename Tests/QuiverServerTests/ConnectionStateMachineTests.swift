@testable import QuiverServer
import Testing

/// The connection's rules without a socket: what runs, what is read, and when it closes.
@Suite struct ConnectionStateMachineTests {
    @Test func oneCommandAtATimeAndNoReadsMeanwhile() {
        var m = ConnectionStateMachine()
        let r1 = m.readRequested(writable: true)
        #expect(r1)
        let r2 = m.mayRunNextCommand(writable: true)
        #expect(r2)
        m.commandStarted()
        #expect(m.state == .running)
        let r3 = m.mayRunNextCommand(writable: true)
        #expect(!r3)
        let r4 = m.readRequested(writable: true)
        #expect(!r4)
        #expect(m.readPending)
        #expect(m.acceptsInput)
        // The held read is released with the reply.
        let r5 = m.commandFinished(writable: true)
        #expect(r5 == .replyAndContinue(read: true))
        #expect(!m.readPending)
        #expect(m.state == .idle)
    }

    @Test func aClientThatDoesNotReadStopsItsCommandsUntilItDoes() {
        var m = ConnectionStateMachine()
        let r6 = m.mayRunNextCommand(writable: false)
        #expect(!r6)
        #expect(m.waitingForWritability)
        let heldRead = m.readRequested(writable: true)
        #expect(!heldRead)  // nor is more read meanwhile
        let resume = m.becameWritable()
        #expect(resume.runCommands && resume.read)
        #expect(!m.waitingForWritability)
        let r7 = m.mayRunNextCommand(writable: true)
        #expect(r7)
        // A reply finishing while the output is full releases no read.
        m.commandStarted()
        _ = m.readRequested(writable: false)
        let r8 = m.commandFinished(writable: false)
        #expect(r8 == .replyAndContinue(read: false))
        #expect(m.readPending)
    }

    @Test func shutdownWaitsForTheRunningCommand() {
        var idle = ConnectionStateMachine()
        let r9 = idle.drainRequested()
        #expect(r9)
        #expect(idle.state == .closed)
        var busy = ConnectionStateMachine()
        busy.commandStarted()
        let r10 = busy.drainRequested()
        #expect(!r10)
        #expect(busy.state == .draining)
        let r11 = busy.idleTimedOut()
        #expect(!r11)
        let r12 = busy.commandFinished(writable: true)
        #expect(r12 == .replyAndClose)
        #expect(busy.state == .closed)
        let r13 = busy.commandFinished(writable: true)
        #expect(r13 == .drop)
    }

    @Test func aProtocolErrorDrainsInputUntilTheClose() {
        var m = ConnectionStateMachine()
        m.commandStarted()
        _ = m.readRequested(writable: true)
        let r14 = m.commandFinished(writable: false)
        #expect(r14 == .replyAndContinue(read: false))
        let released = m.protocolError()
        #expect(released)  // the held read is released: input must drain
        #expect(m.state == .lingering)
        #expect(!m.acceptsInput)
        let r15 = m.readRequested(writable: false)
        #expect(r15)
        let r16 = m.mayRunNextCommand(writable: true)
        #expect(!r16)
        let r17 = m.drainRequested()
        #expect(!r17)
        let r18 = m.becameWritable()
        #expect(r18 == (false, false))
    }

    @Test func idleConnectionsCloseOnlyWhenNothingRuns() {
        var m = ConnectionStateMachine()
        let r19 = m.idleTimedOut()
        #expect(r19)
        let r20 = m.readRequested(writable: true)
        #expect(!r20)
        #expect(!m.acceptsInput)
        var q = ConnectionStateMachine()
        q.closing()
        let r21 = q.mayRunNextCommand(writable: true)
        #expect(!r21)
        let r22 = q.commandFinished(writable: true)
        #expect(r22 == .drop)
    }
}
