import Foundation
import QuiverCore
import QuiverSPARQLEval
import Testing

private func lit(_ v: String, _ dt: String? = nil, lang: String? = nil) -> Term { .literal(v, datatype: dt, language: lang) }
private func int(_ v: String) -> Term { lit(v, XSD.integer) }
private func dec(_ v: String) -> Term { lit(v, XSD.decimal) }
private func dbl(_ v: String) -> Term { lit(v, XSD.double) }
private func num(_ t: Term) -> Numeric { Numeric(t)! }

@Suite("SPARQL numerics") struct NumericTests {
    @Test func lexicalFormsAreCheckedAsXSDDefinesThem() {
        #expect(Numeric(int("+12")) == .integer(12))
        #expect(Numeric(int("1.0")) == nil)
        #expect(Numeric(int(" 1")) == nil)          // RDF takes lexical forms as they are
        #expect(Numeric(dec(".5")) == .decimal(Decimal(string: "0.5")!))
        #expect(Numeric(dec("1e3")) == nil)
        #expect(Numeric(dbl("1e3")) == .double(1000))
        #expect(Numeric(dbl("-INF")) == .double(-.infinity))
        #expect(Numeric(lit("300", XSD.namespace + "byte")) == nil)
        #expect(Numeric(lit("-3", XSD.namespace + "nonNegativeInteger")) == nil)
        #expect(Numeric(lit("3", XSD.namespace + "unsignedShort")) == .integer(3))
        #expect(Numeric(lit("3")) == nil)
    }

    @Test func arithmeticPromotesAndGivesCanonicalForms() throws {
        #expect(try (num(int("1")) + num(dec("2.5"))).term == dec("3.5"))
        #expect(try (num(int("1")) / num(int("2"))).term == dec("0.5"))
        #expect(try (num(int("4")) / num(int("2"))).term == dec("2"))
        #expect(try (num(int("2")) * num(dbl("1.5e2"))).term == dbl("3.0E2"))
        #expect(try (num(dec("1.5")) - num(lit("1", XSD.float))).term == lit("5.0E-1", XSD.float))
        #expect(try (num(dbl("1")) / num(int("0"))).term == dbl("INF"))
        #expect(throws: ExpressionError.self) { try num(int("1")) / num(int("0")) }
        #expect(throws: ExpressionError.self) { try num(int("9223372036854775807")) + num(int("1")) }
        #expect(Numeric.double(0.001).term == dbl("1.0E-3"))
        #expect(Numeric.double(-0.0).term == dbl("-0.0E0"))
        #expect(Numeric.double(1234.5).term == dbl("1.2345E3"))
        #expect(Numeric.double(1e21).term == dbl("1.0E21"))
    }

    @Test func roundingFollowsXPath() throws {
        #expect(num(dec("2.5")).rounded.term == dec("3"))
        #expect(num(dec("-2.5")).rounded.term == dec("-2"))
        #expect(num(dbl("-2.5")).rounded == .double(-2))
        #expect(num(dec("-1.5")).ceiling.term == dec("-1"))
        #expect(num(dec("-1.5")).floor.term == dec("-2"))
        #expect(try num(int("-3")).absolute == .integer(3))
        #expect(Numeric.compare(num(dbl("NaN")), num(int("1"))) == nil)
        #expect(Numeric.compare(num(int("1")), num(dec("1.0"))) == .orderedSame)
    }
}

@Suite("SPARQL dateTimes") struct DateTimeTests {
    @Test func parsesAndRefusesAsXSDSays() {
        #expect(XSDDateTime(lexical: "2011-01-10T14:45:13.815-05:00") != nil)
        #expect(XSDDateTime(lexical: "2012-02-29T00:00:00Z") != nil)
        #expect(XSDDateTime(lexical: "2011-02-29T00:00:00Z") == nil)
        #expect(XSDDateTime(lexical: "2011-01-10T24:00:00") != nil)
        #expect(XSDDateTime(lexical: "2011-01-10T24:00:01") == nil)
        #expect(XSDDateTime(lexical: "2011-01-10 14:45:13") == nil)
        #expect(XSDDateTime(lexical: "2011-01-10T14:45:13+15:00") == nil)
    }

    @Test func comparesInstantsAcrossTimezones() throws {
        let a = XSDDateTime(lexical: "2002-04-02T12:00:00-01:00")!, b = XSDDateTime(lexical: "2002-04-02T17:00:00+04:00")!
        #expect(XSDDateTime.compare(a, b) == .orderedSame)
        let local = XSDDateTime(lexical: "2002-04-02T12:00:00")!
        #expect(XSDDateTime.compare(a, local) == nil)                       // within 14 hours: depends on the timezone
        #expect(XSDDateTime.compare(XSDDateTime(lexical: "2002-04-03T12:00:00Z")!, local) == .orderedDescending)
        #expect(try SPARQLValues.equal(lit("2002-04-02T12:00:00-01:00", XSD.dateTime), lit("2002-04-02T13:00:00Z", XSD.dateTime)))
    }

    @Test func datesCompareLikeTheirFirstInstant() throws {
        #expect(XSDDateTime(date: "2006-08-23Z") == XSDDateTime(lexical: "2006-08-23T00:00:00Z"))
        #expect(XSDDateTime(date: "-0044-03-15") == XSDDateTime(lexical: "-0044-03-15T00:00:00"))
        #expect(XSDDateTime(date: "2006-08-23T00:00:00") == nil)
        #expect(throws: ExpressionError.self) { try SPARQLValues.equal(lit("2006-08-23Z", XSD.date), lit("2006-08-23", XSD.date)) }
        #expect(try SPARQLValues.equal(lit("2006-08-23Z", XSD.date), lit("2006-08-23+00:00", XSD.date)))
        #expect(try !SPARQLValues.equal(lit("2006-08-23Z", XSD.date), lit("2006-08-23T00:00:00Z", XSD.dateTime)))
    }

    @Test func accessorsGiveTimezones() throws {
        #expect(try XSDDateTime(lexical: "2011-01-10T14:45:13.815-05:00")!.timezoneTerm == lit("-PT5H", XSD.dayTimeDuration))
        #expect(try XSDDateTime(lexical: "2011-01-10T14:45:13+05:30")!.timezoneTerm == lit("PT5H30M", XSD.dayTimeDuration))
        #expect(try XSDDateTime(lexical: "2011-01-10T14:45:13Z")!.timezoneTerm == lit("PT0S", XSD.dayTimeDuration))
        #expect(throws: ExpressionError.self) { try XSDDateTime(lexical: "2011-01-10T14:45:13")!.timezoneTerm }
        #expect(XSDDateTime(lexical: "2011-01-10T14:45:13-05:00")!.tzString == "-05:00")
        #expect(XSDDateTime(lexical: "2011-01-10T14:45:13")!.tzString == "")
        #expect(XSDDateTime(lexical: "2011-01-10T14:45:13.815Z")!.second == Decimal(string: "13.815")!)
    }
}

@Suite("SPARQL hashes") struct DigestTests {
    /// RFC 1321's and FIPS 180's test vectors.
    @Test func digestsMatchTheStandardsVectors() {
        #expect(Digest.md5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Digest.md5.hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Digest.md5.hex(String(repeating: "1234567890", count: 8)) == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(Digest.sha1.hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Digest.sha1.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Digest.sha256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Digest.sha384.hex("abc") == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(Digest.sha512.hex("abc") == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        // UTF-8 bytes: the SPARQL specification's example.
        #expect(Digest.md5.hex("abc") == Digest.md5.hex(String(decoding: [0x61, 0x62, 0x63], as: UTF8.self)))
    }
}

@Suite("SPARQL term values") struct TermValueTests {
    @Test func effectiveBooleanValue() throws {
        #expect(try !SPARQLValues.effectiveBooleanValue(lit("")))
        #expect(try SPARQLValues.effectiveBooleanValue(lit("x")))
        #expect(try SPARQLValues.effectiveBooleanValue(lit("x", lang: "en")))
        #expect(try !SPARQLValues.effectiveBooleanValue(int("0")))
        #expect(try !SPARQLValues.effectiveBooleanValue(int("abc")))       // ill-typed: false
        #expect(try !SPARQLValues.effectiveBooleanValue(dbl("NaN")))
        #expect(try SPARQLValues.effectiveBooleanValue(lit("true", XSD.boolean)))
        #expect(try !SPARQLValues.effectiveBooleanValue(lit("yes", XSD.boolean)))
        #expect(throws: ExpressionError.self) { try SPARQLValues.effectiveBooleanValue(.iri("http://x")) }
        #expect(throws: ExpressionError.self) { try SPARQLValues.effectiveBooleanValue(lit("x", "http://example/t")) }
    }

    @Test func equalityComparesValuesWhereSPARQLKnowsThem() throws {
        #expect(try SPARQLValues.equal(int("01"), int("1")))
        #expect(try SPARQLValues.equal(int("1"), dec("1.0")))
        #expect(try !SPARQLValues.equal(lit("a"), lit("a", lang: "en")))
        #expect(try SPARQLValues.equal(lit("a", lang: "EN"), lit("a", lang: "en")))
        #expect(try !SPARQLValues.equal(lit("1"), int("1")))
        #expect(try SPARQLValues.equal(lit("a", "http://example/t"), lit("a", "http://example/t")))
        #expect(throws: ExpressionError.self) { try SPARQLValues.equal(lit("a", "http://example/t"), lit("b", "http://example/t")) }
        #expect(try !SPARQLValues.equal(.iri("http://x"), lit("http://x")))
        #expect(try SPARQLValues.equal(lit("true", XSD.boolean), lit("1", XSD.boolean)))
    }

    @Test func orderingOfOperatorsAndOfOrderBy() throws {
        #expect(try SPARQLValues.compare(lit("a"), lit("b")) == .orderedAscending)
        #expect(try SPARQLValues.compare(lit("Z"), lit("a")) == .orderedAscending)   // code points
        #expect(try SPARQLValues.compare(int("10"), dec("9.5")) == .orderedDescending)
        #expect(throws: ExpressionError.self) { try SPARQLValues.compare(lit("a"), int("1")) }
        let sorted = [lit("b"), nil, int("10"), .iri("http://b"), .blank("x"), int("9"), .iri("http://a")]
            .sorted { SPARQLValues.orderBy($0, $1) == .orderedAscending }
        #expect(sorted == [nil, .blank("x"), .iri("http://a"), .iri("http://b"), int("9"), int("10"), lit("b")])
    }
}

@Suite("SPARQL string functions") struct StringFunctionTests {
    @Test func lengthsAndSubstringsCountCodePoints() throws {
        #expect(try StringFunctions.strlen(lit("chat")) == Term.integer(4))
        #expect(try StringFunctions.strlen(lit("日本")) == Term.integer(2))
        #expect(try StringFunctions.substr(lit("foobar"), int("4"), nil) == lit("bar"))
        #expect(try StringFunctions.substr(lit("foobar", lang: "en"), int("4"), int("1")) == lit("b", lang: "en"))
        #expect(try StringFunctions.substr(lit("12345"), dec("1.5"), dec("2.6")) == lit("234"))
        #expect(try StringFunctions.substr(lit("12345"), int("0"), int("3")) == lit("12"))
        #expect(throws: ExpressionError.self) { try StringFunctions.strlen(int("1")) }
    }

    @Test func twoStringFunctionsCheckCompatibility() throws {
        #expect(try StringFunctions.strstarts(lit("foobar"), lit("foo")) == .boolean(true))
        #expect(try StringFunctions.strstarts(lit("foobar", lang: "en"), lit("foo")) == .boolean(true))
        #expect(throws: ExpressionError.self) { try StringFunctions.strstarts(lit("foobar", lang: "en"), lit("foo", lang: "fr")) }
        #expect(throws: ExpressionError.self) { try StringFunctions.contains(lit("foobar"), lit("foo", lang: "en")) }
        #expect(try StringFunctions.strends(lit("foobar"), lit("bar")) == .boolean(true))
        #expect(try StringFunctions.contains(lit("foobar"), lit("oba")) == .boolean(true))
        #expect(try StringFunctions.strbefore(lit("abc", lang: "en"), lit("bc")) == lit("a", lang: "en"))
        #expect(try StringFunctions.strbefore(lit("abc"), lit("xyz")) == lit(""))
        #expect(try StringFunctions.strbefore(lit("abc", lang: "en"), lit("")) == lit("", lang: "en"))
        #expect(try StringFunctions.strafter(lit("abc"), lit("b")) == lit("c"))
    }

    @Test func constructorsAndEncodings() throws {
        #expect(try StringFunctions.encodeForURI(lit("Los Angeles")) == lit("Los%20Angeles"))
        #expect(try StringFunctions.encodeForURI(lit("~bébé")) == lit("~b%C3%A9b%C3%A9"))
        #expect(try StringFunctions.concat([lit("foo", lang: "en"), lit("bar", lang: "en")]) == lit("foobar", lang: "en"))
        #expect(try StringFunctions.concat([lit("foo", lang: "en"), lit("bar")]) == lit("foobar"))
        #expect(try StringFunctions.concat([]) == lit(""))
        #expect(try StringFunctions.langMatches(lit("fr-BE"), lit("FR")) == .boolean(true))
        #expect(try StringFunctions.langMatches(lit("fr"), lit("*")) == .boolean(true))
        #expect(try StringFunctions.langMatches(lit(""), lit("*")) == .boolean(false))
        #expect(try StringFunctions.langMatches(lit("french"), lit("fr")) == .boolean(false))
        #expect(try StringFunctions.strlang(lit("chat"), lit("fr")) == lit("chat", lang: "fr"))
        #expect(try StringFunctions.strdt(lit("1"), .iri(XSD.integer)) == int("1"))
        #expect(throws: ExpressionError.self) { try StringFunctions.strlang(lit("chat", lang: "en"), lit("fr")) }
    }

    @Test func regularExpressions() throws {
        #expect(try StringFunctions.regex(lit("Alice"), lit("^ali"), lit("i")) == .boolean(true))
        #expect(try StringFunctions.regex(lit("Alice"), lit("^ali"), nil) == .boolean(false))
        #expect(try StringFunctions.regex(lit("a.c"), lit("."), lit("q")) == .boolean(true))
        #expect(try StringFunctions.regex(lit("abc"), lit("a.c"), lit("q")) == .boolean(false))
        #expect(try StringFunctions.replace(lit("abcd"), lit("b"), lit("Z"), nil) == lit("aZcd"))
        #expect(try StringFunctions.replace(lit("abab", lang: "en"), lit("B"), lit("Z"), lit("i")) == lit("aZaZ", lang: "en"))
        #expect(try StringFunctions.replace(lit("abc"), lit("(b)"), lit("[$1]"), nil) == lit("a[b]c"))
        #expect(throws: ExpressionError.self) { try StringFunctions.replace(lit("abab"), lit("B*"), lit("Z"), nil) }
        #expect(throws: ExpressionError.self) { try StringFunctions.regex(lit("a"), lit("("), nil) }
        #expect(throws: ExpressionError.self) { try StringFunctions.regex(lit("a"), lit("a"), lit("z")) }
    }
}

@Suite("SPARQL casts") struct CastTests {
    @Test func castsFollowTheTable() throws {
        #expect(try Casts.cast(lit("12"), to: XSD.integer) == int("12"))
        #expect(try Casts.cast(lit(" 12 "), to: XSD.integer) == int("12"))
        #expect(throws: ExpressionError.self) { try Casts.cast(lit("1.5"), to: XSD.integer) }
        #expect(try Casts.cast(dec("1.9"), to: XSD.integer) == int("1"))
        #expect(try Casts.cast(dec("-1.9"), to: XSD.integer) == int("-1"))
        #expect(try Casts.cast(dbl("-1.9e0"), to: XSD.integer) == int("-1"))
        #expect(throws: ExpressionError.self) { try Casts.cast(dbl("INF"), to: XSD.integer) }
        #expect(throws: ExpressionError.self) { try Casts.cast(dbl("NaN"), to: XSD.decimal) }
        #expect(try Casts.cast(lit("1"), to: XSD.boolean) == .boolean(true))
        #expect(try Casts.cast(dbl("0"), to: XSD.boolean) == .boolean(false))
        #expect(try Casts.cast(.boolean(true), to: XSD.double) == dbl("1.0E0"))
        #expect(try Casts.cast(.boolean(true), to: XSD.decimal) == dec("1"))
        #expect(try Casts.cast(int("2"), to: XSD.string) == lit("2"))
        #expect(try Casts.cast(.iri("http://x"), to: XSD.string) == lit("http://x"))
        #expect(throws: ExpressionError.self) { try Casts.cast(.iri("http://x"), to: XSD.integer) }
        #expect(throws: ExpressionError.self) { try Casts.cast(.blank("b"), to: XSD.string) }
        #expect(try Casts.cast(lit("2002-10-10T12:00:00-05:00"), to: XSD.dateTime) == lit("2002-10-10T12:00:00-05:00", XSD.dateTime))
        #expect(throws: ExpressionError.self) { try Casts.cast(lit("2002-10-10"), to: XSD.dateTime) }
        #expect(throws: ExpressionError.self) { try Casts.cast(lit("200"), to: XSD.namespace + "byte") }
        #expect(try Casts.cast(lit("100"), to: XSD.namespace + "byte") == lit("100", XSD.namespace + "byte"))
        #expect(throws: ExpressionError.self) { try Casts.cast(lit("x", lang: "en"), to: XSD.integer) }
    }
}
