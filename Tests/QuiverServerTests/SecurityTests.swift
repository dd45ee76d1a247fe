import NIOCore
@testable import QuiverServer
import Testing

@Suite struct SecurityTests {
    @Test func protectedModeKnowsLoopback() throws {
        #expect(ConnectionHandler.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 1)))
        #expect(ConnectionHandler.isLoopback(try SocketAddress(ipAddress: "127.8.9.10", port: 1)))
        #expect(ConnectionHandler.isLoopback(try SocketAddress(ipAddress: "::1", port: 1)))
        #expect(!ConnectionHandler.isLoopback(try SocketAddress(ipAddress: "10.0.0.5", port: 1)))
        #expect(!ConnectionHandler.isLoopback(try SocketAddress(ipAddress: "192.168.1.2", port: 1)))
        #expect(!ConnectionHandler.isLoopback(try SocketAddress(ipAddress: "fe80::1", port: 1)))
    }

    @Test func passwordComparisonIsExact() {
        #expect(constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!constantTimeEqual([], Array("a".utf8)))
    }

    @Test func optionNamesAreNormalized() {
        #expect(Arguments.normalize("--max-hops") == "maxhops")
        #expect(Arguments.normalize("MAX_HOPS") == "maxhops")
        #expect(Arguments.normalize("MaxHops") == "maxhops")
    }
}
