import QuiverProtocol
import Testing

/// Feeds `input` whole and byte by byte; both must give the same events (as swift-nio's
/// `ByteToMessageDecoderVerifier` checks for its decoders).
func decodeBothWays(_ input: [UInt8], limits: ProtocolLimits = ProtocolLimits()) -> [CommandDecoder.Event] {
    func drain(_ d: inout CommandDecoder, into events: inout [CommandDecoder.Event]) -> Bool {
        while let e = d.next() {
            events.append(e)
            if case .failure = e { return false }
        }
        return true
    }
    var whole = CommandDecoder(limits: limits)
    whole.append(input)
    var a: [CommandDecoder.Event] = []
    _ = drain(&whole, into: &a)

    var bytewise = CommandDecoder(limits: limits)
    var b: [CommandDecoder.Event] = []
    for byte in input {
        bytewise.append([byte])
        if !drain(&bytewise, into: &b) { break }
    }
    #expect(a == b, "whole and byte-by-byte decoding differ")
    return a
}

func words(_ e: CommandDecoder.Event) -> [String]? {
    if case .command(let c) = e { return c.arguments.map { String(decoding: $0, as: UTF8.self) } }
    return nil
}

func failure(_ events: [CommandDecoder.Event]) -> ProtocolError? {
    if case .failure(let e)? = events.last { return e }
    return nil
}

@Suite struct CommandDecoderTests {
    @Test func inlineAndRESPMixedInOneWrite() {
        let input = Array("PING\r\nECHO hi\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nal\r\n\r\n  \r\nquit\r\n".utf8)
        let events = decodeBothWays(input)
        #expect(events.map(words) == [["PING"], ["ECHO", "hi"], ["SET", "k", "v\r\nal"], ["quit"]])
    }

    @Test func quotingAndEscapes() {
        let input = Array(#"ADD g "new york" 'it\'s' "a\tb\n\x41\"" plain"#.utf8 + [10])
        let events = decodeBothWays(input)
        #expect(events.map(words) == [["ADD", "g", "new york", "it's", "a\tb\nA\"", "plain"]])
    }

    @Test func binaryBulkStringsKeepNULs() {
        let input: [UInt8] = Array("*2\r\n$4\r\nECHO\r\n$3\r\n".utf8) + [0, 1, 0] + Array("\r\n".utf8)
        let events = decodeBothWays(input)
        guard case .command(let c)? = events.first else { Issue.record("no command"); return }
        #expect(c.arguments[1] == [0, 1, 0])
        #expect(c.name == "ECHO")
    }

    @Test func pipelinedManyCommands() {
        var input: [UInt8] = []
        for i in 0..<500 { input += Array("*2\r\n$4\r\nECHO\r\n$\(String(i).count)\r\n\(i)\r\n".utf8) }
        let events = decodeBothWays(input)
        #expect(events.count == 500)
        #expect(words(events[499]) == ["ECHO", "499"])
    }

    @Test func emptyAndNegativeArraysAreSkipped() {
        #expect(decodeBothWays(Array("*0\r\n*-1\r\nPING\r\n".utf8)).map(words) == [["PING"]])
    }

    @Test(arguments: [
        ("*3000000000\r\n", "invalid multibulk length"),
        ("*abc\r\n", "invalid multibulk length"),
        ("*99999999999999999999999\r\n", "invalid multibulk length"),
        ("*1\r\n$-5\r\n", "invalid bulk length"),
        ("*1\r\n$x\r\n", "invalid bulk length"),
        ("*1\r\n$600000000\r\n", "invalid bulk length"),
        ("*1\r\n+PING\r\n", "expected '$', got '+'"),
        ("*1\r\n$4\r\nPINGxx", "expected CRLF"),
        ("ECHO \"abc\n", "unbalanced quotes"),
        ("ECHO 'abc\n", "unbalanced quotes"),
        ("ECHO \"abc\"def\n", "unbalanced quotes"),
        ("EC\u{0}HO\n", "NUL byte"),
        ("*2\n", "invalid multibulk length"),
    ])
    func malformedInputFails(input: String, message: String) {
        let events = decodeBothWays(Array(input.utf8))
        let error = failure(events)
        #expect(error != nil, "\(input.debugDescription) was accepted")
        #expect(error?.replyText.hasPrefix("ERR Protocol error: ") == true)
        #expect(error?.description.contains(message) == true, "\(String(describing: error)) lacks \(message)")
    }

    @Test func oversizedInlineLineFailsWithoutNewline() {
        let limits = ProtocolLimits(maxInlineBytes: 1024)
        let events = decodeBothWays([UInt8](repeating: UInt8(ascii: "a"), count: 5000), limits: limits)
        #expect(failure(events) == .tooBigInlineRequest(limit: 1024))
    }

    @Test func oversizedHeaderLineFails() {
        let limits = ProtocolLimits(maxInlineBytes: 100)
        let events = decodeBothWays(Array(("*" + String(repeating: "1", count: 500)).utf8), limits: limits)
        #expect(failure(events) != nil)
    }

    @Test func argumentCountLimit() {
        let limits = ProtocolLimits(maxArguments: 10)
        #expect(failure(decodeBothWays(Array("*11\r\n".utf8), limits: limits)) == .invalidMultibulkLength("11"))
        #expect(decodeBothWays(Array("*1\r\n$4\r\nPING\r\n".utf8), limits: limits).count == 1)
    }

    @Test func endlessGarbageFailsWithinTheLimit() {
        var generator = SystemRandomNumberGenerator()
        var decoder = CommandDecoder(limits: ProtocolLimits(maxInlineBytes: 64 * 1024))
        var failedAfter: Int?
        var fed = 0
        while fed < 4 << 20 && failedAfter == nil {
            // Random bytes with no newline: nothing can ever complete.
            let chunk = (0..<4096).map { _ in UInt8.random(in: 11...255, using: &generator) }
            decoder.append(chunk)
            fed += chunk.count
            while let e = decoder.next() {
                if case .failure = e { failedAfter = fed }
                break
            }
        }
        #expect(failedAfter != nil && failedAfter! <= 64 * 1024 + 8192)
    }

    @Test func randomBytesNeverTrapAndAgreeBothWays() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("*$\r\n0123456789-abc \"'\\x".utf8)
        for _ in 0..<300 {
            let n = Int.random(in: 0..<200, using: &rng)
            let input = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            _ = decodeBothWays(input, limits: ProtocolLimits(maxInlineBytes: 64, maxBulkBytes: 64, maxArguments: 8))
        }
    }

    @Test func stayFailedAfterAnError() {
        var d = CommandDecoder()
        d.append(Array("*x\r\nPING\r\n".utf8))
        #expect(failure([d.next()!]) != nil)
        d.append(Array("PING\r\n".utf8))
        #expect(failure([d.next()!]) != nil)
    }
}

@Suite struct ReplyEncoderTests {
    func text(_ v: RESPValue, _ version: Int) -> String {
        String(decoding: ReplyEncoder(protocolVersion: version).encode(v), as: UTF8.self)
    }

    @Test func resp2Forms() {
        #expect(text(.ok, 2) == "+OK\r\n")
        #expect(text(.error("ERR bad\r\nthing"), 2) == "-ERR bad  thing\r\n")
        #expect(text(.integer(-42), 2) == ":-42\r\n")
        #expect(text(.integer(0), 2) == ":0\r\n")
        #expect(text(.integer(Int64.min), 2) == ":-9223372036854775808\r\n")
        #expect(text(.bulk("héllo"), 2) == "$6\r\nhéllo\r\n")
        #expect(text(.null, 2) == "$-1\r\n")
        #expect(text(.array([.bulk("a"), .integer(1)]), 2) == "*2\r\n$1\r\na\r\n:1\r\n")
        #expect(text(.map(["k": .boolean(true)]), 2) == "*2\r\n$1\r\nk\r\n:1\r\n")
        #expect(text(.double(1.5), 2) == "$3\r\n1.5\r\n")
    }

    @Test func resp3Forms() {
        #expect(text(.null, 3) == "_\r\n")
        #expect(text(.map(["k": .boolean(false)]), 3) == "%1\r\n$1\r\nk\r\n#f\r\n")
        #expect(text(.double(2), 3) == ",2\r\n")
        #expect(text(.double(.infinity), 3) == ",inf\r\n")
        #expect(text(.double(0.25), 3) == ",0.25\r\n")
    }
}
