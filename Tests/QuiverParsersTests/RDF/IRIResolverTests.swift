@testable import QuiverParsers
import Testing

@Suite("RDF IRI resolution")
struct RDFIRIResolverTests {
    static let rfcBase = "http://a/b/c/d;p?q"

    /// RFC 3986 section 5.4.1 (normal examples).
    static let normal: [(String, String)] = [
        ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"),
        (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"),
        ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"), ("..", "http://a/b/"),
        ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../", "http://a/"),
        ("../../g", "http://a/g"),
    ]

    /// RFC 3986 section 5.4.2 (abnormal examples, strict parser).
    static let abnormal: [(String, String)] = [
        ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"), ("/./g", "http://a/g"),
        ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"), ("g..", "http://a/b/c/g.."),
        ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"), ("./g/.", "http://a/b/c/g/"),
        ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"), ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
        ("g;x=1/../y", "http://a/b/c/y"), ("g?y/./x", "http://a/b/c/g?y/./x"), ("g?y/../x", "http://a/b/c/g?y/../x"),
        ("g#s/./x", "http://a/b/c/g#s/./x"), ("g#s/../x", "http://a/b/c/g#s/../x"), ("http:g", "http:g"),
    ]

    @Test(arguments: normal + abnormal)
    func rfc3986Examples(reference: String, expected: String) {
        #expect(IRIResolver.resolve(reference, against: Self.rfcBase) == expected)
    }

    @Test func otherBases() {
        #expect(IRIResolver.resolve("g", against: "http://a") == "http://a/g")
        #expect(IRIResolver.resolve("", against: "http://a/b#frag") == "http://a/b")
        #expect(IRIResolver.resolve("#x", against: "http://a/b#frag") == "http://a/b#x")
        #expect(IRIResolver.resolve("z", against: "file:///x/y") == "file:///x/z")
        #expect(IRIResolver.resolve("../z", against: "urn:a/b/c") == "urn:a/z")
        #expect(IRIResolver.resolve("ö/ü", against: "http://ä/ß/") == "http://ä/ß/ö/ü")
        #expect(IRIResolver.resolve("?", against: "http://a/b?q") == "http://a/b?")
        #expect(IRIResolver.resolve("#", against: "http://a/b") == "http://a/b#")
    }

    @Test func absoluteness() {
        #expect(IRIResolver.isAbsolute("http://x"))
        #expect(IRIResolver.isAbsolute("a+b-c.d:x"))
        #expect(!IRIResolver.isAbsolute("//x"))
        #expect(!IRIResolver.isAbsolute("1a:x"))
        #expect(!IRIResolver.isAbsolute("a/b:c"))
        #expect(!IRIResolver.isAbsolute(""))
    }
}
