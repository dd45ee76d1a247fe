import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF Turtle reader")
struct RDFTurtleReaderTests {
    typealias T = RDFTest
    static let type = T.iri(T.rdf + "type")
    static let first = T.iri(T.rdf + "first")
    static let rest = T.iri(T.rdf + "rest")
    static let nil_ = T.iri(T.rdf + "nil")

    @Test func prefixesAndBothDirectiveForms() throws {
        let doc = """
        @prefix ex: <http://example/> .
        PREFIX e2: <http://example/two/>
        prefix : <http://example/default/>
        ex:s e2:p :o .
        """
        T.expectSame(try T.ttl(doc), [Triple(T.ex("s"), T.ex("two/p"), T.ex("default/o"))])
    }

    @Test func baseDirectivesAndRelativeIRIs() throws {
        let doc = """
        <a> <b> <#c> .
        @base <http://other/x/y/> .
        <../z> <?q> <> .
        BASE <sub/>
        <w> <//host/p> <http://abs/../kept> .
        base <http://third/>
        <t> <u> <v> .
        """
        T.expectSame(try T.ttl(doc), [
            Triple(T.ex("base/a"), T.ex("base/b"), T.ex("base/doc.ttl#c")),
            Triple(T.iri("http://other/x/z"), T.iri("http://other/x/y/?q"), T.iri("http://other/x/y/")),
            Triple(T.iri("http://other/x/y/sub/w"), T.iri("http://host/p"), T.iri("http://abs/../kept")),
            Triple(T.iri("http://third/t"), T.iri("http://third/u"), T.iri("http://third/v")),
        ])
    }

    @Test func prefixIRIsResolveAgainstTheBase() throws {
        let doc = "@base <http://example/dir/> .\n@prefix p: <ns#> .\np:a p:b p:c ."
        T.expectSame(try T.ttl(doc, base: nil), [Triple(T.ex("dir/ns#a"), T.ex("dir/ns#b"), T.ex("dir/ns#c"))])
    }

    @Test func prefixRedefinition() throws {
        let doc = "@prefix p: <http://example/1/> .\np:a p:b p:c .\n@prefix p: <http://example/2/> .\np:a p:b p:c ."
        T.expectSame(try T.ttl(doc), [
            Triple(T.ex("1/a"), T.ex("1/b"), T.ex("1/c")),
            Triple(T.ex("2/a"), T.ex("2/b"), T.ex("2/c")),
        ])
    }

    @Test func prefixedNameCharacters() throws {
        let doc = ##"""
        @prefix ex: <http://example/> .
        @prefix a.b-c_d: <http://example/ns/> .
        @prefix é: <http://example/u/> .
        ex:a.b ex:_1 ex:9 .
        ex:with\~tilde\.dot ex:p%20q ex:a:b:c .
        a.b-c_d:x é:ñ é:x·y .
        ex:x ex:\-y ex:esc\!\$\&\'\(\)\*\+\,\;\=\/\?\#\@\%\_ .
        ex:trailing ex:dot ex:o.
        ex: ex:p ex:o..o .
        """##
        T.expectSame(try T.ttl(doc), [
            Triple(T.ex("a.b"), T.ex("_1"), T.ex("9")),
            Triple(T.ex("with~tilde.dot"), T.ex("p%20q"), T.ex("a:b:c")),
            Triple(T.ex("ns/x"), T.ex("u/ñ"), T.ex("u/x·y")),
            Triple(T.ex("x"), T.ex("-y"), T.ex("esc!$&'()*+,;=/?#@%_")),
            Triple(T.ex("trailing"), T.ex("dot"), T.ex("o")),
            Triple(T.ex(""), T.ex("p"), T.ex("o..o")),
        ])
    }

    @Test func aIsRdfType() throws {
        let doc = "@prefix ex: <http://example/> .\nex:s a ex:C .\n@prefix a: <http://example/a/> .\na:b a a:c ."
        T.expectSame(try T.ttl(doc), [
            Triple(T.ex("s"), Self.type, T.ex("C")),
            Triple(T.ex("a/b"), Self.type, T.ex("a/c")),
        ])
    }

    @Test func predicateAndObjectLists() throws {
        let doc = """
        @prefix : <http://example/> .
        :s :p :o1, :o2 ; :q :o3 ;
           :r :o4, :o5 ;; ; .
        :t :p :o ;.
        """
        T.expectSame(try T.ttl(doc), [
            Triple(T.ex("s"), T.ex("p"), T.ex("o1")),
            Triple(T.ex("s"), T.ex("p"), T.ex("o2")),
            Triple(T.ex("s"), T.ex("q"), T.ex("o3")),
            Triple(T.ex("s"), T.ex("r"), T.ex("o4")),
            Triple(T.ex("s"), T.ex("r"), T.ex("o5")),
            Triple(T.ex("t"), T.ex("p"), T.ex("o")),
        ])
    }

    @Test func blankNodes() throws {
        let doc = """
        @prefix : <http://example/> .
        _:a :p _:b .
        [] :p [] .
        [ :q 1 ] :p [ :r :o ; :s [ :t 2 ] ] .
        [ :u :v ] .
        :x :p [ ] .
        """
        let one = T.typed("1", "integer"), two = T.typed("2", "integer")
        T.expectSame(try T.ttl(doc), [
            Triple(T.blank("a"), T.ex("p"), T.blank("b")),
            Triple(T.blank("genid1"), T.ex("p"), T.blank("genid2")),
            Triple(T.blank("genid3"), T.ex("q"), one),
            Triple(T.blank("genid3"), T.ex("p"), T.blank("genid4")),
            Triple(T.blank("genid4"), T.ex("r"), T.ex("o")),
            Triple(T.blank("genid4"), T.ex("s"), T.blank("genid5")),
            Triple(T.blank("genid5"), T.ex("t"), two),
            Triple(T.blank("genid6"), T.ex("u"), T.ex("v")),
            Triple(T.ex("x"), T.ex("p"), T.blank("genid7")),
        ])
    }

    @Test func documentLabelsNeverCollideWithGeneratedOnes() throws {
        let doc = "@prefix : <http://example/> .\n_:genid1 :p [] .\n_:genid :p _:genidx1 .\n_:b1 :p _:g ."
        let triples = try T.ttl(doc)
        #expect(triples == [
            Triple(T.blank("genidxgenid1"), T.ex("p"), T.blank("genid1")),
            Triple(T.blank("genidxgenid"), T.ex("p"), T.blank("genidxgenidx1")),
            Triple(T.blank("b1"), T.ex("p"), T.blank("g")),
        ])
        // Every label is a valid N-Triples label: the triples survive a trip through N-Triples.
        let text = triples.map(NTriples.format).joined(separator: "\n")
        #expect(try T.nt(text) == triples)
    }

    @Test func collections() throws {
        let doc = """
        @prefix : <http://example/> .
        :s :p (1 :a "x") .
        :s :q () .
        (:a (:b)) :p :o .
        :s :r ([ :k :v ]) .
        """
        let one = T.typed("1", "integer")
        T.expectSame(try T.ttl(doc), [
            Triple(T.ex("s"), T.ex("p"), T.blank("genid1")),
            Triple(T.blank("genid1"), Self.first, one),
            Triple(T.blank("genid1"), Self.rest, T.blank("genid2")),
            Triple(T.blank("genid2"), Self.first, T.ex("a")),
            Triple(T.blank("genid2"), Self.rest, T.blank("genid3")),
            Triple(T.blank("genid3"), Self.first, T.lit("x")),
            Triple(T.blank("genid3"), Self.rest, Self.nil_),
            Triple(T.ex("s"), T.ex("q"), Self.nil_),
            Triple(T.blank("genid4"), Self.first, T.ex("a")),
            Triple(T.blank("genid4"), Self.rest, T.blank("genid5")),
            Triple(T.blank("genid5"), Self.first, T.blank("genid6")),
            Triple(T.blank("genid6"), Self.first, T.ex("b")),
            Triple(T.blank("genid6"), Self.rest, Self.nil_),
            Triple(T.blank("genid5"), Self.rest, Self.nil_),
            Triple(T.blank("genid4"), T.ex("p"), T.ex("o")),
            Triple(T.ex("s"), T.ex("r"), T.blank("genid7")),
            Triple(T.blank("genid7"), Self.first, T.blank("genid8")),
            Triple(T.blank("genid8"), T.ex("k"), T.ex("v")),
            Triple(T.blank("genid7"), Self.rest, Self.nil_),
        ])
    }

    @Test func emptyCollectionAsSubject() throws {
        #expect(try T.ttl("() <http://example/p> <http://example/o> .") == [Triple(Self.nil_, T.ex("p"), T.ex("o"))])
    }

    @Test func stringForms() throws {
        let doc = #"""
        @prefix : <http://example/> .
        :s :p "double", 'single', """long "double"
        with ""quotes"" and
        lines""", '''long 'single'
        ''', "", '', """""", '''''' .
        :s :p """a""\"""", '''x''\'''' .
        :s :p "\t\b\n\r\f\"\'\\\u00e9\U0001F600" .
        """#
        let objects = try T.ttl(doc).map(\.object)
        #expect(objects == [
            T.lit("double"), T.lit("single"), T.lit("long \"double\"\nwith \"\"quotes\"\" and\nlines"),
            T.lit("long 'single'\n"), T.lit(""), T.lit(""), T.lit(""), T.lit(""),
            T.lit("a\"\"\""), T.lit("x'''"),
            T.lit("\t\u{8}\n\r\u{C}\"'\\é😀"),
        ])
    }

    @Test func adjacentSingleQuotedStringsNeedSeparators() {
        // 'it''s' is 'it' followed by 's' with no comma: an error after the first object.
        let e = T.error { try T.ttl("<http://example/s> <http://example/p> 'it''s' .") }
        #expect(e?.column == 43)
    }

    @Test func languageTagsAndDatatypes() throws {
        let doc = """
        @prefix : <http://example/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        :s :p "a"@en, "b"@en-US, 'c'@zh-Hant-TW, \"""d\"""@de .
        :s :p "1"^^xsd:integer, "x"^^<http://example/dt>, "y"^^:dt, "z"^^xsd:string, "w"^^<http://www.w3.org/2001/XMLSchema#string> .
        :s :p "rel"^^<dt> .
        """
        #expect(try T.ttl(doc).map(\.object) == [
            T.lit("a", lang: "en"), T.lit("b", lang: "en-US"), T.lit("c", lang: "zh-Hant-TW"), T.lit("d", lang: "de"),
            T.typed("1", "integer"), T.lit("x", "http://example/dt"), T.lit("y", "http://example/dt"),
            T.lit("z"), T.lit("w"), T.lit("rel", "http://example/base/dt"),
        ])
    }


    @Test func numericLexicalForms() throws {
        let doc = """
        @prefix : <http://example/> .
        :s :p 1, -5, +7, 007, 1.5, -0.25, .5, +.5, 1e10, 1E-3, -2.5e+4, .5e1, 4.e2, true, false .
        :s :q 12.
        :s :q 12.0.
        :s :q 1.5e3.
        :s :q -0 .
        """
        #expect(try T.ttl(doc).map(\.object) == [
            T.typed("1", "integer"), T.typed("-5", "integer"), T.typed("+7", "integer"), T.typed("007", "integer"),
            T.typed("1.5", "decimal"), T.typed("-0.25", "decimal"), T.typed(".5", "decimal"), T.typed("+.5", "decimal"),
            T.typed("1e10", "double"), T.typed("1E-3", "double"), T.typed("-2.5e+4", "double"), T.typed(".5e1", "double"),
            T.typed("4.e2", "double"), T.typed("true", "boolean"), T.typed("false", "boolean"),
            T.typed("12", "integer"), T.typed("12.0", "decimal"), T.typed("1.5e3", "double"), T.typed("-0", "integer"),
        ])
    }

    @Test func commentsEverywhere() throws {
        let doc = """
        #c0
        @prefix : <http://example/> . #c1
        :s #c2
        :p #c3
        ( #c4
          :a #c5
        ) #c6
        ; :q [ #c7
          :r "x" #c8
          ] #c9
        , "y" #c10
        . #c11
        """
        #expect(try T.ttl(doc).count == 6)
    }

    @Test func whitespaceIsOptionalBetweenPunctuation() throws {
        let doc = "@prefix :<http://example/>.:s :p :o;:q(:a);:r[:t :u],\"v\"."
        #expect(try T.ttl(doc).count == 7)
    }

    @Test func keywordsAreCaseRules() throws {
        // SPARQL-style directives are case-insensitive; 'a', 'true', 'false' are not.
        let doc = "PrEfIx p: <http://example/>\nbAsE <http://example/>\np:s a p:o ; p:q true ."
        #expect(try T.ttl(doc).count == 2)
        #expect(T.error { try T.ttl("@prefix p: <http://example/> .\np:s A p:o .") } != nil)
        #expect(T.error { try T.ttl("@prefix p: <http://example/> .\np:s p:p TRUE .") } != nil)
        #expect(T.error { try T.ttl("@PREFIX p: <http://example/> .") } != nil)
    }

    @Test func prefixAndBaseAsPrefixNames() throws {
        let doc = "@prefix PREFIX: <http://example/pre/> .\n@prefix base: <http://example/b/> .\nPREFIX:a base:b PREFIX:c ."
        T.expectSame(try T.ttl(doc), [Triple(T.ex("pre/a"), T.ex("b/b"), T.ex("pre/c"))])
    }

    @Test func unicodeEscapesInIRIs() throws {
        let doc = #"<http://example/\u00E9> <http://example/\U0001F600> <\u0023frag> ."#
        T.expectSame(try T.ttl(doc), [Triple(T.ex("é"), T.ex("😀"), T.ex("base/doc.ttl#frag"))])
    }

    @Test func finalStatementWithoutNewlineAndCRLF() throws {
        let doc = "@prefix : <http://example/> .\r\n:s :p :o .\r\n:s :p :o2."
        #expect(try T.ttl(doc).count == 2)
    }
}
