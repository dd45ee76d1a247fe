import QuiverSPARQLProtocol
import Testing

struct CORSPolicyTests {
    let policy = CORSPolicy(allowedOrigins: ["https://app.example/", "http://localhost:3000"])

    @Test func noOriginOrTheSameOriginAddsNothing() throws {
        #expect(try policy.evaluate(method: "POST", headers: headerLines(["Host: quiver:7878"])) == .notCrossOrigin)
        #expect(try policy.evaluate(method: "POST", headers: headerLines(["Host: Quiver:7878", "Origin: http://quiver:7878"])) == .notCrossOrigin)
    }

    @Test func anAllowedOriginIsEchoedWithVary() throws {
        #expect(try policy.evaluate(method: "GET", headers: headerLines(["Origin: HTTPS://APP.EXAMPLE"])) == .allowed([
            HTTPHeader("Access-Control-Allow-Origin", "HTTPS://APP.EXAMPLE"), HTTPHeader("Vary", "Origin"),
        ]))
    }

    @Test func aWildcardAnswersStarUnlessCredentialsAreAllowed() throws {
        let open = CORSPolicy(allowedOrigins: ["*"], exposedHeaders: ["Content-Length"])
        #expect(try open.evaluate(method: "GET", headers: headerLines(["Origin: https://any.example"])) == .allowed([
            HTTPHeader("Access-Control-Allow-Origin", "*"), HTTPHeader("Access-Control-Expose-Headers", "Content-Length"),
        ]))
        let withCredentials = CORSPolicy(allowedOrigins: ["*"], allowCredentials: true)
        #expect(try withCredentials.evaluate(method: "GET", headers: headerLines(["Origin: https://any.example"])) == .allowed([
            HTTPHeader("Access-Control-Allow-Origin", "https://any.example"), HTTPHeader("Access-Control-Allow-Credentials", "true"),
            HTTPHeader("Vary", "Origin"),
        ]))
    }

    @Test func aPreflightIsAnswered() throws {
        let decision = try policy.evaluate(method: "OPTIONS", headers: headerLines([
            "Origin: http://localhost:3000", "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: content-type, AUTHORIZATION", "Access-Control-Request-Headers: accept",
        ]))
        #expect(decision == .preflight([
            HTTPHeader("Access-Control-Allow-Origin", "http://localhost:3000"),
            HTTPHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE"),
            HTTPHeader("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type"),
            HTTPHeader("Access-Control-Max-Age", "600"),
            HTTPHeader("Vary", "Origin"),
        ]))
    }

    @Test func optionsWithoutARequestMethodIsNotAPreflight() throws {
        #expect(try policy.evaluate(method: "OPTIONS", headers: headerLines(["Origin: http://localhost:3000"]))
            == .allowed([HTTPHeader("Access-Control-Allow-Origin", "http://localhost:3000"), HTTPHeader("Vary", "Origin")]))
    }

    @Test func anOriginNotListedIsRefused() {
        for method in ["GET", "POST", "OPTIONS"] {
            let error = refusal { () throws(HTTPRequestError) in
                try policy.evaluate(method: method, headers: headerLines(["Origin: https://evil.example", "Access-Control-Request-Method: POST"]))
            }
            #expect(error?.status == .forbidden)
            #expect(error?.description == "cross-origin requests from \"https://evil.example\" are not allowed")
        }
        let none = CORSPolicy(allowedOrigins: [])
        #expect(refusal { () throws(HTTPRequestError) in try none.evaluate(method: "GET", headers: headerLines(["Origin: null"])) }?.status == .forbidden)
    }

    @Test func aPreflightForAMethodOrHeaderNotAllowedIsRefused() {
        let method = refusal { () throws(HTTPRequestError) in
            try policy.evaluate(method: "OPTIONS", headers: headerLines(["Origin: http://localhost:3000", "Access-Control-Request-Method: PATCH"]))
        }
        #expect(method?.status == .forbidden)
        #expect(method?.description == "the CORS preflight from \"http://localhost:3000\" is refused: the method PATCH is not allowed (allowed: GET, HEAD, POST, PUT, DELETE)")
        let header = refusal { () throws(HTTPRequestError) in
            try policy.evaluate(method: "OPTIONS", headers: headerLines([
                "Origin: http://localhost:3000", "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type, x-secret",
            ]))
        }
        #expect(header?.status == .forbidden)
        #expect(header?.description == "the CORS preflight from \"http://localhost:3000\" is refused: the header x-secret is not allowed (allowed: Accept, Authorization, Content-Type)")
    }

    @Test func twoDifferentOriginsAreABadRequest() {
        let error = refusal { () throws(HTTPRequestError) in
            try policy.evaluate(method: "GET", headers: headerLines(["Origin: http://localhost:3000", "Origin: https://evil.example"]))
        }
        #expect(error?.status == .badRequest)
        #expect(error?.description == "the Origin header is given more than once with different values")
    }
}
