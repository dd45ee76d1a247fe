import QuiverSPARQLProtocol
import Testing

/// Multipart bodies, as the Graph Store protocol's form uploads send them.
@Suite struct MultipartTests {
    @Test func nestedPartsAreFlattenedWithTheirTypes() throws {
        let body = "--A\r\ncontent-disposition: form-data; name=\"g\"\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
            + "--B\r\nContent-Type: text/turtle\r\n\r\n<a> <b> <c> .\r\n--B\r\nContent-Type: application/n-triples\r\n\r\n<d> <e> <f> .\n\r\n--B--\r\n"
            + "--A\r\nContent-Type: text/turtle\r\n\r\n<g> <h> <i> .\r\n--A--\r\n"
        let parts = try Multipart.parts(of: Array(body.utf8), contentType: "multipart/form-data, boundary=A")
        #expect(parts.map(\.contentType) == ["text/turtle", "application/n-triples", "text/turtle"])
        #expect(parts.map { String(decoding: $0.body, as: UTF8.self) } == ["<a> <b> <c> .", "<d> <e> <f> .\n", "<g> <h> <i> ."])
    }

    @Test func aBodyWithoutItsBoundaryIsRefused() {
        #expect(throws: HTTPRequestError.self) { try Multipart.parts(of: Array("no parts".utf8), contentType: "multipart/form-data; boundary=X") }
        #expect(throws: HTTPRequestError.self) { try Multipart.parts(of: Array("--X\r\n\r\nx\r\n--X--".utf8), contentType: "multipart/form-data") }
        #expect(Multipart.isMultipart(" Multipart/Mixed; boundary=q") && !Multipart.isMultipart("text/turtle"))
    }
}
