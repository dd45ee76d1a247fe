import Testing
import QuiverCore

/// `ExactName` keys by bytes where `String` keys by canonical equivalence.
@Suite struct ExactNameKeyTests {
    static let nfc = "caf\u{E9}", nfd = "cafe\u{301}"

    @Test func canonicallyEquivalentNamesAreDifferentKeys() {
        #expect(Self.nfc == Self.nfd)  // what String does, and why caches cannot key by it
        #expect(ExactName(Self.nfc) != ExactName(Self.nfd))
        #expect(Set([ExactName(Self.nfc), ExactName(Self.nfd)]).count == 2)
        let cache: [ExactName: Int] = [ExactName(Self.nfc): 1]
        #expect(cache[ExactName(Self.nfd)] == nil)
        #expect(cache[ExactName("caf\u{E9}")] == 1)
        #expect(!Self.nfc.hasSameBytes(as: Self.nfd))
    }

    @Test func asciiNamesBehaveAsStrings() {
        let built = String(["u", "s", "a"])
        #expect(ExactName("usa") == ExactName(built))
        #expect(ExactName("usa").hashValue == ExactName(built).hashValue)
        #expect(ExactName("usa") != ExactName("usa "))
        #expect(ExactName("") == ExactName(""))
        #expect("usa".hasSameBytes(as: built))
    }

    @Test func ordersByBytes() {
        #expect(ExactName("a") < ExactName("b"))
        #expect(ExactName("B") < ExactName("a"))
        // 'e' (0x65) comes before 0xC3, the first byte of U+00E9.
        #expect(ExactName(Self.nfd) < ExactName(Self.nfc))
        #expect([ExactName(Self.nfc), ExactName("x"), ExactName(Self.nfd)].sorted().map(\.text.utf8.count) == [6, 5, 1])
    }
}
