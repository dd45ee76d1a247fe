import QuiverProtocol
@testable import QuiverServer
import QuiverCore
import QuiverService
import Testing

/// Argument words are bytes on the wire; a name is text only when the bytes are valid UTF-8.
@Suite struct ArgumentsTests {
    private func arguments(_ words: [UInt8]...) -> Arguments {
        Arguments(Command([Array("ADD".utf8)] + words))
    }

    @Test func invalidUTF8IsRefusedNamingTheArgument() throws {
        var args = arguments([0x67, 0xFE], Array("a".utf8))
        #expect(throws: CommandError.wrongArgs("ADD: argument 1 (a graph) is not valid UTF-8 (byte 0xfe at offset 1)")) {
            _ = try args.string("a graph")
        }
        var second = arguments(Array("g".utf8), Array("caf".utf8) + [0xE9])
        #expect(try second.string("a graph") == "g")
        #expect(throws: CommandError.wrongArgs("ADD: argument 2 (a subject) is not valid UTF-8 (byte 0xe9 at offset 3)")) {
            _ = try second.string("a subject")
        }
    }

    @Test func validTextIsKeptByteForByte() throws {
        var args = arguments(Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8))
        #expect(Array(try args.string("a graph").utf8) == Array("cafe\u{301}".utf8))
        #expect(Array(try args.string("a graph").utf8) == Array("caf\u{E9}".utf8))
    }

    @Test func peekNeverPassesInvalidUTF8AsAValue() {
        var args = arguments([0xFF])
        #expect(args.peekOption() != "provenance")
        #expect(throws: CommandError.self) { _ = try args.string("a graph") }
    }

    @Test func addWordsBecomeTermsByTheirBytes() {
        #expect(Term(commandWord: "<http://x/a>") == .iri("http://x/a"))
        #expect(Term(commandWord: "_:b1") == .blank("b1"))
        #expect(Term(commandWord: "_:") == .name("_:"))
        #expect(Term(commandWord: "<>") == .iri(""))
        // '<' then a combining acute accent: one Character that is not '<', but the word is still bracketed.
        #expect(Term(commandWord: "<\u{301}x>") == .iri("\u{301}x"))
        #expect(Term(commandWord: "<caf\u{E9}>") != Term(commandWord: "<cafe\u{301}>"))
    }
}
