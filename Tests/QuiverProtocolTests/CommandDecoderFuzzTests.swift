import QuiverProtocol
import QuiverCore
import Testing

/// Seeded random and mutated requests: whatever the bytes, the decoder gives the same events
/// however they are split, never buffers past its limits, and stays failed after a failure.
@Suite struct CommandDecoderFuzzTests {

    static let limits = ProtocolLimits(maxInlineBytes: 256, maxBulkBytes: 1024, maxArguments: 32)

    /// A well-formed request, RESP or inline, with awkward words.
    static func request(_ rng: inout SeededRandom) -> [UInt8] {
        let pool: [[UInt8]] = [
            Array("PATHS".utf8), Array("g".utf8), [], [0xFF, 0xFE], Array("\"quoted\"".utf8), [0, 0, 0],
            Array("999999999999999999999".utf8), Array("-1".utf8), Array("NaN".utf8), Array("\r\n".utf8),
            [UInt8](repeating: UInt8(ascii: "x"), count: 300), Array("caf\u{E9}".utf8),
        ]
        let count = 1 + rng.below(6)
        let words = (0..<count).map { _ in pool[rng.below(pool.count)] }
        if rng.below(3) == 0 {
            // Inline: words that the tokenizer may or may not accept.
            return Array(words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ").utf8) + [13, 10]
        }
        var out = Array("*\(count)\r\n".utf8)
        for w in words { out += Array("$\(w.count)\r\n".utf8) + w + [13, 10] }
        return out
    }

    static func mutate(_ bytes: inout [UInt8], _ rng: inout SeededRandom) {
        guard !bytes.isEmpty else { return }
        switch rng.below(6) {
        case 0: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 1: bytes.removeSubrange(rng.below(bytes.count)..<bytes.count)
        case 2: bytes.insert(contentsOf: Array("$99999999999\r\n".utf8), at: rng.below(bytes.count))
        case 3: bytes.insert(contentsOf: Array("*-7\r\n".utf8), at: rng.below(bytes.count))
        case 4: bytes.insert(contentsOf: [UInt8](repeating: 0, count: rng.below(600)), at: rng.below(bytes.count))
        default: bytes.swapAt(rng.below(bytes.count), rng.below(bytes.count))
        }
    }

    @Test func randomAndMutatedInputSplitAnywhere() {
        var rng = SeededRandom(seed: 20261204)
        for _ in 0..<3000 {
            var input: [UInt8] = []
            for _ in 0..<(1 + rng.below(5)) {
                var r = Self.request(&rng)
                if rng.below(2) == 0 { Self.mutate(&r, &rng) }
                input += r
            }
            let whole = Self.decode([input])
            var pieces: [[UInt8]] = []
            var i = 0
            while i < input.count {
                let n = 1 + rng.below(17)
                pieces.append(Array(input[i..<min(input.count, i + n)]))
                i += n
            }
            let split = Self.decode(pieces)
            #expect(whole.events == split.events)
            #expect(whole.maxBuffered <= Self.limits.maxBulkBytes + Self.limits.maxInlineBytes + input.count)
            #expect(split.maxBuffered <= Self.limits.maxBulkBytes + 2 * Self.limits.maxInlineBytes + 17)
        }
    }

    static func decode(_ pieces: [[UInt8]]) -> (events: [CommandDecoder.Event], maxBuffered: Int) {
        var d = CommandDecoder(limits: limits)
        var events: [CommandDecoder.Event] = []
        var maxBuffered = 0
        outer: for p in pieces {
            d.append(p)
            maxBuffered = max(maxBuffered, d.bufferedByteCount)
            while let e = d.next() {
                events.append(e)
                if case .failure = e {
                    // Failed for good: more bytes change nothing.
                    d.append([42, 49, 13, 10])
                    #expect(d.next() == e)
                    break outer
                }
                if case .command(let c) = e {
                    #expect(c.arguments.count <= limits.maxArguments)
                    #expect(c.arguments.allSatisfy { $0.count <= max(limits.maxBulkBytes, limits.maxInlineBytes) })
                }
            }
        }
        return (events, maxBuffered)
    }
}

/// Draws from the shared seeded generator.
private extension SeededRandom {
    mutating func below(_ n: Int) -> Int { Int.random(in: 0..<max(1, n), using: &self) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}
