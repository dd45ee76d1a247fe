import QuiverSPARQLProtocol
import Testing

struct BasicCredentialsTests {
    @Test func decodesUserAndPassword() throws {
        // "alice:s3cr3t"
        #expect(try BasicCredentials(authorization: "Basic YWxpY2U6czNjcjN0") == BasicCredentials(user: "alice", password: "s3cr3t"))
        // "bob:pa:ss:" — the password keeps its colons; the scheme is case-insensitive.
        #expect(try BasicCredentials(authorization: "basic   Ym9iOnBhOnNzOg==") == BasicCredentials(user: "bob", password: "pa:ss:"))
        // ":" — both empty.
        #expect(try BasicCredentials(authorization: "Basic Og==") == BasicCredentials(user: "", password: ""))
        // "jürgen:pässwort" in UTF-8.
        #expect(try BasicCredentials(authorization: "Basic asO8cmdlbjpww6Rzc3dvcnQ=") == BasicCredentials(user: "jürgen", password: "pässwort"))
        let fromHeaders = try BasicCredentials(headers: headerLines(["authorization: Basic YWxpY2U6czNjcjN0"]))
        #expect(fromHeaders.user == "alice")
        #expect(fromHeaders.description == "user \"alice\"")
    }

    @Test func missingCredentialsAreA401WithAChallenge() {
        let error = refusal { () throws(HTTPRequestError) in try BasicCredentials(headers: [], realm: "Quiver \"prod\"") }
        #expect(error?.status == .unauthorized)
        #expect(error?.description == "this endpoint requires HTTP Basic credentials (an Authorization: Basic header)")
        #expect(error?.responseHeaders == [HTTPHeader("WWW-Authenticate", #"Basic realm="Quiver \"prod\"", charset="UTF-8""#)])
    }

    @Test func anotherSchemeIsA401() {
        let error = refusal { () throws(HTTPRequestError) in try BasicCredentials(authorization: "Bearer abc.def") }
        #expect(error?.status == .unauthorized)
        #expect(error?.description == "this endpoint requires HTTP Basic credentials; the Authorization header uses the \"Bearer\" scheme")
        #expect(error?.responseHeaders == [HTTPHeader("WWW-Authenticate", #"Basic realm="Quiver", charset="UTF-8""#)])
    }

    @Test func malformedCredentialsAreA400() {
        let cases: [(String, String)] = [
            ("Basic", "there is nothing after Basic"),
            ("Basic YWxpY2U", "\"YWxpY2U\" is not base64"),           // not padded
            ("Basic YW=xpY2U=", "\"YW=xpY2U=\" is not base64"),       // padding inside
            ("Basic YWxp*2U6", "\"YWxp*2U6\" is not base64"),
            ("Basic YWxpY2U=", "the decoded value has no : between user and password"),   // "alice"
            ("Basic /zp4", "the decoded user:password is not UTF-8"),                        // FF 3A 78
        ]
        for (header, problem) in cases {
            let error = refusal { () throws(HTTPRequestError) in try BasicCredentials(authorization: header) }
            #expect(error?.status == .badRequest)
            #expect(error?.description == "the Authorization header's Basic credentials are malformed: \(problem)")
        }
    }

    @Test func matchingComparesBothParts() {
        let credentials = BasicCredentials(user: "alice", password: "s3cr3t")
        #expect(credentials.matches(user: "alice", password: "s3cr3t"))
        #expect(!credentials.matches(user: "alice", password: "s3cr3"))
        #expect(!credentials.matches(user: "alice", password: "s3cr3t!"))
        #expect(!credentials.matches(user: "alicf", password: "s3cr3t"))
        #expect(!credentials.matches(user: "", password: ""))
        let error = refusal { () throws(HTTPRequestError) in try credentials.verify(user: "alice", password: "other") }
        #expect(error?.status == .unauthorized)
        #expect(error?.description == "the user name or password is wrong")
    }
}
